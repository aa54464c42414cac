import type { LabelSet } from '../model/labels.js';
import type { MetricMetadata, MetricType } from '../model/metadata.js';

// Moved to model/ (issue 5); re-exported so that code written against the old location still compiles.
export type { MetricMetadata, MetricType };

/** Label matcher operators of PromQL; regexes are fully anchored (`^(?:re)$`) like Prometheus. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** One sample of a source's snapshot: a label set (with `__name__`) and a value. */
export interface SnapshotSample {
  readonly labels: LabelSet;
  readonly value: number;
}

/**
 * A series reference (Prometheus `storage.SeriesRef`): the `id` of a stored series. Returned by
 * {@link Appender.append}; passing it back instead of the labels skips the label lookup. Valid for the source that
 * created the series until the series is removed (garbage collection, retention); never reused.
 */
export type SeriesRef = number;

/**
 * Read-only view of one stored series. Samples are held oldest → newest; index 0 is the oldest still
 * retained. Timestamps are Unix milliseconds. A stale sample is a staleness marker (Prometheus StaleNaN
 * semantics): its value is NaN and it ends the series until a newer non-stale sample arrives.
 * Indexes shift when retention evicts old samples: do not hold an index across store mutations (use a
 * {@link SeriesIterator} for that).
 */
export interface StoredSeries {
  /** Store-unique, never reused while the store lives; the {@link SeriesRef} of the series. */
  readonly id: number;
  readonly labels: LabelSet;
  /** Owner of the series, e.g. 'flink-rest', 'derived'. */
  readonly source: string;
  /** Number of retained samples (stale markers included). */
  readonly length: number;
  timestampAt(i: number): number;
  valueAt(i: number): number;
  isStaleAt(i: number): boolean;
  /** Newest sample's timestamp, or NaN when empty. */
  readonly lastTimestamp: number;
  /** Newest sample's value (NaN for a stale marker or when empty). */
  readonly lastValue: number;
  /** True when the newest sample is a staleness marker (or the series is empty). */
  readonly isStale: boolean;
  /**
   * Indexes `[start, end)` of the samples with `fromMs < t <= toMs` (left-open, right-closed like
   * Prometheus 3.x range selection). Stale markers inside are NOT skipped here; callers skip them.
   */
  rangeIndexes(fromMs: number, toMs: number): readonly [start: number, end: number];
}

/** Why the store refused a sample or a series; the keys of {@link SeriesStore.rejected}. */
export type RejectReason =
  | 'out_of_order'
  | 'duplicate'
  | 'series_limit'
  | 'invalid_name'
  | 'conflict'
  | 'unknown_ref';

/**
 * Lifecycle policy of a source (the writer that owns a set of series):
 * - `scrape`: a scrape-like source (the Flink poller, derived windows). {@link SeriesStore.appendSnapshot} marks
 *   its series that are absent from a snapshot stale. Series end by staleness and retention.
 * - `pinned`: push groups (Pushgateway semantics). A series keeps its newest sample beyond retention and stays
 *   exposed until the source marks it stale, the source is dropped, or `ttlMs` after the source's last commit
 *   has passed (then the store drops the source at its next GC tick).
 * - `free`: remote-write senders. Series end by staleness markers the sender writes, or by retention.
 * `maxSeries` limits the series the source may own (creating one more throws {@link SeriesLimitError}).
 */
export interface SourcePolicy {
  readonly kind: 'scrape' | 'pinned' | 'free';
  /** Only for `pinned`: drop the source this long (ms) after its last commit. Absent = never. */
  readonly ttlMs?: number;
  /** Most series the source may own at once. Absent = unlimited (the store's `maxSeriesTotal` still applies). */
  readonly maxSeries?: number;
}

/**
 * A write transaction of one source (Prometheus `storage.Appender`). Samples carry their own timestamps (Unix
 * ms). Nothing is visible to readers until {@link commit}; {@link rollback} (or an appender that is simply
 * dropped) leaves the store exactly as before: no series, sample or metadata. Refused input throws at the call
 * that brings it, never at commit, and is counted in {@link SeriesStore.rejected}:
 * - `OutOfOrderSampleError` (`FPB_ERR_OUT_OF_ORDER`): `t` not newer than the series' newest committed sample or an
 *   earlier pending one of this appender (reason `duplicate` for an equal timestamp, else `out_of_order`).
 * - `InvalidMetricNameError` (`FPB_ERR_INVALID_METRIC_NAME`): a new label set without `__name__` or with one
 *   outside `[a-zA-Z_:][a-zA-Z0-9_:]*`.
 * - `SeriesLimitError` (`FPB_ERR_SERIES_LIMIT`): creating the series would exceed the source's `maxSeries` or
 *   the store's `maxSeriesTotal`.
 * - `SeriesConflictError` (`FPB_ERR_SERIES_CONFLICT`): the label set is owned by another source.
 * - `UnknownSeriesRefError` (`FPB_ERR_UNKNOWN_SERIES_REF`): a ref that is not a live series of this source.
 * - `RangeError`: a non-finite timestamp (a caller bug, not counted).
 * An appender is single-use: after commit or rollback every call throws `Error`.
 */
export interface Appender {
  /** Appends a sample; returns the series' ref (a new series gets its ref now, usable before commit). */
  append(series: SeriesRef | LabelSet, timestampMs: number, value: number): SeriesRef;
  /** Appends a staleness marker (Prometheus StaleNaN): the series ends at `timestampMs`. */
  appendStale(series: SeriesRef | LabelSet, timestampMs: number): SeriesRef;
  /** Declares family metadata as part of this transaction; conflict check as {@link SeriesStore.setMetadata}. */
  setMetadata(familyName: string, metadata: MetricMetadata): void;
  /**
   * Makes everything visible at once and publishes one batch on the change feed. Returns what was written;
   * `outOfOrder`/`conflicts` count samples dropped at commit because another appender committed newer samples
   * or the same label set for another source in between (rare; normally 0). Throws `MetadataConflictError` when
   * another source committed conflicting metadata meanwhile (nothing is written then).
   */
  commit(): AppendResult;
  rollback(): void;
}

/** One sample as an iterator sees it. `stale` = staleness marker (then `v` is NaN). */
export interface Sample {
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

/**
 * Iterates the samples of one series inside a querier's `[mint, maxt]`, oldest first (Prometheus
 * `chunkenc.Iterator`, floats only). Stays correct while appends and retention run between two calls: it
 * remembers the timestamp it stands on and yields, on each `next()`, the first sample currently stored that is
 * newer than that (and ≤ maxt). Samples evicted before the iterator reached them are not seen; a removed series
 * ends. A `next()` or `seek()` that returns false does not move, so a later call can see newer samples.
 */
export interface SeriesIterator {
  /** Advances to the next sample; false when there is none (yet). */
  next(): boolean;
  /**
   * Advances to the first sample with timestamp ≥ `t` (never backwards: if the current sample already has
   * timestamp ≥ t it stays). False when there is none.
   */
  seek(t: number): boolean;
  /** The current sample (after a `next()`/`seek()` that returned true). Throws `Error` before that. */
  at(): Sample;
}

/** A series as a querier returns it: the series and an iterator factory bound to the querier's range. */
export interface QueriedSeries {
  readonly ref: SeriesRef;
  readonly labels: LabelSet;
  readonly series: StoredSeries;
  iterator(): SeriesIterator;
}

/**
 * Read access over `[mint, maxt]` (Unix ms, both inclusive, like Prometheus `storage.Querier`). Series without a
 * sample in the range are not returned. Label names and values are sorted (byte order).
 */
export interface Querier {
  /** Series matching every matcher (AND; same rules as {@link SeriesStore.select}). Order: by ref. */
  select(matchers: readonly LabelMatcher[]): QueriedSeries[];
  /** Label names of the series in range (of those matching `matchers` when given), `__name__` included. */
  labelNames(matchers?: readonly LabelMatcher[]): string[];
  /** Values of label `name` over the series in range (matching `matchers` when given). */
  labelValues(name: string, matchers?: readonly LabelMatcher[]): string[];
}

/** One change, in commit order. `seq` numbers increase by one per change over the store's life. */
export type FeedEvent =
  | { readonly kind: 'series'; readonly seq: number; readonly ref: SeriesRef; readonly labels: LabelSet; readonly source: string }
  | { readonly kind: 'sample'; readonly seq: number; readonly ref: SeriesRef; readonly t: number; readonly v: number }
  | { readonly kind: 'stale'; readonly seq: number; readonly ref: SeriesRef; readonly t: number }
  | { readonly kind: 'dropped'; readonly seq: number; readonly ref: SeriesRef };

/** Listener of the change feed: one call per commit or GC pass with its changes, synchronously, in order. */
export type FeedListener = (batch: readonly FeedEvent[]) => void;

export interface ChangeFeed {
  /** Starts delivering batches committed from now on; returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void;
  /** Sequence number the next change will get. */
  readonly nextSeq: number;
}

/**
 * The series store: the one place samples live. Every source writes into it; exposition, derived windows,
 * the PromQL engine and remote-write read from it. Modelled on Prometheus's `storage.Appendable` /
 * `storage.Queryable`.
 *
 * Contract:
 * - Writes go through an {@link Appender} of a source (`appender(source)`): a transaction, per-sample timestamps,
 *   series refs for the fast path, out-of-order samples refused (never reordered), staleness markers.
 * - A label set belongs to the source that created it; a source has a {@link SourcePolicy} (`createSource`, or
 *   `scrape` with no limit on first use). `dropSource(source, t)` ends all its series with staleness markers and
 *   forgets its policy and metadata.
 * - `appendSnapshot(source, t, samples, {retain})` is scrape semantics on top of an appender: every sample at `t`;
 *   every series of `source` absent from the snapshot, not yet stale, older than `t` and not `retain`ed gets a
 *   staleness marker at `t`; refused samples are counted (`outOfOrder`, `conflicts`, `rejected`), not thrown.
 * - Metadata is kept per source and family; the same family with two types from two sources is refused at write
 *   time (`MetadataConflictError`). `metadata(family)` is the merged view (the first declaring source's).
 * - Retention: samples older than `retentionMs` before the newest append of their series go at that append;
 *   GC (`start()` timer, incremental; or `collectGarbage(now)`, a full pass) evicts samples older than
 *   `now - retentionMs` and removes the series left without a non-stale sample (only staleness markers, or
 *   nothing), except the live series of `pinned` sources, which keep their newest sample. Removed series publish a
 *   `dropped` change; their refs become invalid. `setRetention(ms)` applies from then on.
 * - Reads: `select` / `get` / `family` see the committed state; `querier(mint, maxt)` for iterators that survive
 *   mutations; {@link valueAt} (store/value-at.ts) is the one instant lookup with lookback and staleness.
 * - Change feed (`feed`): every committed change with a sequence number, one batch per commit / GC pass.
 */
export interface SeriesStore {
  /** Registers `source` with `policy`, or replaces the policy of an existing source. */
  createSource(source: string, policy: SourcePolicy): void;
  /** Ends every live series of `source` with a staleness marker at `t`, forgets its policy and metadata. */
  dropSource(source: string, timestampMs: number): number;
  appender(source: string): Appender;
  appendSnapshot(
    source: string,
    timestampMs: number,
    samples: Iterable<SnapshotSample>,
    options?: SnapshotOptions,
  ): AppendResult;
  /** Sets HELP/TYPE/UNIT of a family for `source`; throws `MetadataConflictError` on a type conflict. */
  setMetadata(source: string, familyName: string, metadata: MetricMetadata): void;
  /** Merged metadata of a family (exposition view), or undefined. */
  metadata(familyName: string): MetricMetadata | undefined;
  /** Series matching all matchers (AND). An empty list selects nothing. Order: unspecified. */
  select(matchers: readonly LabelMatcher[]): StoredSeries[];
  /** The series with exactly this label set, if stored. */
  get(labels: LabelSet): StoredSeries | undefined;
  /** Family names (values of `__name__`) that currently have at least one series, sorted. */
  familyNames(): string[];
  /** Series of one family (by `__name__`), in insertion order. */
  family(familyName: string): Iterable<StoredSeries>;
  /** Label names of all series (of those matching `matchers` when given), sorted. */
  labelNames(matchers?: readonly LabelMatcher[]): string[];
  /** Values of label `name` over all series (matching `matchers` when given), sorted. */
  labelValues(name: string, matchers?: readonly LabelMatcher[]): string[];
  querier(mintMs: number, maxtMs: number): Querier;
  readonly feed: ChangeFeed;
  /** Refused samples/series since the store was created, by reason. A fresh object. */
  readonly rejected: Readonly<Record<RejectReason, number>>;
  setRetention(retentionMs: number): void;
  /** Starts the incremental GC timer (unref'd). Idempotent. */
  start(): void;
  stop(): void;
  /** One full GC pass at `nowMs`; returns the number of removed series. */
  collectGarbage(nowMs: number): number;
  readonly seriesCount: number;
  readonly sampleCount: number;
  /**
   * Series removed by GC over the store's life. Refs are never reused, so a cache of refs (a receiver's label
   * bytes → ref) stays valid while this number is unchanged; cheaper than listening to the feed for `dropped`.
   */
  readonly seriesRemovals: number;
}

export interface SnapshotOptions {
  /**
   * Called for each owned, live series absent from the snapshot: true leaves it untouched (no sample, no
   * staleness marker), e.g. the series of a Flink endpoint that failed this cycle, until `stale_after`.
   */
  readonly retain?: (series: StoredSeries) => boolean;
}

export interface AppendResult {
  /** Samples written (staleness markers written by `appendStale` included). */
  readonly appended: number;
  /** Staleness markers written for absent series (`appendSnapshot`) or by `dropSource`. */
  readonly staleMarked: number;
  /** Samples refused as out of order or duplicate. */
  readonly outOfOrder: number;
  /** Samples refused because their label set belongs to another source. */
  readonly conflicts: number;
  /** Samples refused for another reason (invalid name, series limit). */
  readonly rejected: number;
}
