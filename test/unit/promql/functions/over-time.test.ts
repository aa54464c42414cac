import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ot from '../../../../src/promql/functions/over-time.js';
import type { RangeFunction } from '../../../../src/promql/functions/types.js';
import { min, rangeCtx, sec, selectPoints } from './promqltest-series.js';

/**
 * `*_over_time` against `/work/shared/conformance/promql-3.16/functions.test` (Prometheus v0.316.0), each case
 * citing its `eval` line; `load 10s` series of line 969 unless stated.
 */
const S = {
  metric: '1 2 3 4 5',
  metric2: '1 2 3 4 Inf',
  metric3: '1 2 3 4 -Inf',
  metric4: '1 2 3 Inf -Inf',
  metric5: 'Inf 0 Inf',
  metric5c: 'Inf Inf Inf -Inf',
  metric6: '1 2 3 -Inf -Inf',
  metric6b: '-Inf 0 -Inf',
  metric6c: '-Inf -Inf -Inf Inf',
  metric7: '1 2 -Inf -Inf Inf',
  metric8: '9.988465674311579e+307 9.988465674311579e+307',
  metric9: '-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307',
  metric10: '-9.988465674311579e+307 9.988465674311579e+307',
  metric11: '1 2 3 NaN NaN',
} as const;

type Case = readonly [line: number, fn: RangeFunction, series: string, evalMs: number, rangeMs: number, want: number | undefined];

const cases: Case[] = [
  [989, ot.avgOverTime, S.metric, sec(55), sec(10), undefined],
  [992, ot.avgOverTime, S.metric, sec(55), sec(20), 5],
  [996, ot.avgOverTime, S.metric, sec(55), min(1), 3],
  [1020, ot.avgOverTime, S.metric2, sec(55), min(1), Infinity],
  [1029, ot.avgOverTime, S.metric3, sec(55), min(1), -Infinity],
  [1035, ot.avgOverTime, S.metric4, sec(55), min(1), NaN],
  [1041, ot.avgOverTime, S.metric5, sec(55), min(1), Infinity],
  [1053, ot.avgOverTime, S.metric5c, sec(55), min(1), NaN],
  [1059, ot.avgOverTime, S.metric6, sec(55), min(1), -Infinity],
  [1065, ot.avgOverTime, S.metric6b, sec(55), min(1), -Infinity],
  [1071, ot.avgOverTime, S.metric6c, sec(55), min(1), NaN],
  [1077, ot.avgOverTime, S.metric7, sec(55), min(1), NaN],
  // Overflow: the Kahan sum overflows, the incremental mean does not.
  [1083, ot.avgOverTime, S.metric8, sec(55), min(1), 9.988465674311579e307],
  [1087, ot.sumOverTime, S.metric8, sec(55), min(1), Infinity],
  [1090, ot.avgOverTime, S.metric9, sec(55), min(1), -9.988465674311579e307],
  [1094, ot.sumOverTime, S.metric9, sec(55), min(1), -Infinity],
  [1097, ot.avgOverTime, S.metric10, sec(55), min(1), 0],
  [1104, ot.avgOverTime, S.metric11, sec(20), min(1), 2],
  [1107, ot.avgOverTime, S.metric11, sec(30), min(1), NaN],
  // Kahan: `load 10s metric 1 1e100 1 -1e100` (line 1138).
  [1140, ot.sumOverTime, '1 1e100 1 -1e100', min(1), min(2), 2],
  [1143, ot.avgOverTime, '1 1e100 1 -1e100', min(1), min(2), 0.5],
];

describe('*_over_time against functions.test', () => {
  it.each(cases.map((c) => [`line ${c[0]}`, c] as const))('%s', (_n, [, fn, series, evalMs, rangeMs, want]) => {
    const got = fn(selectPoints(series, sec(10), evalMs, rangeMs), rangeCtx(evalMs, rangeMs), []);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toBe(want);
  });

  it('line 1253ff: sum_over_time of 1 ms samples 0+1x4000 at 4s over [1000ms] sums the last 1000 values', () => {
    // `load 1ms metric 0+1x4000` (line 1251); (3000, 4000] holds 3001…4000: sum = 3 500 500.
    const p = selectPoints('0+1x4000', 1, sec(4), 1000);
    expect(ot.sumOverTime(p, rangeCtx(sec(4), 1000), [])).toBe(3500500);
  });
});

describe('min/max/first/last/ts_of/count/present/quantile/stddev/mad', () => {
  const ctx = rangeCtx(sec(40), min(1));
  const p = selectPoints('3 NaN 1 7 7', sec(10), sec(40), min(1));
  it('max/min replace a NaN by any value (compareOverTime)', () => {
    expect(ot.maxOverTime(p, ctx, [])).toBe(7);
    expect(ot.minOverTime(p, ctx, [])).toBe(1);
    expect(ot.maxOverTime(selectPoints('NaN NaN', sec(10), sec(10), min(1)), ctx, [])).toBeNaN();
    // A leading NaN is replaced by the next value, then NaN later is ignored.
    expect(ot.maxOverTime(selectPoints('NaN 2 NaN', sec(10), sec(20), min(1)), ctx, [])).toBe(2);
  });
  it('ts_of_max takes the last maximum (>=), ts_of_min the last minimum, in seconds', () => {
    expect(ot.tsOfMaxOverTime(p, ctx, [])).toBe(40);
    expect(ot.tsOfMinOverTime(p, ctx, [])).toBe(20);
    expect(ot.tsOfFirstOverTime(p, ctx, [])).toBe(0);
    expect(ot.tsOfLastOverTime(p, ctx, [])).toBe(40);
  });
  it('first/last/count/present', () => {
    expect(ot.firstOverTime(p, ctx, [])).toBe(3);
    expect(ot.lastOverTime(p, ctx, [])).toBe(7);
    expect(ot.countOverTime(p, ctx, [])).toBe(5);
    expect(ot.presentOverTime(p, ctx, [])).toBe(1);
  });
  it('quantile_over_time: φ rules and interpolation (NaN sorts lowest)', () => {
    const q = selectPoints('1 2 3 4', sec(10), sec(30), min(1));
    expect(ot.quantileOverTime(q, ctx, [0.5])).toBe(2.5);
    expect(ot.quantileOverTime(q, ctx, [0.75])).toBe(3.25);
    expect(ot.quantileOverTime(q, ctx, [-1])).toBe(-Infinity);
    expect(ot.quantileOverTime(q, ctx, [2])).toBe(Infinity);
    expect(ot.quantileOverTime(q, ctx, [NaN])).toBeNaN();
    expect(ot.quantileOverTime(p, ctx, [0])).toBeNaN();
  });
  it('stddev/stdvar are population statistics (aggregators.test line 183ff observes stddev of {12, 5} = 3.5)', () => {
    const two = selectPoints('12 5', sec(10), sec(10), min(1));
    expect(ot.stddevOverTime(two, ctx, [])).toBe(3.5);
    expect(ot.stdvarOverTime(two, ctx, [])).toBe(12.25);
  });
  it('mad_over_time: median of absolute deviations from the median; NaN input gives NaN', () => {
    const q = selectPoints('1 1 2 2 4 6 9', sec(10), sec(60), min(2));
    expect(ot.madOverTime(q, ctx, [])).toBe(1);
    expect(ot.madOverTime(p, ctx, [])).toBeNaN();
  });
});

describe('properties', () => {
  it('sum_over_time of small integers is exact (Kahan sum equals the exact integer sum)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 50 }), (xs) => {
        const p = { t: Float64Array.from(xs.map((_, i) => i * 1000)), v: Float64Array.from(xs), n: xs.length };
        const exact = xs.reduce((a, b) => a + b, 0);
        return ot.sumOverTime(p, rangeCtx(xs.length * 1000, 1e9), []) === exact;
      }),
    );
  });
  it('Kahan keeps small terms next to huge cancelling ones (naive summation loses them)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 20 }), (small) => {
        const xs = [1e100, ...small, -1e100];
        const p = { t: Float64Array.from(xs.map((_, i) => i)), v: Float64Array.from(xs), n: xs.length };
        return ot.sumOverTime(p, rangeCtx(1e6, 1e9), []) === small.reduce((a, b) => a + b, 0);
      }),
    );
  });
  it('quantile_over_time lies between min and max for φ in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const p = { t: Float64Array.from(xs.map((_, i) => i)), v: Float64Array.from(xs), n: xs.length };
          const ctx = rangeCtx(1e6, 1e9);
          const v = ot.quantileOverTime(p, ctx, [q]) as number;
          return v >= (ot.minOverTime(p, ctx, []) as number) && v <= (ot.maxOverTime(p, ctx, []) as number);
        },
      ),
    );
  });
});
