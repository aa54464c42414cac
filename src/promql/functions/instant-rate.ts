import type { RangeFunction } from './types.js';

/**
 * `irate` and `idelta`: from the last two samples of the range. Port of `instantValue` (float branch) in
 * `promql/functions.go` (Prometheus v0.316.0; v2.42.0 is the same for floats). Start timestamps (feature flag,
 * off by default) are not supported.
 */
function instantValue(isRate: boolean): RangeFunction {
  return (p) => {
    if (p.n < 2) return undefined;
    const t0 = p.t[p.n - 2] as number;
    const t1 = p.t[p.n - 1] as number;
    const f0 = p.v[p.n - 2] as number;
    const f1 = p.v[p.n - 1] as number;
    const sampledInterval = t1 - t0;
    if (sampledInterval === 0) return undefined;
    // A counter reset (`f1 < f0`, false for NaN) leaves the result at the last value.
    let result = f1;
    if (!isRate || !(f1 < f0)) result = f1 - f0;
    if (isRate) result /= sampledInterval / 1000;
    return result;
  };
}

/** `irate(m)`: per-second rate between the last two samples, a drop counting as a reset from 0. */
export const irate: RangeFunction = instantValue(true);
/** `idelta(m)`: difference of the last two samples. */
export const idelta: RangeFunction = instantValue(false);
