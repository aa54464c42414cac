import { labelSet } from '../model/labels.js';
import { F, type FamilySpec } from '../sources/flink/families.js';
import type { SeriesStore, SnapshotSample, StoredSeries } from '../store/types.js';
import { coveredRate } from './covered-rate.js';
import { derivePushed } from './pushed.js';

/** A configured window: its label value (`1m`) and length in ms. */
export interface WindowSpec {
  readonly name: string;
  readonly ms: number;
}

/** Counter family → windowed family, with an optional per-series divisor (parallelism for time ratios). */
const RATE_RULES: readonly { from: FamilySpec; to: FamilySpec; perSubtask: boolean }[] = [
  { from: F.taskRecordsIn, to: F.taskRecordsInRate, perSubtask: false },
  { from: F.taskRecordsOut, to: F.taskRecordsOutRate, perSubtask: false },
  { from: F.taskBusyTime, to: F.taskBusyRatio, perSubtask: true },
  { from: F.taskBackpressuredTime, to: F.taskBackpressuredRatio, perSubtask: true },
  { from: F.taskIdleTime, to: F.taskIdleRatio, perSubtask: true },
];

/**
 * Computes the derived series of the `derived` source at `evalTimeMs` from the store, for every window. "Windowed
 * rate" below is {@link coveredRate}: the per-second increase over the part of the window the samples cover, which
 * is PromQL `rate(counter[window])` (Prometheus 3.x, bit for bit) once the samples cover the whole window, and does
 * not read low for a series younger than the window or restarted inside it.
 * - `flink_task_records_{in,out}_per_second{window}` = the windowed rate of `flink_task_records_{in,out}_total`;
 * - `flink_task_{busy,backpressured,idle}_ratio{window}` = the windowed rate of `flink_task_…_seconds_total` /
 *   parallelism (the REST counters are sums over subtasks, so this is the average over subtasks), capped at 1:
 *   samples are stamped with the poll time while Flink measured them at its last MetricFetcher refresh, and that
 *   jitter can push the quotient a fraction of a percent above 1;
 * - `flink_job_source_records_per_second{window}` / `flink_job_sink_records_per_second{window}` = the sum of the
 *   vertex rates over the job's source / sink vertices (`flink_task_info{source="true"}` / `{sink="true"}`).
 * Counter resets are handled like Prometheus, staleness markers split a series' life, and a series with no live
 * stretch of two samples in the window yields no output. Counters of every source are read (the `derived` source
 * itself has none). Pure with respect to the store (reads only); returns the snapshot to append.
 */
export function deriveWindowed(store: SeriesStore, evalTimeMs: number, windows: readonly WindowSpec[]): SnapshotSample[] {
  const out: SnapshotSample[] = [];
  const live = (s: StoredSeries): boolean => !s.isStale;
  const parallelism = new Map<string, number>();
  for (const s of store.family(F.taskParallelism.name)) if (live(s)) parallelism.set(vertexKey(s), s.lastValue);
  const roles = new Map<string, { source: boolean; sink: boolean }>();
  for (const s of store.family(F.taskInfo.name)) {
    if (live(s)) roles.set(vertexKey(s), { source: s.labels.get('source') === 'true', sink: s.labels.get('sink') === 'true' });
  }

  // job key → window → summed rate
  const jobSource = new Map<string, Map<string, number>>();
  const jobSink = new Map<string, Map<string, number>>();
  const jobLabels = new Map<string, { job_id: string; job_name: string }>();
  const addTo = (acc: Map<string, Map<string, number>>, job: string, window: string, v: number): void => {
    let m = acc.get(job);
    if (!m) acc.set(job, (m = new Map()));
    m.set(window, (m.get(window) ?? 0) + v);
  };

  for (const rule of RATE_RULES) {
    for (const s of store.family(rule.from.name)) {
      if (!live(s)) continue; // a vertex that left RUNNING has no derived series either
      const key = vertexKey(s);
      const divisor = rule.perSubtask ? parallelism.get(key) : 1;
      if (divisor === undefined || divisor <= 0) continue;
      const base = s.labels.toRecord();
      for (const w of windows) {
        const r = coveredRate(s, evalTimeMs, w.ms);
        if (r === undefined) continue;
        // A fraction of wall-clock time cannot exceed 1. It does by a fraction of a percent when Flink's metric snapshot
        // (MetricFetcher, refreshed asynchronously) and our poll time drift apart within the window; clamp that noise.
        const value = rule.perSubtask ? Math.min(1, r / divisor) : r;
        out.push({ labels: labelSet(rule.to.name, { ...base, window: w.name }), value });
        const role = roles.get(key);
        const jobKey = s.labels.get('job_id') ?? '';
        if (role?.source && rule.from === F.taskRecordsOut) addTo(jobSource, jobKey, w.name, r);
        if (role?.sink && rule.from === F.taskRecordsIn) addTo(jobSink, jobKey, w.name, r);
        jobLabels.set(jobKey, { job_id: jobKey, job_name: s.labels.get('job_name') ?? '' });
      }
    }
  }
  for (const [acc, spec] of [
    [jobSource, F.jobSourceRate],
    [jobSink, F.jobSinkRate],
  ] as const) {
    for (const [job, byWindow] of acc) {
      const labels = jobLabels.get(job);
      if (!labels) continue;
      for (const [window, v] of byWindow) out.push({ labels: labelSet(spec.name, { ...labels, window }), value: v });
    }
  }
  // Operator-level and data-quality families from pushed reporter data (README "Push API").
  for (const sample of derivePushed(store, evalTimeMs, windows)) out.push(sample);
  return out;
}

function vertexKey(s: StoredSeries): string {
  return `${s.labels.get('job_id') ?? ''}\u0000${s.labels.get('task_id') ?? ''}`;
}
