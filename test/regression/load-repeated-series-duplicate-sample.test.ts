import { describe, expect, it } from 'vitest';
import { runScript } from '../../src/promql/test-script/run.js';

// Defect: a `load` block that lists the same series twice (aggregators.test line 620 does) failed with "duplicate
// sample for timestamp 0": Prometheus's runner keys the definitions by label set, so the later line replaces the
// earlier one, and every eval after the load failed.
describe('test scripts: a series listed twice in one load', () => {
  it('takes the later definition', async () => {
    const outcomes = await runScript(['load 1m', '  m{a="1"} 1 2', '  m{a="1"} 5 6', '', 'eval instant at 1m m', '  m{a="1"} 6', ''].join('\n'));
    expect(outcomes).toEqual([{ line: 5, expr: 'm', status: 'pass', nativeHistograms: false }]);
  });
});
