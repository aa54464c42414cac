import type { Points } from '../value.js';
import type { RangeFunction } from './types.js';
import { type KahanPair, kahanInc, kahanSum } from './kahan.js';
import { quantile } from './quantile.js';

/**
 * The `*_over_time` functions over one series' range points, float samples only: ports of `funcAvgOverTime`,
 * `funcSumOverTime`, `funcCountOverTime`, `compareOverTime` (`min`/`max`/`ts_of_min`/`ts_of_max`),
 * `funcFirstOverTime`, `funcLastOverTime`, `funcTsOfFirstOverTime`, `funcTsOfLastOverTime`,
 * `funcQuantileOverTime`, `varianceOverTime` (`stddev`/`stdvar`), `funcMadOverTime`, `funcPresentOverTime` in
 * `promql/functions.go` (Prometheus v0.316.0). 2.x (v2.42.0) differences, where the Go code differs: its
 * `kahanSumInc` does not reset the compensation on overflow, and `avg_over_time` is a Kahan incremental mean.
 *
 * Every function returns undefined for an empty range (Prometheus outputs no sample). Values are float64,
 * timestamps in the output (`ts_of_*`) are seconds (`float64(ms) / 1000`).
 */

const at = (a: Float64Array, i: number): number => a[i] as number;

/** `sum_over_time`: Kahan–Neumaier sum (2.x: v2.42's `kahanSumInc`). */
export const sumOverTime: RangeFunction = (p, ctx) => (p.n === 0 ? undefined : kahanSum(p.v, p.n, ctx.semantics === '3.x'));

/**
 * `avg_over_time`: a Kahan sum divided by the count, switching to an incremental (Kahan) mean once the sum
 * overflows to ±Inf (3.x, since v2.55). 2.x: v2.42's Kahan incremental mean (`mean += v/count - mean/count`,
 * with its Inf special cases).
 */
export const avgOverTime: RangeFunction = (p, ctx) => {
  if (p.n === 0) return undefined;
  if (ctx.semantics === '2.x') return avgOverTime242(p);
  let sum = at(p.v, 0);
  let count = 1;
  let mean = 0;
  let kahanC = 0;
  let incrementalMean = false;
  const acc: KahanPair = { sum: 0, c: 0 };
  for (let i = 1; i < p.n; i++) {
    const f = at(p.v, i);
    count = i + 1;
    if (!incrementalMean) {
      kahanInc(f, sum, kahanC, acc);
      if (acc.sum !== Infinity && acc.sum !== -Infinity) {
        sum = acc.sum;
        kahanC = acc.c;
        continue;
      }
      incrementalMean = true;
      mean = sum / (count - 1);
      kahanC /= count - 1;
    }
    const q = (count - 1) / count;
    kahanInc(f / count, q * mean, q * kahanC, acc);
    mean = acc.sum;
    kahanC = acc.c;
  }
  if (incrementalMean) return mean + kahanC;
  return sum / count + kahanC / count;
};

// v2.42.0 funcAvgOverTime: Kahan incremental mean; once it is ±Inf, an Inf of the same sign or a finite value
// keeps it (the update would compute Inf - Inf).
function avgOverTime242(p: Points): number {
  const acc: KahanPair = { sum: 0, c: 0 };
  let count = 0;
  for (let i = 0; i < p.n; i++) {
    const v = at(p.v, i);
    count++;
    const mean = acc.sum;
    if (mean === Infinity || mean === -Infinity) {
      const vInf = v === Infinity || v === -Infinity;
      if (vInf && mean > 0 === v > 0) continue;
      if (!vInf && v === v) continue;
    }
    kahanInc(v / count - mean / count, mean, acc.c, acc, false);
  }
  if (acc.sum === Infinity || acc.sum === -Infinity) return acc.sum;
  return acc.sum + acc.c;
}

/** `count_over_time`: the number of float samples. */
export const countOverTime: RangeFunction = (p) => (p.n === 0 ? undefined : p.n);

/** `present_over_time`: 1 for every series with a sample in the range. */
export const presentOverTime: RangeFunction = (p) => (p.n === 0 ? undefined : 1);

/**
 * `compareOverTime`: walks the samples keeping the value for which `replace(cur, kept)` is true (Go starts with
 * the first sample and compares it with itself). `returnTimestamp` returns its time in seconds instead.
 */
function compareOverTime(replace: (cur: number, kept: number) => boolean, returnTimestamp: boolean): RangeFunction {
  return (p) => {
    if (p.n === 0) return undefined;
    let kept = at(p.v, 0);
    let tsOfKept = at(p.t, 0);
    for (let i = 0; i < p.n; i++) {
      const f = at(p.v, i);
      if (replace(f, kept)) {
        kept = f;
        tsOfKept = at(p.t, i);
      }
    }
    return returnTimestamp ? tsOfKept / 1000 : kept;
  };
}

/** `max_over_time`: a NaN is replaced by any later value, so NaN only if all are NaN. */
export const maxOverTime = compareOverTime((cur, max) => cur > max || max !== max, false);
/** `min_over_time`: a NaN is replaced by any later value. */
export const minOverTime = compareOverTime((cur, min) => cur < min || min !== min, false);
/** `ts_of_max_over_time` (experimental): time (s) of the LAST sample equal to the maximum (`>=`). */
export const tsOfMaxOverTime = compareOverTime((cur, max) => cur >= max || max !== max, true);
/** `ts_of_min_over_time` (experimental): time (s) of the last sample equal to the minimum (`<=`). */
export const tsOfMinOverTime = compareOverTime((cur, min) => cur <= min || min !== min, true);

/** `first_over_time`: the oldest sample's value (keeps `__name__`). */
export const firstOverTime: RangeFunction = (p) => (p.n === 0 ? undefined : at(p.v, 0));
/** `last_over_time`: the newest sample's value (keeps `__name__`). */
export const lastOverTime: RangeFunction = (p) => (p.n === 0 ? undefined : at(p.v, p.n - 1));
/** `ts_of_first_over_time` (experimental): the oldest sample's time in seconds. */
export const tsOfFirstOverTime: RangeFunction = (p) => (p.n === 0 ? undefined : at(p.t, 0) / 1000);
/** `ts_of_last_over_time` (experimental): the newest sample's time in seconds. */
export const tsOfLastOverTime: RangeFunction = (p) => (p.n === 0 ? undefined : at(p.t, p.n - 1) / 1000);

function valuesOf(p: Points): number[] {
  const out = new Array<number>(p.n);
  for (let i = 0; i < p.n; i++) out[i] = at(p.v, i);
  return out;
}

/** `quantile_over_time(φ, m)`: `args = [φ]`; φ outside [0, 1] gives ∓Inf, NaN gives NaN (as `quantile`). */
export const quantileOverTime: RangeFunction = (p, _ctx, args) => {
  if (p.n === 0 || args.length === 0) return undefined;
  return quantile(args[0] as number, valuesOf(p));
};

/** `mad_over_time` (experimental): median absolute deviation from the median; NaN if any sample is NaN. */
export const madOverTime: RangeFunction = (p) => {
  if (p.n === 0) return undefined;
  const values = valuesOf(p);
  for (const v of values) if (v !== v) return NaN;
  const median = quantile(0.5, values);
  for (let i = 0; i < values.length; i++) values[i] = Math.abs((values[i] as number) - median);
  return quantile(0.5, values);
};

/**
 * Population variance of the samples by Welford's method, with Kahan-compensated mean and sum of squares
 * (`varianceOverTime`; v2.42.0 `funcStdvarOverTime` is the same with its `kahanSumInc`).
 */
function varianceOverTime(p: Points, semantics: '3.x' | '2.x'): number {
  const reset = semantics === '3.x';
  let count = 0;
  const m: KahanPair = { sum: 0, c: 0 };
  const a: KahanPair = { sum: 0, c: 0 };
  for (let i = 0; i < p.n; i++) {
    const f = at(p.v, i);
    count++;
    const delta = f - (m.sum + m.c);
    kahanInc(delta / count, m.sum, m.c, m, reset);
    kahanInc(delta * (f - (m.sum + m.c)), a.sum, a.c, a, reset);
  }
  return (a.sum + a.c) / count;
}

/** `stdvar_over_time`: population variance. */
export const stdvarOverTime: RangeFunction = (p, ctx) => (p.n === 0 ? undefined : varianceOverTime(p, ctx.semantics));
/** `stddev_over_time`: population standard deviation. */
export const stddevOverTime: RangeFunction = (p, ctx) =>
  p.n === 0 ? undefined : Math.sqrt(varianceOverTime(p, ctx.semantics));
