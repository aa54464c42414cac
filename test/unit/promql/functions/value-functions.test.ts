import { describe, expect, it } from 'vitest';
import * as d from '../../../../src/promql/functions/date.js';
import * as m from '../../../../src/promql/functions/math.js';
import type { ValueFunction } from '../../../../src/promql/functions/types.js';

/**
 * Value functions. Goldens: `/work/shared/conformance/promql-3.16/functions.test` and `trig_functions.test` (line
 * cited), and where those scripts print a value only within promqltest's epsilon, Go's own float64 result
 * (`strconv.FormatFloat(math.F(x), 'g', -1, 64)`, go1.26.8 linux/amd64, the toolchain line of Prometheus 3.16).
 */
type Case = readonly [what: string, fn: ValueFunction, x: number, want: number, args?: readonly number[]];

const math: Case[] = [
  // trig_functions.test lines 8–95 (trig{l="x"} 10, {l="y"} 20), Go values where the script rounds.
  ['sin(20) l.8', m.sin, 20, 0.9129452507276277],
  ['cos(10) l.13', m.cos, 10, -0.8390715290764524],
  ['cos(20) l.13', m.cos, 20, 0.40808206181339196],
  ['asin(10 - 10.1) l.23', m.asin, 10 - 10.1, -0.10016742116155944],
  ['acos(10 - 10.1) l.28', m.acos, 10 - 10.1, 1.670963747956456],
  ['atan(20) l.33', m.atan, 20, 1.5208379310729538],
  ['sinh(10) (Go; the script prints cosh)', m.sinh, 10, 11013.232874703393],
  ['sinh(20) l.38', m.sinh, 20, 2.4258259770489514e8],
  ['cosh(10) l.43', m.cosh, 10, 11013.232920103324],
  ['tanh(10) l.48', m.tanh, 10, 0.9999999958776927],
  ['tanh(20) l.48', m.tanh, 20, 1],
  ['asinh(10) l.53', m.asinh, 10, 2.99822295029797],
  ['asinh(20) l.53', m.asinh, 20, 3.6895038689889055],
  ['acosh(10) l.58', m.acosh, 10, 2.993222846126381],
  ['acosh(20) l.58', m.acosh, 20, 3.6882538673612966],
  ['atanh(10 - 10.1) l.63', m.atanh, 10 - 10.1, -0.10033534773107522],
  ['rad(10) l.68', m.rad, 10, 0.17453292519943295],
  ['rad(20) l.68', m.rad, 20, 0.3490658503988659],
  ['rad(1e308) l.98', m.rad, 1e308, 1.7453292519943295e306],
  ['deg(10) l.83', m.deg, 10, 572.9577951308232],
  ['deg(20) l.83', m.deg, 20, 1145.9155902616465],
  ['deg(1e306) l.101', m.deg, 1e306, 5.729577951308232e307],
  // functions.test lines 2220–2300 (exp_root_log 10 and 20).
  ['exp(10) l.2220', m.exp, 10, 22026.465794806718],
  ['exp(20) l.2220', m.exp, 20, 485165195.4097903],
  ['ln(10) l.2236', m.ln, 10, 2.302585092994046],
  ['ln(20) l.2236', m.ln, 20, 2.995732273553991],
  ['ln(0) l.2244', m.ln, 0, -Infinity],
  ['ln(-10) l.2248', m.ln, -10, NaN],
  ['sqrt(10) l.2260', m.sqrt, 10, 3.1622776601683795],
  ['sqrt(20) l.2260', m.sqrt, 20, 4.47213595499958],
  ['log2(10) (Go; JS Math.log2 gives the same here)', m.log2, 10, 3.321928094887362],
  ['log2(20) l.2268', m.log2, 20, 4.321928094887363],
  ['log2(3) (Go Frexp-based; JS Math.log2(3) = 1.584962500721156)', m.log2, 3, 1.5849625007211563],
  ['log2(0) l.2276', m.log2, 0, -Infinity],
  ['log2(-10) l.2280', m.log2, -10, NaN],
  ['log10(10) l.2284', m.log10, 10, 1],
  ['log10(20) l.2284', m.log10, 20, 1.301029995663981],
  ['log10(1000) (Go)', m.log10, 1000, 3],
  ['log10(1e-300) (Go)', m.log10, 1e-300, -300],
  ['log10(7) (Go)', m.log10, 7, 0.8450980400142568],
  // functions.test lines 1961–2016 (data: 2.5 2 -2.5 -2 0 -0 Inf -Inf NaN).
  ['ceil(-2.5) l.1984', m.ceil, -2.5, -2],
  ['floor(-2.5) l.1995', m.floor, -2.5, -3],
  ['abs(-Inf) l.1973', m.abs, -Infinity, Infinity],
  ['round(2.5) l.2006', m.round, 2.5, 3],
  ['round(-2.5) l.2006: ties go up', m.round, -2.5, -2],
  ['round(-Inf) l.2006', m.round, -Infinity, -Infinity],
  ['round(NaN) l.2006', m.round, NaN, NaN],
  ['round(2.345, 0.01)', m.round, 2.345, 2.35, [0.01]],
  ['round(17, 5)', m.round, 17, 15, [5]],
  // functions.test line 715: sgn.
  ['sgn(-3)', m.sgn, -3, -1],
  ['sgn(NaN)', m.sgn, NaN, NaN],
  // clamp, lines 617–690 (test_clamp -50 0 100).
  ['clamp_max(100, 75) l.617', m.clampMax, 100, 75, [75]],
  ['clamp_min(-50, -25) l.622', m.clampMin, -50, -25, [-25]],
  ['clamp(-50, -25, 75) l.627', m.clamp, -50, -25, [-25, 75]],
  ['clamp(0, 0, NaN) l.642', m.clamp, 0, NaN, [0, NaN]],
  ['clamp(100, NaN, 0) l.647', m.clamp, 100, NaN, [NaN, 0]],
  ['clamp_max(-50, NaN) l.652', m.clampMax, -50, NaN, [NaN]],
  ['clamp_min(-50, NaN) l.657', m.clampMin, -50, NaN, [NaN]],
  ['clamp_max(0, -Inf) l.667', m.clampMax, 0, -Infinity, [-Infinity]],
  ['clamp_min(100, Inf) l.677', m.clampMin, 100, Infinity, [Infinity]],
];

describe('value functions', () => {
  it.each(math.map((c) => [c[0], c] as const))('%s', (_w, [, fn, x, want, args = []]) => {
    expect(fn(x, args)).toBe(want);
  });

  it('clamp with max < min drops the sample (functions.test line 687)', () => {
    expect(m.clamp(0, [5, -5])).toBeUndefined();
  });

  it("sgn and round keep -0's sign as Go (sgn returns the value itself)", () => {
    expect(Object.is(m.sgn(-0, []), -0)).toBe(true);
  });
});

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  const d = buf.getBigInt64(0) - buf.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

describe('known last-bit differences from Go (V8 fdlibm vs Go math, go1.26 amd64)', () => {
  // Pinned so that a change in either direction is noticed: each is exactly one ulp today.
  it.each([
    ['sin(10)', m.sin, 10, -0.5440211108893699],
    ['tan(10)', m.tan, 10, 0.6483608274590867],
    ['tan(20)', m.tan, 20, 2.2371609442247427],
    ['atan(10)', m.atan, 10, 1.4711276743037345],
    ['exp(-10)', m.exp, -10, 4.5399929762484854e-5],
  ] as const)('%s is one ulp from Go', (_w, fn, x, go) => {
    expect(ulps(fn(x, []) as number, go)).toBe(1);
  });
});

describe("Go's math.Pow for `^` (reference/promql.md §2.11)", () => {
  it.each([
    [1, NaN, 1],
    [-1, Infinity, 1],
    [1, -Infinity, 1],
    [NaN, 0, 1],
    [2, 10, 1024],
    [-8, 1 / 3, NaN],
    [0, -1, Infinity],
  ])('Pow(%d, %d) = %d', (x, y, want) => {
    expect(m.goPow(x, y)).toBe(want);
  });
});

describe('date functions (functions.test lines 1749–1828), UTC, int64 seconds', () => {
  const t = 1136239445; // 2006-01-02 22:04:05 UTC, a Monday.
  it.each([
    ['year', d.year, t, 2006],
    ['month', d.month, t, 1],
    ['day_of_month', d.dayOfMonth, t, 2],
    ['day_of_year', d.dayOfYear, t, 2],
    ['day_of_week', d.dayOfWeek, t, 1],
    ['hour', d.hour, t, 22],
    ['minute', d.minute, t, 4],
    ['day_of_week at 0 (Thursday)', d.dayOfWeek, 0, 4],
    ['year before the leap second l.1799', d.year, 1230767999, 2008],
    ['year after the leap second l.1803', d.year, 1230768000, 2009],
    ['month 2016-02-29 l.1807', d.month, 1456790399, 2],
    ['day 2016-02-29 l.1807', d.dayOfMonth, 1456790399, 29],
    ['day 2016-03-01 l.1811', d.dayOfMonth, 1456790400, 1],
    ['day_of_year 2016-12-31 l.1815', d.dayOfYear, 1483191420, 366],
    ['day_of_year 2022-12-31 l.1819', d.dayOfYear, 1672493820, 365],
    ['days_in_month 2016-02 l.1823', d.daysInMonth, 1454284800, 29],
    ['days_in_month 2017-02 l.1827', d.daysInMonth, 1485907200, 28],
    // int64 truncation toward zero: -0.5 s is 1970-01-01 00:00:00, not 1969-12-31 23:59:59.
    ['year(-0.5) truncates toward 0', d.year, -0.5, 1970],
    ['year(-1)', d.year, -1, 1969],
    // Go time for values beyond JavaScript's Date range (go1.26: time.Unix(int64(f), 0).UTC()).
    ['year(1e15) (Go)', d.year, 1e15, 31690708],
    ['day_of_year(-1e15) (Go)', d.dayOfYear, -1e15, 180],
    ['year(NaN): int64(NaN) = MinInt64 on amd64, Go wraps (Go)', d.year, NaN, 292277026596],
    ['days_in_month(2100-03-01) (Go)', d.daysInMonth, 4107542400, 31],
    ['year(-62135596800) = 1 (Go)', d.year, -62135596800, 1],
  ] as const)('%s', (_w, fn, x, want) => {
    expect(fn(x, [])).toBe(want);
  });

  it("without an argument the evaluator passes Go's enh.Ts/1000 (int64 division)", () => {
    expect(d.evalTimeSeconds(-1500)).toBe(-1);
    expect(d.evalTimeSeconds(1999)).toBe(1);
  });
});
