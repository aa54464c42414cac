/**
 * Kahan–Neumaier compensated summation, a port of `kahansum.Inc` (`util/kahansum/kahansum.go`, Prometheus
 * v0.316.0), used by `sum`/`avg` and `sum_over_time`/`avg_over_time`, `stddev*`, `deriv` and `predict_linear`.
 *
 * Go rounds every operand to float64 explicitly to stop FMA fusion; JavaScript never fuses, so the plain
 * operations below round exactly as Go on amd64.
 */

/** A running compensated sum: `sum` is the naive part, `c` the compensation; the result is `sum + c`. */
export interface KahanPair {
  sum: number;
  c: number;
}

function isInf(f: number): boolean {
  return f > Number.MAX_VALUE || f < -Number.MAX_VALUE;
}

/**
 * `kahansum.Inc(inc, sum, c)`: adds `inc` to the pair (`sum`, `c`) and writes the new pair into `out` (which may be
 * one of the inputs' owner). When the naive sum becomes ±Inf the compensation is reset to 0, as Go does since
 * v2.55; `resetOnInf = false` is v2.42.0's `kahanSumInc` (`promql/functions.go`), which lets `c` become NaN.
 */
export function kahanInc(inc: number, sum: number, c: number, out: KahanPair, resetOnInf = true): KahanPair {
  const t = sum + inc;
  if (resetOnInf && isInf(t)) c = 0;
  // Neumaier: compensate with the smaller operand's lost low bits.
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  out.sum = t;
  out.c = c;
  return out;
}

/**
 * Compensated sum of the first `n` of `values` as `sum_over_time` computes it: ±Inf as is, else `sum + c`.
 * `resetOnInf` as in {@link kahanInc} (false for 2.x).
 */
export function kahanSum(values: ArrayLike<number>, n: number = values.length, resetOnInf = true): number {
  const acc: KahanPair = { sum: 0, c: 0 };
  for (let i = 0; i < n; i++) kahanInc(values[i] as number, acc.sum, acc.c, acc, resetOnInf);
  if (isInf(acc.sum)) return acc.sum;
  return acc.sum + acc.c;
}
