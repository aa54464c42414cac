import { LabelSet, type LabelRecord } from '../../src/model/labels.js';
import type { StoredSeries } from '../../src/store/types.js';

/**
 * A read-only StoredSeries over plain arrays (timestamps in ms, ascending), for tests of code that only reads the
 * StoredSeries contract. `stale[i]` marks a staleness marker; its value reads as NaN like in the real store.
 */
export function arraySeries(
  ts: readonly number[],
  vs: readonly number[],
  options: { stale?: readonly boolean[]; labels?: LabelRecord; id?: number } = {},
): StoredSeries {
  const stale = options.stale ?? [];
  const n = ts.length;
  const isStaleAt = (i: number): boolean => stale[i] === true;
  /** First index with ts[i] > x. */
  const upper = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ts[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    id: options.id ?? 1,
    labels: LabelSet.from(options.labels ?? { __name__: 'x_total' }),
    source: 'test',
    length: n,
    timestampAt: (i) => ts[i] as number,
    valueAt: (i) => (isStaleAt(i) ? Number.NaN : (vs[i] as number)),
    isStaleAt,
    lastTimestamp: n ? (ts[n - 1] as number) : Number.NaN,
    lastValue: n && !isStaleAt(n - 1) ? (vs[n - 1] as number) : Number.NaN,
    isStale: n ? isStaleAt(n - 1) : true,
    rangeIndexes: (from, to) => [upper(from), upper(to)] as const,
  };
}

/** mulberry32: a small seeded PRNG, deterministic across runs; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
