/**
 * Quantiles: `quantile` (the `quantile` aggregation, `quantile_over_time`, `mad_over_time`) and the classic-bucket
 * functions behind `histogram_quantile` / `histogram_fraction`: ports of `quantile`, `BucketQuantile`,
 * `BucketFraction`, `coalesceBuckets` and `ensureMonotonicAndIgnoreSmallDeltas` in `promql/quantile.go`
 * (Prometheus v0.316.0), operation by operation.
 */

/**
 * Go's `vectorByValueHeap.Less` as a sort comparator: NaN sorts first (lowest), then ascending. Go's sort is
 * not stable, but equal values are indistinguishable here, so the order of ties does not matter.
 */
export function compareNaNFirst(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : -1;
  if (b !== b) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `quantile(q, values)`: the φ-quantile by linear interpolation at rank φ·(n−1) over the sorted values (NaN
 * lowest). Empty input or φ = NaN → NaN; φ < 0 → −Inf; φ > 1 → +Inf. Sorts `values` in place.
 */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || q !== q) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(compareNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  if (weight === 0) return values[lowerIndex] as number;
  return (values[lowerIndex] as number) * (1 - weight) + (values[upperIndex] as number) * weight;
}

/** One classic histogram bucket: the `le` upper bound (parsed as Go's ParseFloat) and its cumulative count. */
export interface Bucket {
  upperBound: number;
  count: number;
}

/** `smallDeltaTolerance` of quantile.go: relative bucket-count differences below it are float noise. */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

/** `almost.Equal` (`util/almost`), without the staleness-marker case (no marker reaches a function). */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a !== a && b !== b) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

function sortBuckets(buckets: Bucket[]): void {
  buckets.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
}

/** `coalesceBuckets`: merges buckets with the same upper bound (input sorted); returns the shortened array. */
export function coalesceBuckets(buckets: Bucket[]): Bucket[] {
  let last = { ...(buckets[0] as Bucket) };
  let i = 0;
  for (let j = 1; j < buckets.length; j++) {
    const b = buckets[j] as Bucket;
    if (b.upperBound === last.upperBound) last.count += b.count;
    else {
      buckets[i] = last;
      last = { ...b };
      i++;
    }
  }
  buckets[i] = last;
  buckets.length = i + 1;
  return buckets;
}

/** What {@link ensureMonotonicAndIgnoreSmallDeltas} changed (Go's extra return values, for annotations). */
export interface MonotonicityFix {
  forcedMonotonic: boolean;
  fixedPrecision: boolean;
}

/**
 * `ensureMonotonicAndIgnoreSmallDeltas`: counts that differ from the previous kept count by a relative delta below
 * `tolerance` are set to it (either direction); any decrease is removed (the "envelope"). Mutates `buckets`.
 */
export function ensureMonotonicAndIgnoreSmallDeltas(buckets: Bucket[], tolerance: number): MonotonicityFix {
  let forcedMonotonic = false;
  let fixedPrecision = false;
  let prev = (buckets[0] as Bucket).count;
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    const curr = b.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, tolerance)) {
      b.count = prev;
      fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      b.count = prev;
      forcedMonotonic = true;
      continue;
    }
    prev = curr;
  }
  return { forcedMonotonic, fixedPrecision };
}

/** Result of {@link bucketQuantile}: the value and whether monotonicity had to be forced (an info annotation). */
export interface BucketQuantileResult {
  value: number;
  forcedMonotonic: boolean;
}

/**
 * `BucketQuantile(q, buckets)`: the φ-quantile of a classic histogram, linear within a bucket, lower bound 0 for
 * the first bucket when its upper bound is positive; the second-highest bound when the rank falls into +Inf.
 * NaN for φ = NaN, no buckets, fewer than two buckets after coalescing, a highest bound other than +Inf, or zero
 * observations; −Inf/+Inf for φ < 0 / φ > 1. Sorts and may shorten/mutate `buckets`.
 */
export function bucketQuantile(q: number, buckets: Bucket[]): BucketQuantileResult {
  if (q !== q) return { value: NaN, forcedMonotonic: false };
  if (q < 0) return { value: -Infinity, forcedMonotonic: false };
  if (q > 1) return { value: Infinity, forcedMonotonic: false };
  if (buckets.length === 0) return { value: NaN, forcedMonotonic: false };
  sortBuckets(buckets);
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Infinity) return { value: NaN, forcedMonotonic: false };
  buckets = coalesceBuckets(buckets);
  const { forcedMonotonic } = ensureMonotonicAndIgnoreSmallDeltas(buckets, SMALL_DELTA_TOLERANCE);
  if (buckets.length < 2) return { value: NaN, forcedMonotonic };
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0) return { value: NaN, forcedMonotonic };
  let rank = q * observations;
  // sort.Search(len(buckets)-1, count >= rank): the first such index, or len-1.
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((buckets[mid] as Bucket).count >= rank) hi = mid;
    else lo = mid + 1;
  }
  const b = lo;
  if (b === buckets.length - 1) return { value: (buckets[buckets.length - 2] as Bucket).upperBound, forcedMonotonic };
  const first = buckets[0] as Bucket;
  if (b === 0 && first.upperBound <= 0) return { value: first.upperBound, forcedMonotonic };
  let bucketStart = 0;
  const bucketEnd = (buckets[b] as Bucket).upperBound;
  let count = (buckets[b] as Bucket).count;
  if (b > 0) {
    const prev = buckets[b - 1] as Bucket;
    bucketStart = prev.upperBound;
    count -= prev.count;
    rank -= prev.count;
  }
  return { value: bucketStart + (bucketEnd - bucketStart) * (rank / count), forcedMonotonic };
}

/**
 * `BucketFraction(lower, upper, buckets)`: the estimated fraction of observations in [lower, upper] of a classic
 * histogram, linear within buckets, nothing interpolated inside an infinite-width bucket. NaN for no buckets, a
 * highest bound other than +Inf, zero observations or a NaN bound; 0 when lower ≥ upper. Sorts `buckets`.
 */
export function bucketFraction(lower: number, upper: number, buckets: Bucket[]): number {
  if (buckets.length === 0) return NaN;
  sortBuckets(buckets);
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Infinity) return NaN;
  buckets = coalesceBuckets(buckets);
  const count = (buckets[buckets.length - 1] as Bucket).count;
  if (count === 0 || lower !== lower || upper !== upper) return NaN;
  if (lower >= upper) return 0;

  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = (buckets[0] as Bucket).upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    if (i > 0) lowerBound = (buckets[i - 1] as Bucket).upperBound;
    const upperBound = b.upperBound;
    const interpolateLinearly = (v: number): number =>
      lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);

    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolateLinearly(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolateLinearly(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
