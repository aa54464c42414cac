import { OutOfOrderSampleError, SeriesConflictError, UnknownSeriesRefError } from '../errors.js';
import type { LabelSet } from '../model/labels.js';
import type { MetricMetadata } from '../model/metadata.js';
import { LabelIndex } from './label-index.js';
import { MemorySeries } from './memory-series.js';
import type { AppendResult, Appender, RejectReason, SeriesRef } from './types.js';

/** A series created inside an open appender: it gets its ref at once, its ring only at commit. */
export class PendingSeries {
  /** Newest pending timestamp; -Infinity before the first. */
  lastT = -Infinity;
  /** The stored series after commit created or found it; null when another source took the label set first. */
  resolved: MemorySeries | null = null;
  constructor(
    readonly id: number,
    readonly labels: LabelSet,
  ) {}
}

/** Kinds of pending writes. */
export const enum PendingKind {
  Sample = 0,
  /** `appendStale`: counted in `appended`. */
  Stale = 1,
  /** A staleness marker for a series absent from a snapshot, or of a dropped source: counted in `staleMarked`. */
  Marker = 2,
}

/** The store side of an appender (implemented by MemorySeriesStore). */
export interface AppenderHost {
  seriesByLabels(labels: LabelSet): MemorySeries | undefined;
  seriesById(id: number): MemorySeries | undefined;
  /**
   * Validates a label set the appender is about to create (name rules, limits given the appender's pending new
   * series) and returns its id. Throws the typed error (counted).
   */
  admitNewSeries(source: string, labels: LabelSet, pendingForSource: number): number;
  reject(reason: RejectReason): void;
  /** How often an appender took a series over from another unfinished one (see MemoryAppender). */
  takeovers(): number;
  noteTakeover(): void;
  checkMetadata(source: string, family: string, metadata: MetricMetadata): void;
  commitAppender(appender: MemoryAppender): AppendResult;
}

/**
 * The {@link Appender} of {@link MemorySeriesStore}: pending writes in parallel arrays (no object per sample),
 * applied by the store at commit. The out-of-order check of a stored series against this appender's earlier
 * pending sample uses two fields on the series (`txn`, `pendingIdx`) instead of a per-appender map: the fast path
 * for 1 sample × thousands of series. Another open appender may take those fields over (the store counts such
 * takeovers); an appender that sees a takeover it did not make switches to its own map (`lastIdx`), built once from
 * its pending arrays, so the check stays exact.
 */
export class MemoryAppender implements Appender {
  readonly targets: (MemorySeries | PendingSeries)[] = [];
  readonly ts: number[] = [];
  readonly vs: number[] = [];
  readonly kinds: PendingKind[] = [];
  readonly newByLabels = new LabelIndex<PendingSeries>();
  readonly newById = new Map<number, PendingSeries>();
  readonly meta: [string, MetricMetadata][] = [];
  /** Series → index of its newest pending sample; only while other appenders are open (see the class doc). */
  private lastIdx: Map<MemorySeries, number> | undefined;
  /** Counted at append by `appendSnapshot`, which catches the errors; added to the commit's result. */
  outOfOrder = 0;
  conflicts = 0;
  rejected = 0;
  private done = false;
  /** The store's takeover count as this appender knows it (its own takeovers included). */
  private takeoversSeen: number;

  constructor(
    private readonly host: AppenderHost,
    readonly source: string,
    /** Store-unique transaction id (> 0), tags pending samples on stored series. */
    readonly txn: number,
  ) {
    this.takeoversSeen = host.takeovers();
  }

  append(series: SeriesRef | LabelSet, timestampMs: number, value: number): SeriesRef {
    return this.add(series, timestampMs, value, PendingKind.Sample);
  }

  appendStale(series: SeriesRef | LabelSet, timestampMs: number): SeriesRef {
    return this.add(series, timestampMs, NaN, PendingKind.Stale);
  }

  setMetadata(familyName: string, metadata: MetricMetadata): void {
    this.open();
    this.host.checkMetadata(this.source, familyName, metadata);
    this.meta.push([familyName, metadata]);
  }

  commit(): AppendResult {
    this.open();
    try {
      return this.host.commitAppender(this);
    } finally {
      this.finish();
    }
  }

  rollback(): void {
    if (this.done) return;
    this.finish();
  }

  /** Queues a staleness marker for a stored series (callers checked it is live and older than `t`). */
  pushMarker(series: MemorySeries, timestampMs: number): void {
    this.claim(series, this.pendingIndexOf(series));
    this.track(series);
    this.push(series, timestampMs, NaN, PendingKind.Marker);
  }

  /** True when this appender's snapshot saw `series` (an append was attempted, accepted or not). */
  saw(series: MemorySeries): boolean {
    return series.txn === this.txn;
  }

  private add(target: SeriesRef | LabelSet, t: number, v: number, kind: PendingKind): SeriesRef {
    this.open();
    if (!Number.isFinite(t)) throw new RangeError(`timestamp must be a finite number of ms, got ${t}`);
    const s = typeof target === 'number' ? this.byRef(target) : this.byLabels(target);
    if (s instanceof MemorySeries) {
      const idx = this.pendingIndexOf(s);
      this.claim(s, idx);
      const last = idx >= 0 ? (this.ts[idx] as number) : s.newestMs;
      if (!(t > last)) this.outOfOrderError(s.labels, t, last);
      this.track(s);
    } else {
      if (!(t > s.lastT)) this.outOfOrderError(s.labels, t, s.lastT);
      s.lastT = t;
    }
    this.push(s, t, v, kind);
    return s.id;
  }

  /** Marks `s` as touched by this appender (newest pending sample at `idx`), counting a takeover from another. */
  private claim(s: MemorySeries, idx: number): void {
    if (s.txn === this.txn) return;
    if (s.txn !== 0) {
      this.host.noteTakeover();
      this.takeoversSeen++;
    }
    s.txn = this.txn;
    s.pendingIdx = idx;
  }

  /** Index of the newest pending sample of `s` in this appender, -1 when none. */
  private pendingIndexOf(s: MemorySeries): number {
    if (this.lastIdx !== undefined || this.host.takeovers() !== this.takeoversSeen) {
      if (this.lastIdx === undefined) {
        this.lastIdx = new Map();
        for (let i = 0; i < this.targets.length; i++) {
          const x = this.targets[i];
          if (x instanceof MemorySeries) this.lastIdx.set(x, i);
        }
      }
      return this.lastIdx.get(s) ?? -1;
    }
    return s.txn === this.txn ? s.pendingIdx : -1;
  }

  /** Records that the next pushed entry is the newest pending sample of `s`. */
  private track(s: MemorySeries): void {
    const i = this.targets.length;
    s.txn = this.txn;
    s.pendingIdx = i;
    this.lastIdx?.set(s, i);
  }

  private push(s: MemorySeries | PendingSeries, t: number, v: number, kind: PendingKind): void {
    this.targets.push(s);
    this.ts.push(t);
    this.vs.push(v);
    this.kinds.push(kind);
  }

  private byRef(ref: SeriesRef): MemorySeries | PendingSeries {
    const s = this.host.seriesById(ref);
    if (s !== undefined && s.source === this.source && !s.removed) return s;
    const pending = this.newById.get(ref);
    if (pending !== undefined) return pending;
    this.host.reject('unknown_ref');
    throw new UnknownSeriesRefError(ref, this.source);
  }

  private byLabels(labels: LabelSet): MemorySeries | PendingSeries {
    const s = this.host.seriesByLabels(labels);
    if (s !== undefined) {
      if (s.source === this.source) return s;
      this.host.reject('conflict');
      throw new SeriesConflictError(labels.toString(), s.source, this.source);
    }
    let pending = this.newByLabels.get(labels);
    if (pending === undefined) {
      pending = new PendingSeries(this.host.admitNewSeries(this.source, labels, this.newByLabels.size), labels);
      this.newByLabels.add(pending);
      this.newById.set(pending.id, pending);
    }
    return pending;
  }

  private outOfOrderError(labels: LabelSet, t: number, last: number): never {
    const err = new OutOfOrderSampleError(labels.toString(), t, last);
    this.host.reject(err.reason);
    throw err;
  }

  private open(): void {
    if (this.done) throw new Error(`appender of source ${JSON.stringify(this.source)} was already committed or rolled back`);
  }

  private finish(): void {
    this.done = true;
    this.lastIdx = undefined;
    // Release the series so a later appender's claim is not counted as a takeover.
    for (const s of this.targets) if (s instanceof MemorySeries && s.txn === this.txn) s.txn = 0;
  }
}
