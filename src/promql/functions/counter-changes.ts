import type { RangeFunction } from './types.js';

/**
 * `changes` and `resets` over float samples: ports of `funcChanges` / `funcResets` in `promql/functions.go`
 * (Prometheus v0.316.0, float branch, without the experimental `anchored` modifier and start timestamps; v2.42.0
 * is the same). Undefined for an empty range, 0 for a single sample.
 */

/** `changes(m)`: how often the value changed; NaN → NaN is no change, anything else involving NaN is. */
export const changes: RangeFunction = (p) => {
  if (p.n === 0) return undefined;
  let n = 0;
  let prev = p.v[0] as number;
  for (let i = 1; i < p.n; i++) {
    const cur = p.v[i] as number;
    if (cur !== prev && !(cur !== cur && prev !== prev)) n++;
    prev = cur;
  }
  return n;
};

/** `resets(m)`: how often the value dropped (`cur < prev`, never true with a NaN). */
export const resets: RangeFunction = (p) => {
  if (p.n === 0) return undefined;
  let n = 0;
  let prev = p.v[0] as number;
  for (let i = 1; i < p.n; i++) {
    const cur = p.v[i] as number;
    if (cur < prev) n++;
    prev = cur;
  }
  return n;
};
