import {
  InvalidMetricNameError,
  OutOfOrderSampleError,
  SeriesConflictError,
  SeriesLimitError,
} from '../errors.js';
import type { LabelSet } from '../model/labels.js';
import type { MetricMetadata } from '../model/metadata.js';
import { METRIC_NAME_LABEL, isValidMetricName } from '../model/names.js';
import { ownedString } from '../model/owned-string.js';
import { type AppenderHost, MemoryAppender, PendingKind, PendingSeries } from './appender.js';
import { MemoryChangeFeed } from './change-feed.js';
import { LabelIndex } from './label-index.js';
import { type CompiledMatcher, compileMatcher } from './matchers.js';
import { MemorySeries } from './memory-series.js';
import { MetadataRegistry } from './metadata-registry.js';
import { Postings } from './postings.js';
import { compareStrings, createQuerier } from './querier.js';
import { SampleArena } from './sample-arena.js';
import { DEFAULT_SOURCE_POLICY, SourceState, checkPolicy } from './source-state.js';
import type {
  AppendResult,
  Appender,
  ChangeFeed,
  FeedEvent,
  LabelMatcher,
  Querier,
  RejectReason,
  SeriesStore,
  SnapshotOptions,
  SnapshotSample,
  SourcePolicy,
  StoredSeries,
} from './types.js';

export interface MemorySeriesStoreOptions {
  /** Samples older than this (relative to the newest append / GC time) are dropped. Milliseconds, > 0. */
  readonly retentionMs: number;
  /**
   * Store each distinct label value once (the first series' string is reused by later ones). Default true;
   * false exists for the memory benchmark.
   */
  readonly internLabelValues?: boolean;
  /** Most series the store holds; creating one more throws `SeriesLimitError`. Default: unlimited. */
  readonly maxSeriesTotal?: number;
  /** Clock for commit times, TTLs and the GC timer (Unix ms). Default `Date.now`. */
  readonly now?: () => number;
  /** Interval of the GC timer started by `start()`, ms. Default 1000. */
  readonly gcIntervalMs?: number;
  /** Series the GC looks at per tick. Default 10 000 (≈ 1 ms). */
  readonly gcBatch?: number;
}

const REJECT_REASONS: readonly RejectReason[] = ['out_of_order', 'duplicate', 'series_limit', 'invalid_name', 'conflict', 'unknown_ref'];

/**
 * The in-memory {@link SeriesStore}: series by label set (a hash table, {@link LabelIndex}), samples in per-series rings
 * backed by a shared {@link SampleArena}, an inverted index ({@link Postings}) for `select()`, appenders
 * ({@link MemoryAppender}) as transactions, per-source lifecycle ({@link SourceState}), metadata per source
 * ({@link MetadataRegistry}) and a change feed ({@link MemoryChangeFeed}).
 *
 * Sized for ~100 000 active series: no object per sample, label values interned, postings as plain arrays.
 * Appends cost O(1) per sample (plus O(labels) for a new series); nothing on the append path walks all series:
 * garbage collection runs on a timer (`start()`), a bounded batch of series per tick.
 *
 * Decisions beyond the {@link SeriesStore} contract:
 * - `select()` returns `[]` for a matcher list in which every matcher matches the empty string (e.g.
 *   `{foo=""}` alone, `{foo=~".*"}`): Prometheus rejects such selectors with an error; the PromQL layer is
 *   where that error belongs, the store just selects nothing.
 * - `family()` returns the live index list (insertion order); do not mutate it, and do not hold it across
 *   store mutations if you need a stable snapshot.
 * - Limits are checked at append against the committed state plus the appender's own pending series; two
 *   appenders open at the same time may together overshoot by their pending new series.
 * - `appendSnapshot` / `dropSource` throw `RangeError` for a non-finite timestamp (a caller bug).
 */
export class MemorySeriesStore implements SeriesStore, AppenderHost {
  private retentionMs: number;
  private readonly internValues: boolean;
  private readonly maxSeriesTotal: number;
  private readonly now: () => number;
  private readonly gcIntervalMs: number;
  private readonly gcBatch: number;
  private readonly arena = new SampleArena();
  private readonly byLabels = new LabelIndex<MemorySeries>();
  /**
   * Every series sorted by id, for refs: a binary search instead of a Map costs ~35 B less per series (measured,
   * bench/README.md) at ~17 steps per lookup for 100 000 series. Removed series stay until more than half the
   * list is removed (then one filter), so GC does not pay O(series) per removal.
   */
  private byIdList: MemorySeries[] = [];
  private removedInIdList = 0;
  private readonly postings = new Postings<MemorySeries>();
  private readonly sources = new Map<string, SourceState>();
  private readonly meta = new MetadataRegistry();
  private readonly changes = new MemoryChangeFeed();
  private readonly rejects = new Map<RejectReason, number>();
  private nextId = 1;
  /** Series removed by GC (see {@link seriesRemovals}). */
  private removals = 0;
  private txn = 0;
  private takeoverCount = 0;
  private samples = 0;
  private familyNamesCache: string[] | undefined;
  private gcCursor: Iterator<MemorySeries> | undefined;
  private gcTimer: NodeJS.Timeout | undefined;

  /** @throws RangeError when `retentionMs` is not a positive finite number. */
  constructor(options: MemorySeriesStoreOptions) {
    this.retentionMs = checkRetention(options.retentionMs);
    this.internValues = options.internLabelValues ?? true;
    this.maxSeriesTotal = options.maxSeriesTotal ?? Infinity;
    this.now = options.now ?? Date.now;
    this.gcIntervalMs = options.gcIntervalMs ?? 1000;
    this.gcBatch = options.gcBatch ?? 10_000;
  }

  get seriesCount(): number {
    return this.byLabels.size;
  }

  get seriesRemovals(): number {
    return this.removals;
  }

  get sampleCount(): number {
    return this.samples;
  }

  get feed(): ChangeFeed {
    return this.changes;
  }

  get rejected(): Readonly<Record<RejectReason, number>> {
    const out = {} as Record<RejectReason, number>;
    for (const r of REJECT_REASONS) out[r] = this.rejects.get(r) ?? 0;
    return out;
  }

  /** Applies a new retention from now on (samples already evicted stay gone). @throws RangeError as the constructor. */
  setRetention(retentionMs: number): void {
    this.retentionMs = checkRetention(retentionMs);
  }

  // ---- sources ------------------------------------------------------------------------------------------

  createSource(source: string, policy: SourcePolicy): void {
    const checked = checkPolicy(policy);
    const state = this.sources.get(source);
    if (state === undefined) {
      this.sources.set(source, new SourceState(source, checked, this.now()));
      return;
    }
    state.policy = checked;
    if (!state.active) {
      state.active = true;
      state.lastCommitMs = this.now();
    }
  }

  /**
   * Ends every live series of `source` with a staleness marker at `timestampMs` (series whose newest sample is
   * not older than that keep it and go by retention), publishes them on the feed, then forgets the source's
   * policy and metadata. Returns the number of markers written; 0 for an unknown source.
   *
   * @throws RangeError for a non-finite `timestampMs`.
   */
  dropSource(source: string, timestampMs: number): number {
    checkTimestamp(timestampMs);
    const state = this.sources.get(source);
    if (state === undefined) return 0;
    const app = this.newAppender(source);
    for (const s of state.series) {
      if (!s.removed && !s.isStale && timestampMs > s.newestMs) app.pushMarker(s, timestampMs);
    }
    const { staleMarked } = app.commit();
    state.active = false;
    this.meta.dropSource(source);
    if (state.live === 0) this.sources.delete(source);
    return staleMarked;
  }

  // ---- writing ------------------------------------------------------------------------------------------

  appender(source: string): Appender {
    return this.newAppender(source);
  }

  /**
   * Appends one snapshot of `source` taken at `timestampMs` (Unix ms) with scrape semantics (see
   * {@link SeriesStore}), through one appender: refused samples are counted in the result instead of thrown
   * (`outOfOrder`: not newer than the series' last sample, or the label set twice in the snapshot; `conflicts`:
   * owned by another source; `rejected`: invalid `__name__` or a series limit) and in {@link rejected}.
   *
   * @throws RangeError for a non-finite `timestampMs`.
   */
  appendSnapshot(source: string, timestampMs: number, samples: Iterable<SnapshotSample>, options?: SnapshotOptions): AppendResult {
    checkTimestamp(timestampMs);
    const app = this.newAppender(source);
    for (const sample of samples) {
      try {
        app.append(sample.labels, timestampMs, sample.value);
      } catch (err) {
        if (err instanceof OutOfOrderSampleError) app.outOfOrder++;
        else if (err instanceof SeriesConflictError) app.conflicts++;
        else if (err instanceof InvalidMetricNameError || err instanceof SeriesLimitError) app.rejected++;
        else throw err;
      }
    }
    const state = this.sources.get(source);
    if (state !== undefined) {
      const retain = options?.retain;
      for (const s of state.series) {
        if (s.removed || app.saw(s) || s.isStale || !(timestampMs > s.newestMs)) continue;
        if (retain !== undefined && retain(s)) continue;
        app.pushMarker(s, timestampMs);
      }
    }
    return app.commit();
  }

  setMetadata(source: string, familyName: string, metadata: MetricMetadata): void {
    this.sourceState(source);
    this.meta.set(source, familyName, metadata);
  }

  /** Merged metadata of a family (the first declaring source's), or undefined. */
  metadata(familyName: string): MetricMetadata | undefined {
    return this.meta.get(familyName);
  }

  // ---- AppenderHost -------------------------------------------------------------------------------------

  /** @internal */
  seriesByLabels(labels: LabelSet): MemorySeries | undefined {
    return this.byLabels.get(labels);
  }

  /** @internal */
  seriesById(id: number): MemorySeries | undefined {
    const list = this.byIdList;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = list[mid] as MemorySeries;
      if (s.id === id) return s.removed ? undefined : s;
      if (s.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** @internal */
  takeovers(): number {
    return this.takeoverCount;
  }

  /** @internal */
  noteTakeover(): void {
    this.takeoverCount++;
  }

  /** @internal */
  reject(reason: RejectReason): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + 1);
  }

  /** @internal */
  checkMetadata(source: string, family: string, metadata: MetricMetadata): void {
    this.meta.check(source, family, metadata);
  }

  /** @internal */
  admitNewSeries(source: string, labels: LabelSet, pendingForSource: number): number {
    const name = labels.get(METRIC_NAME_LABEL);
    if (name === undefined || !isValidMetricName(name)) {
      this.reject('invalid_name');
      throw new InvalidMetricNameError(
        name === undefined
          ? `series ${labels.toString()} has no ${METRIC_NAME_LABEL} label`
          : `invalid metric name ${JSON.stringify(name)}: must match [a-zA-Z_:][a-zA-Z0-9_:]*`,
      );
    }
    const state = this.sources.get(source);
    const maxForSource = state?.active === true ? state.policy.maxSeries : undefined;
    if (maxForSource !== undefined && (state?.live ?? 0) + pendingForSource >= maxForSource) {
      this.reject('series_limit');
      throw new SeriesLimitError('source', maxForSource, source);
    }
    if (this.byLabels.size + pendingForSource >= this.maxSeriesTotal) {
      this.reject('series_limit');
      throw new SeriesLimitError('total', this.maxSeriesTotal, source);
    }
    return this.nextId++;
  }

  /** @internal Applies an appender's pending writes; see {@link Appender.commit}. */
  commitAppender(app: MemoryAppender): AppendResult {
    const source = app.source;
    for (const [family, m] of app.meta) this.meta.check(source, family, m);
    const state = this.sourceState(source);
    const feed = this.changes.active ? ([] as FeedEvent[]) : undefined;
    let conflicts = app.conflicts;
    for (const p of app.newByLabels.values()) {
      const existing = this.byLabels.get(p.labels);
      if (existing === undefined) {
        p.resolved = this.create(p, state);
        feed?.push({ kind: 'series', seq: this.changes.take(), ref: p.id, labels: p.resolved.labels, source });
      } else {
        // Another appender committed the label set first: same source → merge; another source → conflict.
        p.resolved = existing.source === source ? existing : null;
      }
    }
    const retention = this.retentionMs;
    const { targets, ts, vs, kinds } = app;
    let appended = 0;
    let staleMarked = 0;
    let outOfOrder = app.outOfOrder;
    let rejected = app.rejected;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i] as MemorySeries | PendingSeries;
      const s = target instanceof MemorySeries ? target : target.resolved;
      if (s === null) {
        conflicts++;
        this.reject('conflict');
        continue;
      }
      if (s.removed) {
        rejected++;
        this.reject('unknown_ref');
        continue;
      }
      const t = ts[i] as number;
      if (!(t > s.newestMs)) {
        outOfOrder++;
        this.reject(t === s.newestMs ? 'duplicate' : 'out_of_order');
        continue;
      }
      const kind = kinds[i] as PendingKind;
      const stale = kind !== PendingKind.Sample;
      const v = vs[i] as number;
      this.samples += 1 - s.appendSample(t, v, stale, retention);
      if (stale) {
        if (kind === PendingKind.Marker) staleMarked++;
        else appended++;
        feed?.push({ kind: 'stale', seq: this.changes.take(), ref: s.id, t });
      } else {
        appended++;
        feed?.push({ kind: 'sample', seq: this.changes.take(), ref: s.id, t, v });
      }
    }
    for (const [family, m] of app.meta) this.meta.set(source, family, m);
    state.lastCommitMs = this.now();
    if (feed !== undefined) this.changes.publish(feed);
    return { appended, staleMarked, outOfOrder, conflicts, rejected };
  }

  // ---- reading ------------------------------------------------------------------------------------------

  /**
   * Series matching every matcher (AND), Prometheus semantics: regexes fully anchored RE2 with `.` matching
   * `\n`; a matcher that accepts `""` also accepts series lacking the label. Returns `[]` for an empty list
   * or when every matcher accepts `""` (see the class doc). Order: unspecified (currently insertion order per
   * candidate value).
   *
   * @throws InvalidMatcherError (`FPB_ERR_INVALID_MATCHER`) for an unknown operator or an invalid regex.
   */
  select(matchers: readonly LabelMatcher[]): StoredSeries[] {
    return this.selectSeries(matchers);
  }

  /** {@link select} with the store's own series type (for the querier). */
  selectSeries(matchers: readonly LabelMatcher[]): MemorySeries[] {
    if (matchers.length === 0) return [];
    const compiled = matchers.map((m) => memoize(compileMatcher(m)));
    let driver = -1;
    let driverLists: (readonly MemorySeries[])[] = [];
    let driverSize = Infinity;
    for (let i = 0; i < compiled.length; i++) {
      const m = compiled[i] as CompiledMatcher;
      if (m.matchesEmpty) continue;
      const lists = this.candidates(m);
      let size = 0;
      for (const l of lists) size += l.length;
      if (size < driverSize) {
        driver = i;
        driverLists = lists;
        driverSize = size;
        if (size === 0) return [];
      }
    }
    if (driver < 0) return [];
    const filters = compiled.filter((_, i) => i !== driver);
    const out: MemorySeries[] = [];
    for (const list of driverLists) {
      next: for (const series of list) {
        for (const m of filters) if (!m.matches(series.labels.get(m.name) ?? '')) continue next;
        out.push(series);
      }
    }
    return out;
  }

  /** The series with exactly these labels (hash and `LabelSet.equals`), or undefined; O(labels). */
  get(labels: LabelSet): StoredSeries | undefined {
    return this.byLabels.get(labels);
  }

  /** `__name__` values with at least one stored series (stale ones included), sorted; a fresh array. */
  familyNames(): string[] {
    if (this.familyNamesCache === undefined) {
      const byValue = this.postings.valuesOf(METRIC_NAME_LABEL);
      this.familyNamesCache = byValue === undefined ? [] : [...byValue.keys()].sort(compareStrings);
    }
    return [...this.familyNamesCache];
  }

  /**
   * Series with `__name__ = familyName` in insertion order, stale ones included; empty when none. The
   * returned array is the index's own: do not mutate it.
   */
  family(familyName: string): Iterable<StoredSeries> {
    return this.postings.get(METRIC_NAME_LABEL, familyName);
  }

  /** Label names over all series, or over those matching `matchers`; sorted. */
  labelNames(matchers?: readonly LabelMatcher[]): string[] {
    if (matchers === undefined || matchers.length === 0) return [...this.postings.names()].sort(compareStrings);
    const names = new Set<string>();
    for (const s of this.selectSeries(matchers)) for (const n of s.labels.names) names.add(n);
    return [...names].sort(compareStrings);
  }

  /** Values of label `name` over all series, or over those matching `matchers`; sorted. */
  labelValues(name: string, matchers?: readonly LabelMatcher[]): string[] {
    if (matchers === undefined || matchers.length === 0) {
      const byValue = this.postings.valuesOf(name);
      return byValue === undefined ? [] : [...byValue.keys()].sort(compareStrings);
    }
    const values = new Set<string>();
    for (const s of this.selectSeries(matchers)) {
      const v = s.labels.get(name);
      if (v !== undefined) values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  /** A {@link Querier} over `[mintMs, maxtMs]`. @throws RangeError when `mintMs > maxtMs` or a bound is NaN. */
  querier(mintMs: number, maxtMs: number): Querier {
    return createQuerier({ selectSeries: (m) => this.selectSeries(m), allSeries: () => this.byLabels.values() }, mintMs, maxtMs);
  }

  // ---- garbage collection -------------------------------------------------------------------------------

  /** Starts the GC timer: every `gcIntervalMs`, one {@link gcTick} at the clock's time. Unref'd; idempotent. */
  start(): void {
    if (this.gcTimer !== undefined) return;
    this.gcTimer = setInterval(() => this.gcTick(this.now()), this.gcIntervalMs);
    this.gcTimer.unref();
  }

  stop(): void {
    if (this.gcTimer !== undefined) clearInterval(this.gcTimer);
    this.gcTimer = undefined;
  }

  /**
   * One incremental GC step at `nowMs`: drops `pinned` sources whose TTL ran out, then looks at the next
   * `gcBatch` series of a cursor that cycles through all series (evicting samples older than `nowMs -
   * retentionMs`, removing expired series). Work per tick is bounded by the batch, a whole sweep takes
   * ⌈series / batch⌉ ticks. Returns the number of removed series.
   */
  gcTick(nowMs: number): number {
    this.expireSources(nowMs);
    const cutoff = nowMs - this.retentionMs;
    const touched = new Set<SourceState>();
    const feed = this.changes.active ? ([] as FeedEvent[]) : undefined;
    let removed = 0;
    let cursor = this.gcCursor ?? this.byLabels.values();
    let restarted = false;
    for (let n = 0; n < this.gcBatch; ) {
      const r = cursor.next();
      if (r.done === true) {
        // Wrap around once per tick at most: a batch larger than the store visits each series once.
        if (restarted) break;
        restarted = true;
        cursor = this.byLabels.values();
        continue;
      }
      n++;
      if (this.collectSeries(r.value, cutoff, touched, feed)) removed++;
    }
    this.gcCursor = cursor;
    this.finishCollection(touched, feed);
    return removed;
  }

  /**
   * One full GC pass at `nowMs` (tests, shutdown): TTL expiry, then every series as in {@link gcTick}. O(series).
   * Returns the number of removed series. Ids of removed series are never reused.
   */
  collectGarbage(nowMs: number): number {
    this.expireSources(nowMs);
    const cutoff = nowMs - this.retentionMs;
    const touched = new Set<SourceState>();
    const feed = this.changes.active ? ([] as FeedEvent[]) : undefined;
    let removed = 0;
    for (const series of this.byLabels.values()) if (this.collectSeries(series, cutoff, touched, feed)) removed++;
    this.finishCollection(touched, feed);
    return removed;
  }

  private expireSources(nowMs: number): void {
    for (const state of [...this.sources.values()]) {
      const ttl = state.policy.ttlMs;
      if (state.active && state.policy.kind === 'pinned' && ttl !== undefined && nowMs >= state.lastCommitMs + ttl) {
        // The markers go at the clock time, after the newest sample of each series.
        this.dropSource(state.name, nowMs);
      }
    }
  }

  /**
   * Evicts samples of `s` older than `cutoff` (a live series of an active `pinned` source keeps its newest one);
   * removes `s` when no non-stale sample is left. True when removed.
   */
  private collectSeries(s: MemorySeries, cutoff: number, touched: Set<SourceState>, feed: FeedEvent[] | undefined): boolean {
    const state = this.sources.get(s.source);
    const pinnedLive = state !== undefined && state.active && state.policy.kind === 'pinned' && !s.isStale;
    this.samples -= s.evictBefore(cutoff, pinnedLive);
    if (pinnedLive || s.holdsLiveSample()) return false;
    this.samples -= s.length;
    s.removed = true;
    this.removals++;
    s.release();
    this.byLabels.delete(s);
    this.removedInIdList++;
    this.postings.remove(s);
    if (state !== undefined) {
      state.live--;
      touched.add(state);
    }
    feed?.push({ kind: 'dropped', seq: this.changes.take(), ref: s.id });
    return true;
  }

  private finishCollection(touched: Set<SourceState>, feed: FeedEvent[] | undefined): void {
    if (this.removedInIdList > this.byIdList.length / 2) {
      this.byIdList = this.byIdList.filter((x) => !x.removed);
      this.removedInIdList = 0;
    }
    if (touched.size === 0) return;
    this.postings.compact();
    for (const state of touched) {
      state.compact();
      if (!state.active && state.live === 0) this.sources.delete(state.name);
    }
    this.familyNamesCache = undefined;
    if (feed !== undefined) this.changes.publish(feed);
  }

  // ---- internals ----------------------------------------------------------------------------------------

  /** Ids are handed out at append and series created at commit: appenders committed out of order insert. */
  private addToIdList(series: MemorySeries): void {
    const list = this.byIdList;
    const last = list[list.length - 1];
    if (last === undefined || last.id < series.id) {
      list.push(series);
      return;
    }
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as MemorySeries).id < series.id) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, series);
  }

  private newAppender(source: string): MemoryAppender {
    return new MemoryAppender(this, source, ++this.txn);
  }

  /** The state of `source`, created with the default policy on first use (or re-activated after a drop). */
  private sourceState(source: string): SourceState {
    let state = this.sources.get(source);
    if (state === undefined) {
      state = new SourceState(source, DEFAULT_SOURCE_POLICY, this.now());
      this.sources.set(source, state);
    } else if (!state.active) {
      state.active = true;
      state.policy = DEFAULT_SOURCE_POLICY;
    }
    return state;
  }

  /** Postings lists of the values `m` accepts for its label name (disjoint lists). */
  private candidates(m: CompiledMatcher): (readonly MemorySeries[])[] {
    if (m.op === '=') return [this.postings.get(m.name, m.value)];
    const byValue = this.postings.valuesOf(m.name);
    if (byValue === undefined) return [];
    const lists: (readonly MemorySeries[])[] = [];
    for (const posting of byValue.values()) if (m.matches(posting.value)) lists.push(posting.series);
    return lists;
  }

  private create(pending: PendingSeries, state: SourceState): MemorySeries {
    const series = new MemorySeries(this.arena, pending.id, this.ownLabels(pending.labels), state.name);
    this.byLabels.add(series);
    this.addToIdList(series);
    this.postings.add(series);
    state.series.push(series);
    state.live++;
    this.familyNamesCache = undefined;
    return series;
  }

  /**
   * The store's own label set for a new series, equal to `labels`: a fresh instance (so no key string a caller had
   * built for `labels` stays with the series) whose values are the index's interned strings where known, and
   * {@link ownedString} copies of new ones (so no parsed body stays alive through a slice of it).
   */
  private ownLabels(labels: LabelSet): LabelSet {
    const { names, values } = labels;
    const own = new Array<string>(values.length);
    for (let i = 0; i < names.length; i++) {
      const value = values[i] as string;
      own[i] = (this.internValues ? this.postings.intern(names[i] as string, value) : undefined) ?? ownedString(value);
    }
    return labels.withValues(own);
  }
}

function checkRetention(retentionMs: number): number {
  if (!(retentionMs > 0) || !Number.isFinite(retentionMs)) {
    throw new RangeError(`retentionMs must be a positive number of milliseconds, got ${retentionMs}`);
  }
  return retentionMs;
}

function checkTimestamp(timestampMs: number): void {
  if (!Number.isFinite(timestampMs)) throw new RangeError(`timestamp must be a finite number of ms, got ${timestampMs}`);
}

/** Regex matchers get a per-`select` memo: the same few label values are tested over and over. */
function memoize(m: CompiledMatcher): CompiledMatcher {
  if (m.op === '=' || m.op === '!=') return m;
  const memo = new Map<string, boolean>();
  return {
    ...m,
    matches(value: string): boolean {
      let r = memo.get(value);
      if (r === undefined) {
        r = m.matches(value);
        memo.set(value, r);
      }
      return r;
    },
  };
}
