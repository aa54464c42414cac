import { type ArenaChunk, MIN_RING_CAPACITY, type RingSlot, type SampleArena } from './sample-arena.js';

const scratchSlot: RingSlot = { chunk: undefined as unknown as ArenaChunk, base: 0 };

/**
 * A growable ring of samples (timestamp in Unix ms, value, staleness flag) stored in a {@link SampleArena}.
 * Logical index 0 is the oldest retained sample. Capacity starts at {@link MIN_RING_CAPACITY} and doubles when
 * full; old samples leave from the front. No object is created per sample.
 *
 * Callers keep timestamps strictly increasing (the store drops out-of-order samples before they get here),
 * which is what makes the binary searches valid.
 */
export class SampleRing {
  // The typed arrays are read through `chunk` (one more load per access) rather than kept in three fields of
  // their own: 12 B less per series.
  private chunk: ArenaChunk;
  private base: number;
  private mask: number;
  private head = 0;
  private len = 0;
  /**
   * Bumped whenever logical indexes shift (eviction from the front, release): a {@link SeriesIterator} that saw
   * the same generation can keep its index, otherwise it re-finds its position by binary search.
   */
  generation = 0;

  constructor(arena: SampleArena) {
    arena.alloc(MIN_RING_CAPACITY, scratchSlot);
    this.chunk = scratchSlot.chunk;
    this.base = scratchSlot.base;
    this.mask = MIN_RING_CAPACITY - 1;
  }

  /** Number of retained samples (stale markers included). */
  get length(): number {
    return this.len;
  }

  /** Current capacity in samples (a power of two). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Timestamp (Unix ms) of sample `i` (0 = oldest). Out-of-range `i` reads garbage; callers check `length`. */
  timestampAt(i: number): number {
    return this.chunk.ts[this.base + ((this.head + i) & this.mask)] as number;
  }

  /** Value of sample `i`; NaN for a staleness marker. */
  valueAt(i: number): number {
    const p = this.base + ((this.head + i) & this.mask);
    return this.chunk.stale[p] === 1 ? NaN : (this.chunk.vals[p] as number);
  }

  /** True when sample `i` is a staleness marker. */
  isStaleAt(i: number): boolean {
    return this.chunk.stale[this.base + ((this.head + i) & this.mask)] === 1;
  }

  /** Newest sample's timestamp, or NaN when empty. */
  get lastTimestamp(): number {
    return this.len === 0 ? NaN : (this.chunk.ts[this.base + ((this.head + this.len - 1) & this.mask)] as number);
  }

  /** Newest sample's value (NaN for a stale marker or when empty). */
  get lastValue(): number {
    if (this.len === 0) return NaN;
    const p = this.base + ((this.head + this.len - 1) & this.mask);
    return this.chunk.stale[p] === 1 ? NaN : (this.chunk.vals[p] as number);
  }

  /** True when the newest sample is a staleness marker or the ring is empty. */
  get isStale(): boolean {
    return this.len === 0 || this.chunk.stale[this.base + ((this.head + this.len - 1) & this.mask)] === 1;
  }

  /**
   * Appends a sample after evicting samples with `t < timestampMs - retentionMs`. `timestampMs` must be
   * greater than {@link lastTimestamp} (not checked here). Returns the number of evicted samples.
   */
  appendSample(timestampMs: number, value: number, stale: boolean, retentionMs: number): number {
    const evicted = this.evictBefore(timestampMs - retentionMs);
    if (this.len > this.mask) this.grow();
    const p = this.base + ((this.head + this.len) & this.mask);
    this.chunk.ts[p] = timestampMs;
    this.chunk.vals[p] = stale ? NaN : value;
    this.chunk.stale[p] = stale ? 1 : 0;
    this.len++;
    return evicted;
  }

  /**
   * True when a retained sample is not a staleness marker. Scans from the newest: O(1) unless many markers
   * follow each other. (Replaces a per-series "newest live timestamp" field, a boxed double per series.)
   */
  holdsLiveSample(): boolean {
    for (let i = this.len - 1; i >= 0; i--) if (this.chunk.stale[this.base + ((this.head + i) & this.mask)] === 0) return true;
    return false;
  }

  /**
   * Drops samples with timestamp `< cutoffMs` from the front; with `keepNewest` the newest sample stays even
   * when older (pinned push groups keep their last value beyond retention). Returns how many.
   */
  evictBefore(cutoffMs: number, keepNewest = false): number {
    const max = keepNewest ? this.len - 1 : this.len;
    let n = 0;
    while (n < max && (this.chunk.ts[this.base + ((this.head + n) & this.mask)] as number) < cutoffMs) n++;
    if (n > 0) {
      this.head = (this.head + n) & this.mask;
      this.len -= n;
      this.generation++;
    }
    return n;
  }

  /** Index of the first sample with timestamp `>= t` (or `length` when none): binary search, O(log n). */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.chunk.ts[this.base + ((this.head + mid) & this.mask)] as number) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Index of the first sample with timestamp `> t` (or `length` when none): binary search, O(log n).
   */
  firstAfter(t: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.chunk.ts[this.base + ((this.head + mid) & this.mask)] as number) > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Indexes `[start, end)` of the samples with `fromMs < t <= toMs` (left-open, right-closed like Prometheus
   * 3.x range selection). Stale markers are included. Empty range `[k, k)` when nothing matches.
   */
  rangeIndexes(fromMs: number, toMs: number): readonly [start: number, end: number] {
    const start = this.firstAfter(fromMs);
    if (!(toMs > fromMs)) return [start, start];
    const end = this.firstAfter(toMs);
    return [start, end];
  }

  /** Returns the ring's memory to the arena; the ring must not be used afterwards. */
  release(): void {
    this.chunk.arena.free(this.mask + 1, this.chunk, this.base);
    this.len = 0;
    this.head = 0;
    this.generation++;
  }

  private grow(): void {
    const oldCap = this.mask + 1;
    const newCap = oldCap * 2;
    this.chunk.arena.alloc(newCap, scratchSlot);
    const chunk = scratchSlot.chunk;
    const base = scratchSlot.base;
    // Unroll the ring into the new slot so the new head is 0.
    const firstPart = Math.min(this.len, oldCap - this.head);
    const from = this.base + this.head;
    chunk.ts.set(this.chunk.ts.subarray(from, from + firstPart), base);
    chunk.vals.set(this.chunk.vals.subarray(from, from + firstPart), base);
    chunk.stale.set(this.chunk.stale.subarray(from, from + firstPart), base);
    const rest = this.len - firstPart;
    if (rest > 0) {
      chunk.ts.set(this.chunk.ts.subarray(this.base, this.base + rest), base + firstPart);
      chunk.vals.set(this.chunk.vals.subarray(this.base, this.base + rest), base + firstPart);
      chunk.stale.set(this.chunk.stale.subarray(this.base, this.base + rest), base + firstPart);
    }
    this.chunk.arena.free(oldCap, this.chunk, this.base);
    this.chunk = chunk;
    this.base = base;
    this.mask = newCap - 1;
    this.head = 0;
  }
}
