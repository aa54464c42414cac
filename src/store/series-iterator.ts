import type { MemorySeries } from './memory-series.js';
import type { Sample, SeriesIterator } from './types.js';

/**
 * {@link SeriesIterator} over one {@link MemorySeries} within `[mint, maxt]`.
 *
 * Why it survives mutations: it keeps the timestamp it stands on (`curT`) and the ring index it found it at,
 * with the ring's `generation`. Appends never move logical indexes, so while the generation is unchanged the
 * next sample is at index + 1 (O(1)); eviction and release bump the generation, and the iterator then re-finds
 * "first sample newer than curT" by binary search (O(log n)). The current sample is copied out at each move, so
 * `at()` stays right even if that sample has been evicted since.
 */
export class RingSeriesIterator implements SeriesIterator {
  private idx = -1;
  private gen = -1;
  private has = false;
  private curT = -Infinity;
  private curV = NaN;
  private curStale = false;

  constructor(
    private readonly series: MemorySeries,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  next(): boolean {
    const s = this.series;
    let i: number;
    if (!this.has) i = s.firstAtOrAfter(this.mint);
    else if (this.gen === s.generation) i = this.idx + 1;
    else i = s.firstAfter(this.curT);
    return this.moveTo(i);
  }

  seek(t: number): boolean {
    if (this.has && this.curT >= t) return true;
    const s = this.series;
    return this.moveTo(s.firstAtOrAfter(Math.max(t, this.mint)));
  }

  at(): Sample {
    if (!this.has) throw new Error('SeriesIterator.at() called before a successful next() or seek()');
    return { t: this.curT, v: this.curV, stale: this.curStale };
  }

  private moveTo(i: number): boolean {
    const s = this.series;
    if (i >= s.length) return false;
    const t = s.timestampAt(i);
    if (t > this.maxt || t < this.mint) return false;
    this.idx = i;
    this.gen = s.generation;
    this.has = true;
    this.curT = t;
    this.curStale = s.isStaleAt(i);
    this.curV = s.valueAt(i);
    return true;
  }
}
