import { MetadataConflictError, OutOfOrderSampleError, PushRejectedError, SeriesConflictError, SeriesLimitError } from '../../errors.js';
import type { ParsedFamily } from '../../exposition/types.js';
import { LabelSet } from '../../model/labels.js';
import type { MetricMetadata } from '../../model/metadata.js';
import { METRIC_NAME_LABEL } from '../../model/names.js';
import { StringInterner } from '../../model/owned-string.js';
import type { Appender, SeriesStore, SourcePolicy, StoredSeries } from '../../store/types.js';
import { completeClassicFamily } from './classic-families.js';
import type { GroupingKey } from './grouping-key.js';

/** Name prefix of every push-group source in the store; the rest is the grouping key's `id`. */
export const PUSH_SOURCE_PREFIX = 'push:';

/** The Pushgateway's synthetic per-group gauges (storage/diskmetricstore.go). */
export const PUSH_TIME_METRIC = 'push_time_seconds';
export const PUSH_FAILURE_TIME_METRIC = 'push_failure_time_seconds';
const PUSH_TIME_META: MetricMetadata = { type: 'gauge', help: 'Last Unix time when changing this group in the Pushgateway succeeded.' };
const PUSH_FAILURE_TIME_META: MetricMetadata = { type: 'gauge', help: 'Last Unix time when changing this group in the Pushgateway failed.' };

/** Limits of the push receiver (config `push.limits`). */
export interface PushLimits {
  /** Most groups held at once; a push creating one more gets 429. */
  readonly maxGroups: number;
  /** Most series one push may bring (the two synthetic gauges not counted); more gets 429. */
  readonly maxSeriesPerGroup: number;
  /** Most series all groups together may hold; a push that would exceed it gets 429. */
  readonly maxSeriesTotal: number;
}

/** What the receiver tells about refused pushes and groups; the self-metrics implement it. */
export interface PushObserver {
  rejected(reason: string): void;
  groups(count: number, series: number): void;
  /**
   * Groups removed other than by DELETE or wipe: `ttl` (expired), `job_finished` (job lifecycle), `replaced` (a
   * push of the same process under a new random job suffix took its place, see `groupByBodyLabels`).
   */
  removed(cause: 'ttl' | 'job_finished' | 'replaced', n: number): void;
}

export interface PushReceiverOptions {
  readonly store: SeriesStore;
  /** A group is removed this long after its last successful push (ms; Infinity = never, the Pushgateway's way). */
  readonly groupTtlMs: number;
  readonly limits: PushLimits;
  /**
   * `push.group_by_body_labels` (default none: Pushgateway semantics): body labels that identify the pushing
   * process, e.g. Flink's `host` and `tm_id`. A push whose `job` ends in Flink's random suffix (32 hex digits,
   * `randomJobNameSuffix: true`) and whose body carries one value of some of these labels replaces the group of
   * an earlier push of the same process (same job prefix, other path labels and values) instead of adding a group.
   */
  readonly groupByBodyLabels?: readonly string[];
  /** Family names pushes may not use (the sidecar's own series), e.g. `flink_bridge_*`. */
  readonly isReservedFamily?: (name: string) => boolean;
  /** Called after each commit with the source and the commit's sample time (the app runs the windows stage). */
  readonly onCommit?: (source: string, timestampMs: number) => void;
  readonly observer?: PushObserver;
  /** Clock, Unix ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * One family as a group holds it: its metadata, the time of the push that brought it, and its series as the store
 * holds them (their labels and last pushed value are the store's: no copy per series here, 8 B per series).
 */
interface GroupFamily {
  readonly metadata: MetricMetadata;
  readonly pushedAtMs: number;
  series: StoredSeries[];
}

/** A family staged by a push: its series still as the push's label sets, resolved to stored series after the commit. */
interface StagedFamily {
  readonly metadata: MetricMetadata;
  readonly pushedAtMs: number;
  readonly labels: readonly LabelSet[];
}

interface Group {
  readonly key: GroupingKey;
  readonly source: string;
  readonly families: Map<string, GroupFamily>;
  seriesCount: number;
  /** Unix ms of the last successful push (0 = never). */
  lastPushMs: number;
  /** Unix ms of the last failed push (0 = never). */
  lastFailureMs: number;
  /** Process identity of its last push (see `groupByBodyLabels`), if any. */
  process: string | undefined;
  /** Unix ms after which the group expires (last successful push + TTL; for a group that never succeeded: its creation + TTL). */
  expiresAtMs: number;
}

/** Flink's `randomJobNameSuffix`: an `AbstractID` (16 random bytes as lowercase hex) appended to `jobName`. */
const RANDOM_SUFFIX_LENGTH = 32;
const RANDOM_JOB_SUFFIX = /[0-9a-f]{32}$/;

/** A group as `GET /api/v1/metrics` shows it. */
export interface GroupView {
  readonly labels: Readonly<Record<string, string>>;
  readonly lastPushMs: number;
  readonly lastFailureMs: number;
  readonly families: readonly {
    readonly name: string;
    readonly metadata: MetricMetadata;
    readonly pushedAtMs: number;
    readonly series: readonly { readonly labels: LabelSet; readonly value: number }[];
  }[];
}

/**
 * The Pushgateway-compatible receiver: push groups (one per grouping key) stored as `pinned` sources of the one
 * series store. Semantics of Pushgateway 1.5.1 (`storage/diskmetricstore.go` `processWriteRequest`,
 * `checkWriteRequest`, `sanitizeLabels`, `setPushFailedTimestamp`):
 * - `PUT` replaces the group's families, `POST` only the families it brings (an empty body only bumps
 *   `push_time_seconds`), `DELETE` removes the group. Replaced series end with a staleness marker.
 * - Each series gets the grouping labels (overriding the body's) and `instance` (empty when absent: the store, like
 *   Prometheus, treats an empty value as no label, see README).
 * - Per group `push_time_seconds` (last success, Unix s) and `push_failure_time_seconds` (last failure, 0 = never).
 *   A push refused after parsing sets `push_failure_time_seconds`, creating the group if needed.
 * - Refused: samples with timestamps, the same series twice, a type different from another group's (or a
 *   source's) declaration of the family, the sidecar's own family names, label sets owned by another source.
 *
 * Better than the Pushgateway: the check is O(size of the push) — metadata conflicts through the store's
 * per-source metadata, duplicates through one set per push — not a gather of everything; a push is one appender
 * transaction (all or nothing); groups expire `groupTtlMs` after their last successful push (their series end with
 * staleness markers); limits on groups and series answer 429; with `groupByBodyLabels`, a restarted Flink
 * reporter's push under a new random job suffix replaces its process's previous group in the same step.
 */
export class PushReceiver {
  private readonly groups = new Map<string, Group>();
  private totalSeries = 0;
  /** Last sample time handed out: pushes within one millisecond still get increasing timestamps. */
  private lastT = 0;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Sweep interval asked of `start` (undefined: derived from the TTL), kept for a restart by `configure`. */
  private timerIntervalMs: number | undefined;
  /** `push.group_ttl` and `push.limits` as last configured (construction or {@link configure}). */
  private ttlMs: number;
  private limits: PushLimits;
  private bodyLabels: readonly string[];
  /** Process identity → id of the group its last push went to (only with `groupByBodyLabels`). */
  private readonly processes = new Map<string, string>();
  /**
   * Family names and HELP texts as every group holds them: one copy each, not a slice of each push body (which
   * would keep the whole body alive, bench/README.md "Push API").
   */
  private readonly texts = new StringInterner(65_536);

  constructor(private readonly opts: PushReceiverOptions) {
    this.now = opts.now ?? Date.now;
    this.ttlMs = opts.groupTtlMs;
    this.limits = opts.limits;
    this.bodyLabels = opts.groupByBodyLabels ?? [];
  }

  /**
   * Applies a reloaded `push.group_ttl` and `push.limits` to the running receiver. Groups stay: each expires the
   * new TTL after its last successful push (so a shorter TTL removes, at the next sweep, the groups already older
   * than it); lower limits refuse later pushes and remove nothing.
   */
  configure(settings: { readonly groupTtlMs: number; readonly limits: PushLimits; readonly groupByBodyLabels?: readonly string[] }): void {
    const delta = settings.groupTtlMs - this.ttlMs;
    this.ttlMs = settings.groupTtlMs;
    this.limits = settings.limits;
    // Identities under the old label list match no later push; each group forgets its own at its next push or drop.
    this.bodyLabels = settings.groupByBodyLabels ?? [];
    if (delta !== 0) {
      for (const g of this.groups.values()) {
        g.expiresAtMs += delta;
        this.opts.store.createSource(g.source, this.sourcePolicy());
      }
      if (this.timer !== undefined) {
        // The default sweep interval follows the TTL.
        this.stop();
        this.start(this.timerIntervalMs);
      }
    }
  }

  /**
   * Applies a `PUT` (`replace`) or `POST` push of parsed families to the group `key`.
   * @throws PushRejectedError (400 invalid or inconsistent, 429 a limit); nothing of the push is stored then.
   */
  push(key: GroupingKey, families: readonly ParsedFamily[], replace: boolean): void {
    const t = this.tick();
    this.sweep(t);
    let group = this.groups.get(key.id);
    const process = this.processOf(key, families);
    const previousId = process !== undefined ? this.processes.get(process) : undefined;
    // The group of the same process under its previous random job suffix: dropped once this push is committed.
    const replaced = previousId !== undefined && previousId !== key.id ? this.groups.get(previousId) : undefined;
    try {
      this.checkTimestamps(families);
      if (group === undefined && replaced === undefined && this.groups.size >= this.limits.maxGroups) {
        throw new PushRejectedError(429, 'group_limit', `push group limit reached: push.limits.max_groups = ${this.limits.maxGroups} groups are held`);
      }
    } catch (e) {
      if (e instanceof PushRejectedError && e.reason === 'timestamp') this.recordFailure(key, t);
      throw this.count(e);
    }
    if (group === undefined) group = this.newGroup(key, t);
    const app = this.opts.store.appender(group.source);
    try {
      const next = this.stage(app, group, families, replace, t, replaced?.seriesCount ?? 0);
      app.commit();
      this.apply(group, next, t);
      if (replaced !== undefined) {
        this.drop(replaced, t);
        this.opts.observer?.removed('replaced', 1);
      }
      this.bindProcess(group, process);
    } catch (e) {
      app.rollback();
      const rejected = this.translate(e);
      if (group.lastPushMs === 0 && group.lastFailureMs === 0) {
        // A group this push would have created: nothing of it stays (a 400 re-creates it to show the failure).
        this.groups.delete(key.id);
        this.opts.store.dropSource(group.source, t);
      }
      if (rejected.status === 400) this.recordFailure(key, t);
      throw this.count(rejected);
    }
    this.opts.onCommit?.(group.source, t);
    this.report();
  }

  /** `DELETE`: removes the group; its series end with staleness markers. Unknown groups are a no-op (202). */
  delete(key: GroupingKey): void {
    const t = this.tick();
    const group = this.groups.get(key.id);
    if (group === undefined) return;
    this.drop(group, t);
    this.report();
  }

  /** `PUT /api/v1/admin/wipe`: removes every group. */
  wipe(): void {
    const t = this.tick();
    for (const g of [...this.groups.values()]) this.drop(g, t);
    this.report();
  }

  /** Removes the groups whose TTL has passed (their series end with staleness markers). Returns how many. */
  sweep(nowMs: number = this.now()): number {
    let n = 0;
    for (const g of [...this.groups.values()]) {
      if (g.expiresAtMs <= nowMs) {
        this.drop(g, Math.max(nowMs, this.lastT + 1));
        n++;
      }
    }
    if (n > 0) {
      this.opts.observer?.removed('ttl', n);
      this.report();
    }
    return n;
  }

  /** Sweeps expired groups every `intervalMs` (default: a tenth of the TTL, at most 1 s) on an unref'd timer. */
  start(intervalMs?: number): void {
    if (this.timer !== undefined) return;
    this.timerIntervalMs = intervalMs;
    this.timer = setInterval(() => this.sweep(), intervalMs ?? Math.min(1000, Math.max(10, this.ttlMs / 10)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Job lifecycle at series granularity (issue 6 §2): removes every pushed series whose `job_id` `isFinished`
   * says is over. A group left with no series, or whose series all named finished jobs, is removed whole (like
   * DELETE); a group that also holds other series (a TaskManager's process metrics, series of running jobs) keeps
   * them and its `push_time_seconds` — only the finished jobs' series end, with staleness markers. O(series held).
   * @returns how many groups were removed whole and how many series were ended in groups that stay.
   */
  removeJobSeries(isFinished: (jobId: string) => boolean): { readonly groups: number; readonly series: number } {
    const t = this.tick();
    let groups = 0;
    let series = 0;
    const isEnded = (s: StoredSeries): boolean => {
      const id = s.labels.get('job_id');
      return id !== undefined && isFinished(id);
    };
    for (const g of [...this.groups.values()]) {
      let ended = 0;
      for (const f of g.families.values()) for (const s of f.series) if (isEnded(s)) ended++;
      if (ended === 0) continue;
      if (ended === g.seriesCount) {
        this.drop(g, t);
        groups++;
        continue;
      }
      const app = this.opts.store.appender(g.source);
      for (const f of g.families.values()) for (const s of f.series) if (isEnded(s)) app.appendStale(s.id, t);
      app.commit();
      for (const [name, f] of g.families) {
        f.series = f.series.filter((s) => !isEnded(s));
        if (f.series.length === 0) g.families.delete(name);
      }
      g.seriesCount -= ended;
      this.totalSeries -= ended;
      series += ended;
    }
    if (groups > 0) this.opts.observer?.removed('job_finished', groups);
    if (groups > 0 || series > 0) this.report();
    return { groups, series };
  }

  /** The groups for the JSON view, in grouping-key order. */
  view(): GroupView[] {
    this.sweep();
    return [...this.groups.values()]
      .sort((a, b) => (a.key.id < b.key.id ? -1 : a.key.id > b.key.id ? 1 : 0))
      .map((g) => ({
        labels: Object.fromEntries(g.key.labels),
        lastPushMs: g.lastPushMs,
        lastFailureMs: g.lastFailureMs,
        families: [...g.families].map(([name, f]) => ({
          name,
          metadata: f.metadata,
          pushedAtMs: f.pushedAtMs,
          series: f.series.map((s) => ({ labels: s.labels, value: s.lastValue })),
        })),
      }));
  }

  get groupCount(): number {
    return this.groups.size;
  }

  get seriesCount(): number {
    return this.totalSeries;
  }

  // ------------------------------------------------------------------------------------------------------------

  private tick(): number {
    this.lastT = Math.max(this.now(), this.lastT + 1);
    return this.lastT;
  }

  private newGroup(key: GroupingKey, t: number): Group {
    const source = PUSH_SOURCE_PREFIX + key.id;
    // The receiver sweeps expired groups itself (with staleness markers at the expiry); the store's TTL is a
    // backstop a little later, in case the receiver is not asked for a while.
    this.opts.store.createSource(source, this.sourcePolicy());
    const group: Group = { key, source, families: new Map(), seriesCount: 0, lastPushMs: 0, lastFailureMs: 0, process: undefined, expiresAtMs: t + this.ttlMs };
    this.groups.set(key.id, group);
    return group;
  }

  /**
   * The pushing process's identity (`groupByBodyLabels`), or undefined for Pushgateway semantics: only when the
   * `job` ends in Flink's random suffix (`AbstractID`, 32 lowercase hex digits, appended to the reporter's
   * `jobName` without a separator) and the body carries, for at least one listed label that is not a path label,
   * a single non-empty value (a body with two values of a listed label is not one process's). O(size of the push).
   */
  private processOf(key: GroupingKey, families: readonly ParsedFamily[]): string | undefined {
    if (this.bodyLabels.length === 0) return undefined;
    const job = key.labels[0]?.[1];
    if (job === undefined || !RANDOM_JOB_SUFFIX.test(job)) return undefined;
    const inPath = new Set(key.labels.map(([n]) => n));
    const found: [string, string][] = [];
    for (const name of this.bodyLabels) {
      if (inPath.has(name)) continue;
      let value: string | undefined;
      for (const f of families) {
        for (const s of f.samples) {
          const v = s.labels[name];
          if (v === undefined || v === '') continue;
          if (value === undefined) value = v;
          else if (v !== value) return undefined;
        }
      }
      if (value !== undefined) found.push([name, value]);
    }
    if (found.length === 0) return undefined;
    const pathLabels = [...key.labels.slice(1)].sort(([a], [b]) => (a < b ? -1 : 1));
    return JSON.stringify([job.slice(0, -RANDOM_SUFFIX_LENGTH), pathLabels, found]);
  }

  private bindProcess(group: Group, process: string | undefined): void {
    if (group.process === process) return;
    if (group.process !== undefined && this.processes.get(group.process) === group.key.id) this.processes.delete(group.process);
    group.process = process;
    if (process !== undefined) this.processes.set(process, group.key.id);
  }

  private sourcePolicy(): SourcePolicy {
    return { kind: 'pinned', ttlMs: this.ttlMs + 1000 };
  }

  private checkTimestamps(families: readonly ParsedFamily[]): void {
    for (const f of families) {
      for (const s of f.samples) {
        if (s.timestampMs !== undefined) {
          throw new PushRejectedError(
            400,
            'timestamp',
            `pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps (sample ${JSON.stringify(s.name)})`,
          );
        }
      }
    }
  }

  /**
   * Writes the push into `app` (not committed) and returns the group's families after it: the pushed ones staged
   * as label sets, the ones a POST keeps as they are. O(size of the push + series of the replaced families).
   */
  private stage(
    app: Appender,
    group: Group,
    families: readonly ParsedFamily[],
    replace: boolean,
    t: number,
    /** Series of a group this push replaces (same process, new random job suffix): not counted against the total. */
    freed: number,
  ): Map<string, GroupFamily | StagedFamily> {
    const grouping = group.key.labels;
    const next = new Map<string, GroupFamily | StagedFamily>(replace ? [] : group.families);
    /** Refs of the series this push brings: the group's other series of the families it replaces end. */
    const pushedRefs = new Set<number>();
    let pushedSeries = 0;
    for (const pushed of families) {
      const f = completeClassicFamily(pushed);
      if (f.name === PUSH_TIME_METRIC || f.name === PUSH_FAILURE_TIME_METRIC) continue; // the Pushgateway replaces them silently
      if (this.opts.isReservedFamily?.(f.name) === true) {
        throw new PushRejectedError(400, 'reserved', `pushed metrics are invalid or inconsistent with existing metrics: metric family ${JSON.stringify(f.name)} is one of the sidecar's own`);
      }
      const metadata: MetricMetadata = { type: f.type, help: this.texts.intern(f.help ?? '') };
      app.setMetadata(f.name, metadata);
      const labelsList: LabelSet[] = [];
      for (const s of f.samples) {
        const record: Record<string, string> = { ...s.labels };
        for (const [n, v] of grouping) record[n] = v;
        if (record.instance === undefined) record.instance = '';
        record[METRIC_NAME_LABEL] = s.name;
        const labels = LabelSet.from(record);
        pushedRefs.add(this.appendOnce(app, labels, t, s.value));
        pushedSeries++;
        if (pushedSeries > this.limits.maxSeriesPerGroup) {
          throw new PushRejectedError(429, 'series_limit', `push brings more than push.limits.max_series_per_group = ${this.limits.maxSeriesPerGroup} series`);
        }
        labelsList.push(labels);
      }
      // A later family of the same name in one body (protobuf) overwrites an earlier one, as in the Pushgateway.
      next.set(this.texts.intern(f.name), { metadata, pushedAtMs: t, labels: labelsList });
    }
    let nextCount = 0;
    for (const f of next.values()) nextCount += 'labels' in f ? f.labels.length : f.series.length;
    if (this.totalSeries - group.seriesCount - freed + nextCount > this.limits.maxSeriesTotal) {
      throw new PushRejectedError(429, 'series_limit', `push groups would hold more than push.limits.max_series_total = ${this.limits.maxSeriesTotal} series`);
    }
    // Series of the group that the push replaces and does not bring again end now.
    for (const [name, old] of group.families) {
      if (next.get(name) === old) continue;
      for (const s of old.series) if (!pushedRefs.has(s.id)) app.appendStale(s.id, t);
    }
    app.setMetadata(PUSH_TIME_METRIC, PUSH_TIME_META);
    app.setMetadata(PUSH_FAILURE_TIME_METRIC, PUSH_FAILURE_TIME_META);
    app.append(this.syntheticLabels(PUSH_TIME_METRIC, grouping), t, t / 1000);
    app.append(this.syntheticLabels(PUSH_FAILURE_TIME_METRIC, grouping), t, group.lastFailureMs / 1000);
    return next;
  }

  /**
   * Appends one pushed sample and returns its series ref. Every sample of a push has the push's time, newer than
   * anything the group stored before, so the appender's out-of-order refusal here can only mean the label set came
   * twice in this push: the Pushgateway's "collected before" error.
   */
  private appendOnce(app: Appender, labels: LabelSet, t: number, value: number): number {
    try {
      return app.append(labels, t, value);
    } catch (e) {
      if (!(e instanceof OutOfOrderSampleError)) throw e;
      throw new PushRejectedError(
        400,
        'duplicate',
        `pushed metrics are invalid or inconsistent with existing metrics: collected metric ${labels.toString()} was collected before with the same name and label values`,
      );
    }
  }

  /** Makes the committed push the group's state: staged families resolved to the store's series. */
  private apply(group: Group, next: Map<string, GroupFamily | StagedFamily>, t: number): void {
    group.families.clear();
    let count = 0;
    for (const [name, f] of next) {
      const held = 'labels' in f ? { metadata: f.metadata, pushedAtMs: f.pushedAtMs, series: this.resolve(f.labels) } : f;
      group.families.set(name, held);
      count += held.series.length;
    }
    this.totalSeries += count - group.seriesCount;
    group.seriesCount = count;
    group.lastPushMs = t;
    group.expiresAtMs = t + this.ttlMs;
  }

  /** The stored series of committed label sets (all present: the commit created or found each). */
  private resolve(labels: readonly LabelSet[]): StoredSeries[] {
    const out: StoredSeries[] = [];
    for (const l of labels) {
      const s = this.opts.store.get(l);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** `setPushFailedTimestamp`: the group (created if needed) shows the failure; nothing else changes. */
  private recordFailure(key: GroupingKey, t: number): void {
    const group = this.groups.get(key.id) ?? (this.groups.size < this.limits.maxGroups ? this.newGroup(key, t) : undefined);
    if (group === undefined) return;
    group.lastFailureMs = t;
    const app = this.opts.store.appender(group.source);
    try {
      app.setMetadata(PUSH_TIME_METRIC, PUSH_TIME_META);
      app.setMetadata(PUSH_FAILURE_TIME_METRIC, PUSH_FAILURE_TIME_META);
      app.append(this.syntheticLabels(PUSH_TIME_METRIC, key.labels), t, group.lastPushMs / 1000);
      app.append(this.syntheticLabels(PUSH_FAILURE_TIME_METRIC, key.labels), t, t / 1000);
      app.commit();
    } catch {
      // Only the failure gauges: if even they cannot be written (e.g. the store is full), the 400 still tells.
      app.rollback();
    }
  }

  private syntheticLabels(name: string, grouping: GroupingKey['labels']): LabelSet {
    const record: Record<string, string> = { [METRIC_NAME_LABEL]: name };
    for (const [n, v] of grouping) record[n] = v;
    return LabelSet.from(record);
  }

  private drop(group: Group, t: number): void {
    this.bindProcess(group, undefined);
    this.opts.store.dropSource(group.source, t);
    this.groups.delete(group.key.id);
    this.totalSeries -= group.seriesCount;
  }

  private translate(e: unknown): PushRejectedError {
    if (e instanceof PushRejectedError) return e;
    const prefix = 'pushed metrics are invalid or inconsistent with existing metrics: ';
    if (e instanceof MetadataConflictError) return new PushRejectedError(400, 'conflict', prefix + e.message, { cause: e });
    if (e instanceof SeriesConflictError) return new PushRejectedError(400, 'conflict', prefix + e.message, { cause: e });
    if (e instanceof SeriesLimitError) return new PushRejectedError(429, 'series_limit', e.message, { cause: e });
    if (e instanceof Error && 'code' in e) return new PushRejectedError(400, 'invalid', prefix + e.message, { cause: e });
    throw e;
  }

  private count(e: unknown): unknown {
    if (e instanceof PushRejectedError) this.opts.observer?.rejected(e.reason);
    return e;
  }

  private report(): void {
    this.opts.observer?.groups(this.groups.size, this.totalSeries);
  }
}
