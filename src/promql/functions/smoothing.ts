import { PromQLEvalError } from '../../errors.js';
import type { RangeFunction } from './types.js';

/**
 * `double_exponential_smoothing(m, sf, tf)` (3.x, experimental) and `holt_winters` (its 2.x name, same
 * algorithm): port of `funcDoubleExponentialSmoothing` / `calcTrendValue` in `promql/functions.go` (Prometheus
 * v0.316.0) and `funcHoltWinters` (v2.42.0).
 */

function calcTrendValue(i: number, tf: number, s0: number, s1: number, b: number): number {
  if (i === 0) return b;
  const x = tf * (s1 - s0);
  const y = (1 - tf) * b;
  return x + y;
}

/** Go's `%f`: six decimals (`NaN`, `+Inf`, `-Inf` as Go prints them). */
function goPercentF(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v.toFixed(6);
}

/**
 * `args = [sf, tf]`. Throws {@link PromQLEvalError} (`FPB_ERR_PROMQL_EVAL`, Go's wording) unless 0 < sf < 1 and
 * 0 < tf < 1; undefined with fewer than two samples.
 */
export const doubleExponentialSmoothing: RangeFunction = (p, _ctx, args) => {
  if (args.length < 2) return undefined;
  const sf = args[0] as number;
  const tf = args[1] as number;
  if (sf <= 0 || sf >= 1) throw new PromQLEvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goPercentF(sf)}`);
  if (tf <= 0 || tf >= 1) throw new PromQLEvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goPercentF(tf)}`);
  if (p.n < 2) return undefined;
  let s0 = 0;
  let s1 = p.v[0] as number;
  let b = (p.v[1] as number) - s1;
  for (let i = 1; i < p.n; i++) {
    const x = sf * (p.v[i] as number);
    b = calcTrendValue(i - 1, tf, s0, s1, b);
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
};
