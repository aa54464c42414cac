import { labelSet } from '../model/labels.js';
import { F } from '../sources/flink/families.js';
import type { SeriesStore, SnapshotSample, StoredSeries } from '../store/types.js';
import { coveredRate } from './covered-rate.js';
import type { WindowSpec } from './derive.js';

/**
 * Names of Flink's reporter series (PrometheusReporter / PrometheusPushGatewayReporter, reference/flink.md §3.1):
 * `flink_` + scope + `_` + metric name. Flink counters are exported as gauges, which is why the rates below read them
 * as counters whatever their declared type.
 */
export const REPORTER = {
  recordsIn: 'flink_taskmanager_job_task_operator_numRecordsIn',
  recordsOut: 'flink_taskmanager_job_task_operator_numRecordsOut',
  lateRecordsDropped: 'flink_taskmanager_job_task_operator_numLateRecordsDropped',
  recordsInErrors: 'flink_taskmanager_job_task_operator_numRecordsInErrors',
  recordsOutErrors: 'flink_taskmanager_job_task_operator_numRecordsOutErrors',
  /**
   * Latency histograms (summaries in ms): `flink_taskmanager_job_latency_<granularity scope>_latency` (1.x), under
   * the task scope in 2.x (`flink_taskmanager_job_task_latency_source_id_operator_id_operator_subtask_index_latency`,
   * seen from Flink 2.3.0).
   */
  latency: /^flink_taskmanager_job_(?:task_)?latency_[a-zA-Z0-9_]*_latency$/,
} as const;

/**
 * The derived families that come from pushed reporter data (issue 6 §3), at `evalTimeMs`, for every window:
 * - `flink_operator_records_{in,out}_per_second{window}`: per operator, the sum over its subtasks of the windowed
 *   rate ({@link coveredRate}) of each subtask's `numRecordsIn`/`numRecordsOut` — a sum of rates, never the rate of a
 *   sum, so one subtask's restart does not read as a reset of the whole operator;
 * - `flink_task_late_records_dropped_total` and `_per_second{window}`: per vertex, sums over subtasks and operators of
 *   the last value / the windowed rate of `numLateRecordsDropped`;
 * - `flink_task_records_{in,out}_errors_total`: per vertex, sums of `numRecordsInErrors`/`numRecordsOutErrors`;
 * - `flink_job_latency_seconds{quantile}`: per job and quantile, the largest latency-marker quantile over the job's
 *   latency histograms (ms → s).
 * Vertex-level throughput (`flink_task_records_*`) stays the REST poller's: it is aggregated and always there, while
 * the reporter's is per subtask and only there when a reporter is configured (README "Push API").
 * Only live (non-stale) series count. Reads the store only; returns the samples to append.
 */
export function derivePushed(store: SeriesStore, evalTimeMs: number, windows: readonly WindowSpec[]): SnapshotSample[] {
  const out: SnapshotSample[] = [];
  const live = (name: string): StoredSeries[] => [...store.family(name)].filter((s) => !s.isStale && s.labels.get('job_id') !== undefined);

  for (const [from, to] of [
    [REPORTER.recordsIn, F.operatorRecordsInRate],
    [REPORTER.recordsOut, F.operatorRecordsOutRate],
  ] as const) {
    const sums = new Map<string, { labels: Record<string, string>; byWindow: Map<string, number> }>();
    for (const s of live(from)) {
      const key = groupKey(s, ['job_id', 'task_id', 'operator_id']);
      for (const w of windows) {
        const r = coveredRate(s, evalTimeMs, w.ms);
        if (r === undefined) continue;
        const acc = sums.get(key) ?? { labels: pick(s, ['job_id', 'job_name', 'task_id', 'task_name', 'operator_id', 'operator_name']), byWindow: new Map() };
        sums.set(key, acc);
        acc.byWindow.set(w.name, (acc.byWindow.get(w.name) ?? 0) + r);
      }
    }
    for (const { labels, byWindow } of sums.values()) {
      for (const [window, v] of byWindow) out.push({ labels: labelSet(to.name, { ...labels, window }), value: v });
    }
  }

  const vertexSum = (from: string, to: string): void => {
    const sums = new Map<string, { labels: Record<string, string>; v: number }>();
    for (const s of live(from)) {
      if (Number.isNaN(s.lastValue)) continue;
      const key = groupKey(s, ['job_id', 'task_id']);
      const acc = sums.get(key) ?? { labels: pick(s, ['job_id', 'job_name', 'task_id', 'task_name']), v: 0 };
      sums.set(key, acc);
      acc.v += s.lastValue;
    }
    for (const { labels, v } of sums.values()) out.push({ labels: labelSet(to, labels), value: v });
  };
  vertexSum(REPORTER.lateRecordsDropped, F.taskLateRecordsDropped.name);
  vertexSum(REPORTER.recordsInErrors, F.taskRecordsInErrors.name);
  vertexSum(REPORTER.recordsOutErrors, F.taskRecordsOutErrors.name);

  const lateRates = new Map<string, { labels: Record<string, string>; byWindow: Map<string, number> }>();
  for (const s of live(REPORTER.lateRecordsDropped)) {
    const key = groupKey(s, ['job_id', 'task_id']);
    for (const w of windows) {
      const r = coveredRate(s, evalTimeMs, w.ms);
      if (r === undefined) continue;
      const acc = lateRates.get(key) ?? { labels: pick(s, ['job_id', 'job_name', 'task_id', 'task_name']), byWindow: new Map() };
      lateRates.set(key, acc);
      acc.byWindow.set(w.name, (acc.byWindow.get(w.name) ?? 0) + r);
    }
  }
  for (const { labels, byWindow } of lateRates.values()) {
    for (const [window, v] of byWindow) out.push({ labels: labelSet(F.taskLateRecordsDroppedRate.name, { ...labels, window }), value: v });
  }

  const latency = new Map<string, { labels: Record<string, string>; v: number }>();
  for (const name of store.familyNames()) {
    if (!REPORTER.latency.test(name)) continue;
    for (const s of live(name)) {
      const q = s.labels.get('quantile');
      if (q === undefined || Number.isNaN(s.lastValue)) continue;
      const key = `${s.labels.get('job_id') ?? ''}\u0000${q}`;
      const acc = latency.get(key) ?? { labels: { ...pick(s, ['job_id', 'job_name']), quantile: q }, v: -Infinity };
      latency.set(key, acc);
      acc.v = Math.max(acc.v, s.lastValue / 1000);
    }
  }
  for (const { labels, v } of latency.values()) out.push({ labels: labelSet(F.jobLatency.name, labels), value: v });
  return out;
}

function groupKey(s: StoredSeries, names: readonly string[]): string {
  return names.map((n) => s.labels.get(n) ?? '').join('\u0000');
}

function pick(s: StoredSeries, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = s.labels.get(n) ?? '';
  return out;
}
