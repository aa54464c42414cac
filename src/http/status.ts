import type { SeriesStore, StoredSeries } from '../store/types.js';

/** What the landing page shows about the Flink cluster. */
export interface ClusterStatus {
  readonly flinkUp: boolean;
  readonly version?: string;
  /** Jobs Flink lists (sum of `flink_cluster_jobs` over states). */
  readonly jobs: number;
}

/**
 * Reads the cluster facts of the landing page from the store — `flink_up`, `flink_build_info{version}`,
 * `flink_cluster_jobs` — not from the poller's private state (DESIGN.md §1: nothing reads a source directly), so
 * the page shows exactly what `/metrics` and PromQL show. Only live (non-stale) series count.
 */
export function readClusterStatus(store: SeriesStore): ClusterStatus {
  const up = live(store.family('flink_up'))[0];
  const info = live(store.family('flink_build_info'))[0];
  let jobs = 0;
  for (const s of live(store.family('flink_cluster_jobs'))) jobs += s.lastValue;
  const version = info?.labels.get('version');
  return { flinkUp: up !== undefined && up.lastValue === 1, jobs, ...(version ? { version } : {}) };
}

function live(series: Iterable<StoredSeries>): StoredSeries[] {
  const out: StoredSeries[] = [];
  for (const s of series) if (!s.isStale) out.push(s);
  return out;
}
