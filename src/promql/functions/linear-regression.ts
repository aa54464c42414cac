import type { Points } from '../value.js';
import { type KahanPair, kahanInc } from './kahan.js';
import type { RangeFunction } from './types.js';

/**
 * `deriv` and `predict_linear`: least-squares fit over the range points. Port of `linearRegression`,
 * `funcDeriv`, `funcPredictLinear` in `promql/functions.go` (Prometheus v0.316.0; v2.42.0 differs only in its
 * `kahanSumInc`, which does not reset the compensation on overflow).
 */

/**
 * `linearRegression(samples, interceptTime)`: slope per second and the intercept at `interceptTimeMs`, with
 * x = (t − interceptTime)/1000 and Kahan-compensated sums. A constant series gives (0, value), or (NaN, NaN) when
 * that value is ±Inf.
 */
export function linearRegression(p: Points, interceptTimeMs: number, resetOnInf = true): { slope: number; intercept: number } {
  const sx: KahanPair = { sum: 0, c: 0 };
  const sy: KahanPair = { sum: 0, c: 0 };
  const sxy: KahanPair = { sum: 0, c: 0 };
  const sx2: KahanPair = { sum: 0, c: 0 };
  let n = 0;
  const initY = p.v[0] as number;
  let constY = true;
  for (let i = 0; i < p.n; i++) {
    const f = p.v[i] as number;
    if (constY && i > 0 && f !== initY) constY = false;
    n += 1;
    const x = ((p.t[i] as number) - interceptTimeMs) / 1e3;
    kahanInc(x, sx.sum, sx.c, sx, resetOnInf);
    kahanInc(f, sy.sum, sy.c, sy, resetOnInf);
    kahanInc(x * f, sxy.sum, sxy.c, sxy, resetOnInf);
    kahanInc(x * x, sx2.sum, sx2.c, sx2, resetOnInf);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return { slope: NaN, intercept: NaN };
    return { slope: 0, intercept: initY };
  }
  const sumX = sx.sum + sx.c;
  const sumY = sy.sum + sy.c;
  const sumXY = sxy.sum + sxy.c;
  const sumX2 = sx2.sum + sx2.c;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return { slope, intercept };
}

/** `deriv(m)`: the slope per second, times relative to the first sample; needs two samples. */
export const deriv: RangeFunction = (p, ctx) => {
  if (p.n < 2) return undefined;
  return linearRegression(p, p.t[0] as number, ctx.semantics === '3.x').slope;
};

/** `predict_linear(m, s)`: `args = [s]`; slope·s + intercept at the evaluation time; needs two samples. */
export const predictLinear: RangeFunction = (p, ctx, args) => {
  if (p.n < 2 || args.length === 0) return undefined;
  const { slope, intercept } = linearRegression(p, ctx.evalTimeMs, ctx.semantics === '3.x');
  return slope * (args[0] as number) + intercept;
};
