import { type KahanPair, kahanInc } from './kahan.js';
import type { RangeFunction } from './types.js';

/**
 * `integral(m[, strategy])` (experimental in 3.16): the discrete integral of the range's float samples over time
 * in value·seconds. Port of `funcIntegral` in `promql/functions.go` (Prometheus v0.316.0). `args = [strategy]`
 * or `[]`: 0 = left point, 1 = right point, 2 = trapezoidal (default; also used, with a warning in Prometheus,
 * for any other value). NaN samples count as 0. Undefined for an empty range.
 */
export function integralStrategy(arg: number | undefined): 0 | 1 | 2 {
  if (arg === undefined || arg !== arg || !Number.isFinite(arg) || Math.trunc(arg) !== arg || arg < 0 || arg > 2) return 2;
  return arg as 0 | 1 | 2;
}

const nanAsZero = (v: number): number => (v !== v ? 0 : v);

export const integral: RangeFunction = (p, _ctx, args) => {
  if (p.n === 0) return undefined;
  const strategy = integralStrategy(args[0]);
  const acc: KahanPair = { sum: 0, c: 0 };
  const tmp: KahanPair = { sum: 0, c: 0 };
  let prevT = 0;
  let prevF = 0; // Go's zero FPoint before the first sample.
  for (let i = 0; i < p.n; i++) {
    const t = p.t[i] as number;
    const f = p.v[i] as number;
    let value = 0;
    let cValue = 0;
    const currVal = nanAsZero(f);
    const prevVal = nanAsZero(prevF);
    if (strategy === 0) value = prevVal;
    else if (strategy === 1) value = currVal;
    else if (prevVal !== 0 || currVal !== 0) {
      // (currVal + prevVal)/2 with Kahan, halving first when a finite pair would overflow.
      kahanInc(currVal, prevVal, 0, tmp);
      if ((tmp.sum === Infinity || tmp.sum === -Infinity) && Number.isFinite(currVal) && Number.isFinite(prevVal)) {
        kahanInc(currVal / 2, prevVal / 2, 0, tmp);
        value = tmp.sum;
        cValue = tmp.c;
      } else {
        value = tmp.sum / 2;
        cValue = tmp.c / 2;
      }
    }
    if (i > 0 && (value !== 0 || cValue !== 0)) {
      const deltaT = (t - prevT) / 1000;
      kahanInc(value * deltaT, acc.sum, acc.c + cValue * deltaT, acc);
    }
    prevT = t;
    prevF = f;
  }
  if (acc.sum === Infinity || acc.sum === -Infinity) return acc.sum;
  return acc.sum + acc.c;
};
