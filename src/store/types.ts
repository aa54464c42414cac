import type { LabelSet } from '../model/labels.js';

/** Prometheus metric types as written in `# TYPE` (text 0.0.4 names; OpenMetrics `unknown` = `untyped`). */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';

/** Family metadata for `# HELP` / `# TYPE` (and OpenMetrics `# UNIT`). Keyed by metric family name. */
export interface MetricMetadata {
  readonly type: MetricType;
  readonly help: string;
  /** OpenMetrics unit, e.g. 'seconds', 'bytes'; must be a suffix of the family name. */
  readonly unit?: string;
}

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
 * Read-only view of one stored series. Samples are held oldest → newest; index 0 is the oldest still
 * retained. Timestamps are Unix milliseconds. A stale sample is a staleness marker (Prometheus StaleNaN
 * semantics): its value is NaN and it ends the series until a newer non-stale sample arrives.
 */
export interface StoredSeries {
  /** Store-unique, never reused while the store lives. */
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

/**
 * The series store: the one place samples live. Every source writes into it; exposition, derived windows,
 * the PromQL engine and remote-write read from it.
 *
 * Contract:
 * - `appendSnapshot(source, t, samples)` has scrape semantics: every sample is appended at `t` to the series
 *   with its label set (created on first sight, owned by `source`); every series owned by `source` that is NOT
 *   in this snapshot and is not already stale gets a staleness marker at `t`. Samples with `t` not newer than
 *   the series' last timestamp are dropped (counted in the returned `outOfOrder`), never reordered.
 * - `markSourceStale(source, t)` ends every series of `source` (e.g. the source is gone).
 * - Series whose newest non-stale sample is older than `retentionMs` are removed by `collectGarbage(now)`,
 *   which `appendSnapshot` also calls at most once per second.
 * - A label set belongs to one source; a second source writing the same label set is rejected for that
 *   sample (counted in `conflicts`).
 */
export interface SeriesStore {
  appendSnapshot(source: string, timestampMs: number, samples: Iterable<SnapshotSample>, options?: SnapshotOptions): AppendResult;
  markSourceStale(source: string, timestampMs: number): number;
  /** Sets HELP/TYPE metadata of a metric family (last writer wins). */
  setMetadata(familyName: string, metadata: MetricMetadata): void;
  metadata(familyName: string): MetricMetadata | undefined;
  /** Series matching all matchers (AND). An empty list selects nothing. Order: unspecified. */
  select(matchers: readonly LabelMatcher[]): StoredSeries[];
  /** The series with exactly this label set, if stored. */
  get(labels: LabelSet): StoredSeries | undefined;
  /** Family names (values of `__name__`) that currently have at least one series, sorted. */
  familyNames(): string[];
  /** Series of one family (by `__name__`), in insertion order. */
  family(familyName: string): Iterable<StoredSeries>;
  collectGarbage(nowMs: number): number;
  readonly seriesCount: number;
  readonly sampleCount: number;
}

/** Options of {@link SeriesStore.appendSnapshot}. */
export interface SnapshotOptions {
  /**
   * Called for each series owned by the source that is absent from the snapshot and not stale yet; when it returns
   * true the series is left untouched (no sample, no staleness marker), e.g. because the endpoint that produces it
   * failed transiently.
   */
  readonly retain?: (series: StoredSeries) => boolean;
}

export interface AppendResult {
  readonly appended: number;
  readonly staleMarked: number;
  readonly outOfOrder: number;
  readonly conflicts: number;
}
