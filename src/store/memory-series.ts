import type { LabelSet } from '../model/labels.js';
import type { SampleArena } from './sample-arena.js';
import { SampleRing } from './sample-ring.js';
import type { StoredSeries } from './types.js';

/**
 * One series of {@link MemorySeriesStore}: its interned label set, owner and sample ring, plus bookkeeping the
 * store needs for appenders, scrape semantics and garbage collection. Handed out to readers as
 * {@link StoredSeries} (read-only by type); the mutable fields are the store's business.
 */
export class MemorySeries extends SampleRing implements StoredSeries {
  readonly id: number;
  readonly labels: LabelSet;
  readonly source: string;
  /** Append epoch of the last snapshot of `source` that contained this series. */
  seenEpoch = 0;
  /** Timestamp (Unix ms) of the newest non-stale sample ever appended; -Infinity before the first. */
  lastLiveMs = -Infinity;
  /** Set once the store has dropped the series; readers holding it keep a frozen, empty view. */
  removed = false;
  /** Id of the open appender holding a pending sample of this series (0 = none) and that sample's timestamp. */
  pendingTxn = 0;
  pendingT = 0;

  constructor(arena: SampleArena, id: number, labels: LabelSet, source: string) {
    super(arena);
    this.id = id;
    this.labels = labels;
    this.source = source;
  }

  /** Newest committed timestamp, -Infinity when empty (the out-of-order check's reference). */
  get newestMs(): number {
    return this.length === 0 ? -Infinity : this.lastTimestamp;
  }
}
