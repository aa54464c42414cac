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
  /** Set once the store has dropped the series; readers holding it keep a frozen, empty view. */
  removed = false;
  /**
   * The last appender that touched this series (its store-unique txn id; 0 = none) and the index of its newest
   * pending sample in that appender's arrays (-1 = none). Both small integers (no boxed double per series); the
   * txn also tells a snapshot which of its source's series it saw.
   */
  txn = 0;
  pendingIdx = -1;

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
