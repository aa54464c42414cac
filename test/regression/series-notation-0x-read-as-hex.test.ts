import { describe, expect, it } from 'vitest';
import { parseSeriesDesc } from '../../src/promql/test-script/series-desc.js';

// Defect: the test-script runner read `0x59` in the series notation as the hex number 89. In Go's series lexer `x`
// after a number is always TIMES, so `{} 0x59 60 60` (functions.test, timestamp() over many steps) is 60 zeros
// then 60 60.
describe('series notation: 0xN is a repeat, never hex', () => {
  it('reads 0x3 as four zeros', () => {
    expect(parseSeriesDesc('{} 0x3 60').values).toEqual([
      { kind: 'float', v: 0 },
      { kind: 'float', v: 0 },
      { kind: 'float', v: 0 },
      { kind: 'float', v: 0 },
      { kind: 'float', v: 60 },
    ]);
  });
});
