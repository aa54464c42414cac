import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFloat, formatOpenMetricsFloat } from '../../../src/exposition/format-float.js';
import { parseGoFloat } from '../../../src/exposition/parser.js';

// Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) / client_golang writeFloat print.
const GO_CASES: [number, string][] = [
  [0, '0'],
  [-0, '0'],
  [1, '1'],
  [-1, '-1'],
  [1.5, '1.5'],
  [0.1, '0.1'],
  [1 / 3, '0.3333333333333333'],
  [100_000, '100000'],
  [999_999, '999999'],
  [999_999.5, '999999.5'],
  [1e6, '1e+06'],
  [1_234_567, '1.234567e+06'],
  [123_456.789, '123456.789'],
  [0.0001, '0.0001'],
  [0.000123, '0.000123'],
  [0.00001, '1e-05'],
  [-2.5e-7, '-2.5e-07'],
  [1e21, '1e+21'],
  [1e100, '1e+100'],
  [608_863_452_348.1149, '6.088634523481149e+11'],
  [2 ** 53, '9.007199254740992e+15'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [5e-324, '5e-324'],
  [NaN, 'NaN'],
  [Infinity, '+Inf'],
  [-Infinity, '-Inf'],
];

describe('formatFloat (Go %g, shortest)', () => {
  it.each(GO_CASES)('%d → %s', (v, s) => {
    expect(formatFloat(v)).toBe(s);
  });

  it('round-trips every double through Go float syntax', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        const back = parseGoFloat(formatFloat(v));
        expect(back === undefined ? 'unparsable' : Object.is(back, v) || (back === 0 && v === 0) || (Number.isNaN(back) && Number.isNaN(v))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('uses exponent form exactly outside [1e-4, 1e6), with a two-digit exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatFloat(v);
        const a = Math.abs(v);
        const exp = a === 0 || (a >= 1e-4 && a < 1e6);
        expect(s.includes('e')).toBe(!exp);
        if (!exp) expect(s).toMatch(/e[+-]\d{2,3}$/);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('formatOpenMetricsFloat', () => {
  it.each([
    [0, '0.0'],
    [-0, '0.0'],
    [1, '1.0'],
    [-1, '-1.0'],
    [42, '42.0'],
    [999_999, '999999.0'],
    [1e6, '1e+06'],
    [1.5, '1.5'],
    [1e-5, '1e-05'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ] as [number, string][])('%d → %s', (v, s) => {
    expect(formatOpenMetricsFloat(v)).toBe(s);
  });
});
