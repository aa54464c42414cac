import { parseDuration } from '../../config/duration.js';
import type { SeriesStore, StoredSeries } from '../../store/types.js';
import { depths, likelyBottleneck } from './bottleneck.js';

/**
 * What the status page shows (`GET /api/v1/status/flink`), read from the store — the families `/metrics` and PromQL
 * show, never a source's private state (DESIGN.md §1) — so the numbers on the page equal the sidecar's `/metrics`.
 * Only live (non-stale) series count. Times are Unix seconds, durations seconds, ratios 0..1; a value the store
 * does not have is absent (`null` in JSON), never 0.
 */
export interface PageData {
  readonly now: number;
  readonly restUrl: string;
  readonly cluster: {
    readonly flinkUp: boolean;
    readonly version: string | null;
    readonly taskManagers: number | null;
    readonly slotsTotal: number | null;
    readonly slotsAvailable: number | null;
  };
  readonly poller: {
    readonly lastSuccess: number | null;
    readonly requestsPerCycle: number | null;
    /** Non-200 answers by endpoint since start (flink_bridge_rest_requests_total{code!="200"}). */
    readonly errorsByEndpoint: Readonly<Record<string, number>>;
    readonly requestsByEndpoint: Readonly<Record<string, number>>;
  };
  readonly pushGroups: readonly { readonly labels: Readonly<Record<string, string>>; readonly lastPush: number; readonly ttlLeft: number | null }[];
  readonly remoteWrite: readonly { readonly name: string; readonly url: string; readonly pending: number | null; readonly lag: number | null }[];
  readonly jobs: readonly PageJob[];
}

export interface PageJob {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly uptime: number | null;
  readonly restarts: number | null;
  readonly checkpointAge: number | null;
  /** The smallest window the sidecar computes (e.g. "1m"), used for the rates below and the sparkline. */
  readonly window: string | null;
  readonly sourceRecordsPerSecond: number | null;
  readonly vertices: readonly PageVertex[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly bottleneck: string | null;
}

export interface PageVertex {
  readonly id: string;
  readonly name: string;
  readonly depth: number;
  readonly source: boolean;
  readonly sink: boolean;
  readonly parallelism: number | null;
  readonly busy: number | null;
  readonly backPressured: number | null;
  readonly recordsInPerSecond: number | null;
  readonly recordsOutPerSecond: number | null;
  readonly watermarkLag: number | null;
}

/** Live series of `family` with `labels`, through the store's postings (not a scan of the family per vertex). */
function live(store: SeriesStore, family: string, labels: Readonly<Record<string, string>> = {}): StoredSeries[] {
  const matchers = [{ name: '__name__', op: '=' as const, value: family }, ...Object.entries(labels).map(([name, value]) => ({ name, op: '=' as const, value }))];
  return store.select(matchers).filter((s) => !s.isStale);
}

/** The value of the first live series of `family` with `labels`, or null. */
function valueOf(store: SeriesStore, family: string, labels: Readonly<Record<string, string>> = {}): number | null {
  return live(store, family, labels)[0]?.lastValue ?? null;
}

/** The shortest of the window labels (the windows stage writes them as normalised durations: 1m, 5m, 1h). */
function smallestWindow(windows: Iterable<string>): string | null {
  let best: string | null = null;
  for (const w of windows) if (best === null || parseDuration(w) < parseDuration(best)) best = w;
  return best;
}

/**
 * Builds the page data at `nowMs`. `pushGroupTtlMs` is `push.group_ttl` (absent: no TTL shown).
 * Throws nothing of its own.
 */
export function readPageData(store: SeriesStore, nowMs: number, opts: { readonly restUrl: string; readonly pushGroupTtlMs?: number }): PageData {
  const now = nowMs / 1000;
  const errorsByEndpoint: Record<string, number> = {};
  const requestsByEndpoint: Record<string, number> = {};
  for (const s of live(store, 'flink_bridge_rest_requests_total')) {
    const endpoint = s.labels.get('endpoint') ?? '';
    requestsByEndpoint[endpoint] = (requestsByEndpoint[endpoint] ?? 0) + s.lastValue;
    if (s.labels.get('code') !== '200') errorsByEndpoint[endpoint] = (errorsByEndpoint[endpoint] ?? 0) + s.lastValue;
  }
  const pushGroups = live(store, 'push_time_seconds').map((s) => {
    const lastPush = s.lastValue;
    const ttlLeft = opts.pushGroupTtlMs === undefined ? null : Math.max(0, lastPush + opts.pushGroupTtlMs / 1000 - now);
    const { __name__: _name, ...labels } = s.labels.toRecord();
    return { labels, lastPush, ttlLeft };
  });
  const remoteWrite = live(store, 'flink_bridge_remote_storage_samples_pending').map((s) => {
    const name = s.labels.get('remote_name') ?? '';
    const sent = valueOf(store, 'flink_bridge_remote_storage_queue_highest_sent_timestamp_seconds', { remote_name: name });
    return { name, url: s.labels.get('url') ?? '', pending: s.lastValue, lag: sent === null || sent === 0 ? null : Math.max(0, now - sent) };
  });
  const jobs: PageJob[] = [];
  for (const s of live(store, 'flink_job_state')) {
    if (s.lastValue !== 1) continue;
    const id = s.labels.get('job_id') ?? '';
    const j = { job_id: id };
    const windows = new Set(live(store, 'flink_job_source_records_per_second', j).map((x) => x.labels.get('window') ?? ''));
    const window = smallestWindow(windows);
    const w = window === null ? undefined : { window };
    const info = live(store, 'flink_task_info', j);
    const edges = live(store, 'flink_task_input_info', j).map((x) => ({ from: x.labels.get('input_task_id') ?? '', to: x.labels.get('task_id') ?? '' }));
    const base = info.map((x) => {
      const v = { job_id: id, task_id: x.labels.get('task_id') ?? '' };
      return {
        id: v.task_id,
        name: x.labels.get('task_name') ?? '',
        source: x.labels.get('source') === 'true',
        sink: x.labels.get('sink') === 'true',
        parallelism: valueOf(store, 'flink_task_parallelism', v),
        busy: valueOf(store, 'flink_task_busy_max_ratio', v),
        backPressured: valueOf(store, 'flink_task_backpressured_max_ratio', v),
        recordsInPerSecond: w === undefined ? null : valueOf(store, 'flink_task_records_in_per_second', { ...v, ...w }),
        recordsOutPerSecond: w === undefined ? null : valueOf(store, 'flink_task_records_out_per_second', { ...v, ...w }),
        watermarkLag: valueOf(store, 'flink_task_watermark_lag_seconds', v),
      };
    });
    const graph = base.map((v) => ({ id: v.id, ...(v.busy !== null ? { busy: v.busy } : {}), ...(v.backPressured !== null ? { backPressured: v.backPressured } : {}) }));
    const depth = depths(graph, edges);
    const vertices = base.map((v) => ({ ...v, depth: depth.get(v.id) ?? 0 })).sort((a, b) => a.depth - b.depth || (a.name < b.name ? -1 : 1));
    const bottleneck = likelyBottleneck(graph, edges);
    jobs.push({
      id,
      name: s.labels.get('job_name') ?? '',
      state: s.labels.get('state') ?? '',
      uptime: valueOf(store, 'flink_job_uptime_seconds', j),
      restarts: valueOf(store, 'flink_job_restarts_total', j),
      checkpointAge: valueOf(store, 'flink_job_checkpoint_age_seconds', j),
      window,
      sourceRecordsPerSecond: w === undefined ? null : valueOf(store, 'flink_job_source_records_per_second', { ...j, ...w }),
      vertices,
      edges,
      bottleneck: bottleneck ?? null,
    });
  }
  jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    now,
    restUrl: opts.restUrl,
    cluster: {
      flinkUp: valueOf(store, 'flink_up') === 1,
      version: live(store, 'flink_build_info')[0]?.labels.get('version') ?? null,
      taskManagers: valueOf(store, 'flink_cluster_taskmanagers'),
      slotsTotal: valueOf(store, 'flink_cluster_slots', { state: 'total' }),
      slotsAvailable: valueOf(store, 'flink_cluster_slots', { state: 'available' }),
    },
    poller: {
      lastSuccess: valueOf(store, 'flink_bridge_last_poll_success_timestamp_seconds'),
      requestsPerCycle: valueOf(store, 'flink_bridge_poll_requests'),
      errorsByEndpoint,
      requestsByEndpoint,
    },
    pushGroups,
    remoteWrite,
    jobs,
  };
}
