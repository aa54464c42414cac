import { describe, expect, it } from 'vitest';
import { PromQLEvalError } from '../../../../src/errors.js';
import { changes, resets } from '../../../../src/promql/functions/counter-changes.js';
import { idelta, irate } from '../../../../src/promql/functions/instant-rate.js';
import { deriv, predictLinear } from '../../../../src/promql/functions/linear-regression.js';
import { extrapolatedRateOfPoints } from '../../../../src/promql/functions/rate.js';
import { doubleExponentialSmoothing } from '../../../../src/promql/functions/smoothing.js';
import type { RangeFunction } from '../../../../src/promql/functions/types.js';
import { min, rangeCtx, sec, selectPoints } from './promqltest-series.js';

/**
 * Golden values from Prometheus's own test scripts, `/work/shared/conformance/promql-3.16/functions.test`
 * (promql/promqltest/testdata at v0.316.0); each case cites the `eval` line. Exact equality: Prometheus prints
 * the shortest round-trip representation of its float64 results.
 */
interface Case {
  readonly line: number;
  readonly fn: RangeFunction;
  readonly series: string;
  readonly stepMs: number;
  readonly evalMs: number;
  readonly rangeMs: number;
  readonly args?: readonly number[];
  /** undefined = no output sample. */
  readonly want: number | undefined;
  /** Intercept time when it differs from the eval time (`@`): the selector's end. */
  readonly endMs?: number;
}

const FOO = '1 2 3 0 1 0 0 1 2 0';
const BAR = '1 2 3 4 5 1 2 3 4 5';
const BIZ = '0 0 0 0 0 1 1 1 1 1';
const RESET_MIDDLE = '0+10x4 0+10x5';
const CANARY = '0+80x10';

const cases: Case[] = [
  // resets(), lines 11–41.
  { line: 11, fn: resets, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(5), want: undefined },
  { line: 13, fn: resets, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(10), want: 0 },
  { line: 23, fn: resets, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(20), want: 1 },
  { line: 33, fn: resets, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(32), want: 2 },
  { line: 33, fn: resets, series: BAR, stepMs: min(5), evalMs: min(50), rangeMs: min(32), want: 1 },
  { line: 38, fn: resets, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 3 },
  { line: 38, fn: resets, series: BIZ, stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 0 },
  // changes(), lines 58–83 and the NaN case at 108.
  { line: 58, fn: changes, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(5), want: undefined },
  { line: 60, fn: changes, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(6), want: 0 },
  { line: 65, fn: changes, series: BAR, stepMs: min(5), evalMs: min(50), rangeMs: min(20), want: 2 },
  { line: 70, fn: changes, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(30), want: 3 },
  { line: 70, fn: changes, series: BAR, stepMs: min(5), evalMs: min(50), rangeMs: min(30), want: 4 },
  { line: 75, fn: changes, series: FOO, stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 7 },
  { line: 75, fn: changes, series: BAR, stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 8 },
  { line: 75, fn: changes, series: BIZ, stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 1 },
  { line: 108, fn: changes, series: 'NaN NaN NaN', stepMs: min(5), evalMs: min(15), rangeMs: min(20), want: 0 },
  { line: 108, fn: changes, series: '0 NaN 0', stepMs: min(5), evalMs: min(15), rangeMs: min(20), want: 2 },
  // irate() / idelta(), lines 230–245 and 319–326 (series of the `load 5m` at line 216).
  { line: 230, fn: irate, series: '0+10x10', stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 0.03333333333333333 },
  { line: 236, fn: irate, series: '0+10x5 0+10x5', stepMs: min(5), evalMs: min(30), rangeMs: min(50), want: 0 },
  { line: 241, fn: irate, series: '1 NaN NaN 5 11', stepMs: min(5), evalMs: min(10), rangeMs: min(15) + 1000, want: NaN },
  { line: 241, fn: irate, series: '1 NaN NaN 5 11', stepMs: min(5), evalMs: min(20), rangeMs: min(15) + 1000, want: 0.02 },
  { line: 241, fn: irate, series: '1 NaN NaN 5 11', stepMs: min(5), evalMs: 0, rangeMs: min(15) + 1000, want: undefined },
  { line: 324, fn: idelta, series: '1 NaN NaN 5 11', stepMs: min(5), evalMs: min(20), rangeMs: min(15) + 1000, want: 6 },
  { line: 324, fn: idelta, series: '1 NaN NaN 5 11', stepMs: min(5), evalMs: min(15), rangeMs: min(15) + 1000, want: NaN },
  // deriv(), lines 374–400.
  { line: 374, fn: deriv, series: CANARY, stepMs: min(5), evalMs: min(50), rangeMs: min(50), want: 0.26666666666666666 },
  { line: 379, fn: deriv, series: RESET_MIDDLE, stepMs: min(5), evalMs: min(50), rangeMs: min(100), want: 0.010606060606060607 },
  { line: 399, fn: deriv, series: '-Inf 0+80x10 Inf', stepMs: min(5), evalMs: min(100), rangeMs: min(100), want: NaN },
  // predict_linear(), lines 417–461.
  { line: 417, fn: predictLinear, series: RESET_MIDDLE, stepMs: min(5), evalMs: min(50), rangeMs: min(50), args: [3600], want: 70 },
  { line: 426, fn: predictLinear, series: RESET_MIDDLE, stepMs: min(5), evalMs: min(50), endMs: sec(3000), rangeMs: min(55), args: [3600], want: 76.81818181818181 },
  { line: 435, fn: predictLinear, series: RESET_MIDDLE, stepMs: min(5), evalMs: min(10), endMs: sec(3000), rangeMs: min(55), args: [3600], want: 51.36363636363637 },
  { line: 440, fn: predictLinear, series: RESET_MIDDLE, stepMs: min(5), evalMs: min(70), endMs: sec(3000), rangeMs: min(55), args: [3600], want: 89.54545454545455 },
  { line: 460, fn: predictLinear, series: '-Inf 0+80x10 Inf', stepMs: min(5), evalMs: min(100), rangeMs: min(100), args: [6000], want: NaN },
  // double_exponential_smoothing(), lines 933–966.
  { line: 933, fn: doubleExponentialSmoothing, series: '0+10x1000 100+30x1000', stepMs: sec(10), evalMs: sec(8000), rangeMs: min(1), args: [0.01, 0.1], want: 8000 },
  { line: 933, fn: doubleExponentialSmoothing, series: '0+40x2000', stepMs: sec(10), evalMs: sec(8000), rangeMs: min(1), args: [0.01, 0.1], want: 32000 },
  { line: 961, fn: doubleExponentialSmoothing, series: '8000-10x1000', stepMs: sec(10), evalMs: sec(8000), rangeMs: min(1), args: [0.01, 0.1], want: 0 },
  { line: 961, fn: doubleExponentialSmoothing, series: '0-40x1000 0+40x1000', stepMs: sec(10), evalMs: sec(8000), rangeMs: min(1), args: [0.01, 0.1], want: -32000 },
];

describe('range functions against functions.test (Prometheus 3.16)', () => {
  it.each(cases.map((c) => [`line ${c.line}: ${c.series} @${c.evalMs}ms [${c.rangeMs}ms]`, c] as const))(
    '%s',
    (_name, c) => {
      const end = c.endMs ?? c.evalMs;
      const points = selectPoints(c.series, c.stepMs, end, c.rangeMs);
      const ctx = { ...rangeCtx(end, c.rangeMs), evalTimeMs: c.evalMs };
      const got = c.fn(points, ctx, c.args ?? []);
      if (c.want === undefined) expect(got).toBeUndefined();
      else expect(got).toBe(c.want);
    },
  );
});

describe('rate over Points (functions.test)', () => {
  // The script prints 0.26666666666666666 and compares within promqltest's epsilon; Go's float64 result of
  // extrapolatedRate's operations (720 · ((2700 + 300 + 0) / 2700 / 3000), run with go1.26) is 0.2666666666666667.
  it('line 370: rate(http_requests_total[50m]) of 0+80x10 = 0.2666666666666667 (Go float64)', () => {
    const p = selectPoints(CANARY, min(5), min(50), min(50));
    expect(extrapolatedRateOfPoints(p, rangeCtx(min(50), min(50)), true, true)).toBe(0.2666666666666667);
  });
});

describe('double_exponential_smoothing errors', () => {
  const p = selectPoints('1 2 3', sec(10), sec(20), min(1));
  it.each([
    [[1, 0.5], 'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000'],
    [[0, 0.5], 'invalid smoothing factor. Expected: 0 < sf < 1, got: 0.000000'],
    [[0.5, -0.25], 'invalid trend factor. Expected: 0 < tf < 1, got: -0.250000'],
  ] as const)("args %j throw %s (Go's %f wording)", (args, message) => {
    expect(() => doubleExponentialSmoothing(p, rangeCtx(sec(20), min(1)), args)).toThrow(new PromQLEvalError(message));
    try {
      doubleExponentialSmoothing(p, rangeCtx(sec(20), min(1)), args);
    } catch (e) {
      expect((e as PromQLEvalError).code).toBe('FPB_ERR_PROMQL_EVAL');
    }
  });
});
