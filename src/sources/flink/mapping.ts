import { labelSet, type LabelRecord } from '../../model/labels.js';
import { flinkLabelValue } from '../../model/names.js';
import { F, JOB_STATUSES, type FamilySpec } from './families.js';
import type { SnapshotSample } from '../../store/types.js';
import type { Aggregate, JobPoll, PollOutcome, TaskManagerPoll } from './poll-outcome.js';
import { GC_METRIC_RE } from './poll-plan.js';
import type { JobDetail } from './responses.js';
import { parseWatermark } from './values.js';

/**
 * Maps one poll cycle's outcome to the samples of the `flink-rest` source snapshot (pure; no I/O). Families and
 * units are those of src/sources/flink/families.ts. Rules that keep numbers honest:
 * - a vertex IO counter whose `*-complete` flag is false (some subtask had no value) is left out for the cycle,
 *   because a partial sum would look like a counter reset followed by a jump;
 * - `-1`, `NaN`, `Long.MIN_VALUE` sentinels become absent series, never numbers (reference/flink.md §1.7), and so
 *   does any non-finite value;
 * - vertex series exist only while the job is RUNNING; job state series exist while Flink lists the job;
 * - label values go through Flink's reporter filter (`flinkLabelValue`) so REST and reporter series join.
 * - the job watermark lag (a maximum over vertices) only when every vertex of the job answered;
 * `flink_up` is always present: 1 when any endpoint answered, else 0 (and nothing else is emitted).
 */
export function mapPollOutcome(outcome: PollOutcome): SnapshotSample[] {
  const out: SnapshotSample[] = [];
  const t = outcome.startedAtMs;
  const emit = (spec: FamilySpec, labels: LabelRecord, value: number | undefined): void => {
    // NaN or ±Infinity from a bad or huge number in the REST JSON never becomes a sample.
    if (value === undefined || !Number.isFinite(value)) return;
    out.push({ labels: labelSet(spec.name, labels), value });
  };
  emit(F.up, {}, outcome.reachable ? 1 : 0);
  if (!outcome.reachable) return out;

  const version = outcome.config?.['flink-version'] ?? outcome.overview?.['flink-version'];
  if (version) emit(F.buildInfo, { version, revision: outcome.config?.['flink-revision'] ?? outcome.overview?.['flink-commit'] ?? '' }, 1);
  if (outcome.overview) {
    emit(F.clusterTaskManagers, {}, outcome.overview.taskmanagers);
    emit(F.clusterSlots, { state: 'total' }, outcome.overview['slots-total']);
    emit(F.clusterSlots, { state: 'available' }, outcome.overview['slots-available']);
  }

  if (outcome.jobsOverview) {
    const counts = new Map<string, number>(JOB_STATUSES.map((s) => [s, 0]));
    for (const j of outcome.jobsOverview.jobs) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);
    for (const [state, n] of counts) emit(F.clusterJobs, { state }, n);
    const polled = new Map(outcome.jobs.map((j) => [j.id, j]));
    for (const j of outcome.jobsOverview.jobs) {
      // The detail answer is newer than the overview when both are present.
      const state = polled.get(j.jid)?.state ?? j.state;
      const jobLabels = { job_id: j.jid, job_name: flinkLabelValue(j.name) };
      const states: readonly string[] = JOB_STATUSES.includes(state as (typeof JOB_STATUSES)[number]) ? JOB_STATUSES : [...JOB_STATUSES, state];
      for (const s of states) emit(F.jobState, { ...jobLabels, state: s }, s === state ? 1 : 0);
    }
  }
  for (const job of outcome.jobs) mapJob(job, t, emit);
  for (const tm of outcome.taskManagers) mapTaskManager(tm, t, emit);
  if (outcome.jobManagerMetrics) mapJvm(outcome.jobManagerMetrics, {}, 'jm', emit);
  return dedupe(out);
}

type Emit = (spec: FamilySpec, labels: LabelRecord, value: number | undefined) => void;

function mapJob(job: JobPoll, t: number, emit: Emit): void {
  const jobLabels = { job_id: job.id, job_name: flinkLabelValue(job.name) };
  const detail = job.detail;
  if (detail) {
    const now = detail.now ?? t;
    const runningSince = detail.timestamps?.RUNNING;
    for (const [state, n] of Object.entries(detail['status-counts'] ?? {})) emit(F.jobTasks, { ...jobLabels, state }, n);
    emit(F.jobUptime, jobLabels, job.state === 'RUNNING' && runningSince !== undefined && runningSince > 0 ? Math.max(0, now - runningSince) / 1000 : 0);
  }
  const restarts = job.metrics?.get('numRestarts') ?? job.metrics?.get('fullRestarts');
  emit(F.jobRestarts, jobLabels, restarts !== undefined && restarts >= 0 ? restarts : undefined);
  emit(F.jobExceptions, jobLabels, job.exceptions);

  const cp = job.checkpoints;
  if (cp) {
    emit(F.checkpoints, { ...jobLabels, status: 'completed' }, cp.counts.completed);
    emit(F.checkpoints, { ...jobLabels, status: 'failed' }, cp.counts.failed);
    emit(F.checkpointsInProgress, jobLabels, cp.counts.in_progress);
    const last = cp.latest?.completed;
    if (last) {
      const ack = last.latest_ack_timestamp;
      if (ack !== undefined && ack > 0) emit(F.checkpointAge, jobLabels, Math.max(0, t - ack) / 1000);
      if (last.end_to_end_duration !== undefined && last.end_to_end_duration >= 0) emit(F.checkpointDuration, jobLabels, last.end_to_end_duration / 1000);
      const size = last.checkpointed_size ?? last.state_size;
      if (size !== undefined && size >= 0) emit(F.checkpointSize, jobLabels, size);
    }
  }
  if (job.checkpointIntervalMs !== undefined) emit(F.checkpointInterval, jobLabels, job.checkpointIntervalMs / 1000);

  if (job.state !== 'RUNNING' || !detail) return;
  const roles = vertexRoles(detail);
  const inputsOf = new Map((detail.plan?.nodes ?? []).map((n) => [n.id, (n.inputs ?? []).map((i) => i.id)]));
  const aggregates = new Map(job.vertices.map((v) => [v.id, v.metrics]));
  let jobWatermarkLag: number | undefined;
  for (const v of detail.vertices) {
    const labels = { ...jobLabels, task_id: v.id, task_name: flinkLabelValue(v.name) };
    const role = roles.get(v.id) ?? { source: false, sink: false };
    emit(F.taskInfo, { ...labels, source: String(role.source), sink: String(role.sink) }, 1);
    for (const input of inputsOf.get(v.id) ?? []) emit(F.taskInput, { ...labels, input_task_id: input }, 1);
    emit(F.taskParallelism, labels, v.parallelism);
    const m = v.metrics;
    if (m) {
      const counter = (value: number | undefined, complete: boolean | undefined, scale = 1): number | undefined =>
        complete === false || value === undefined || value < 0 ? undefined : value / scale;
      emit(F.taskRecordsIn, labels, counter(m['read-records'], m['read-records-complete']));
      emit(F.taskRecordsOut, labels, counter(m['write-records'], m['write-records-complete']));
      emit(F.taskBytesIn, labels, counter(m['read-bytes'], m['read-bytes-complete']));
      emit(F.taskBytesOut, labels, counter(m['write-bytes'], m['write-bytes-complete']));
      // accumulated-* are sums over subtasks in ms (since 1.16); they share the IO completeness of the vertex.
      const complete = m['read-records-complete'] !== false && m['write-records-complete'] !== false;
      emit(F.taskBusyTime, labels, counter(m['accumulated-busy-time'], complete, 1000));
      emit(F.taskBackpressuredTime, labels, counter(m['accumulated-backpressured-time'], complete, 1000));
      emit(F.taskIdleTime, labels, counter(m['accumulated-idle-time'], complete, 1000));
    }
    const agg = aggregates.get(v.id);
    if (!agg) continue;
    const ratio = (a: Aggregate | undefined): number | undefined => (a?.max !== undefined && a.max >= 0 ? a.max / 1000 : undefined);
    emit(F.taskBusyMaxRatio, labels, ratio(agg.get('busyTimeMsPerSecond')));
    emit(F.taskBackpressuredMaxRatio, labels, ratio(agg.get('backPressuredTimeMsPerSecond')));
    emit(F.taskIdleMaxRatio, labels, ratio(agg.get('idleTimeMsPerSecond')));
    emit(F.taskInPoolUsage, labels, nonNegative(agg.get('Shuffle.Netty.Input.Buffers.inPoolUsage')?.max));
    emit(F.taskOutPoolUsage, labels, nonNegative(agg.get('Shuffle.Netty.Output.Buffers.outPoolUsage')?.max));
    const wmMin = agg.get('currentInputWatermark')?.min;
    const wm = parseWatermark(wmMin);
    // A subtask without a watermark yet reports Long.MIN_VALUE, which is the min: no lag until all have one.
    if (wm !== undefined) {
      const lag = (t - wm) / 1000;
      emit(F.taskWatermarkLag, labels, lag);
      jobWatermarkLag = jobWatermarkLag === undefined ? lag : Math.max(jobWatermarkLag, lag);
    }
    let pending: number | undefined;
    let lagMax: number | undefined;
    let emitLag: number | undefined;
    let idle: number | undefined;
    for (const [id, a] of agg) {
      if (id.endsWith('.pendingRecords') && a.sum !== undefined && a.sum >= 0) pending = (pending ?? 0) + a.sum;
      else if (id.endsWith('.records-lag-max')) lagMax = maxDefined(lagMax, nonNegative(a.max));
      else if (id.endsWith('.currentEmitEventTimeLag')) emitLag = maxDefined(emitLag, nonNegative(a.max));
      else if (id.endsWith('.sourceIdleTime')) idle = maxDefined(idle, nonNegative(a.max));
    }
    emit(F.sourcePendingRecords, labels, pending);
    emit(F.sourceRecordsLagMax, labels, lagMax);
    emit(F.sourceEmitLag, labels, emitLag === undefined ? undefined : emitLag / 1000);
    emit(F.sourceIdleTime, labels, idle === undefined ? undefined : idle / 1000);
  }
  // A maximum over some of the vertices would read too low: keep the last complete one instead (series-lifecycle.ts).
  if (job.vertices.every((v) => v.metrics !== undefined)) emit(F.jobWatermarkLag, jobLabels, jobWatermarkLag);
}

/**
 * Source and sink vertices from the job plan (`plan.nodes[].inputs`): a source has no inputs, a sink feeds no other
 * vertex. Without a plan every vertex is neither (the job-level rates are then absent rather than wrong).
 */
export function vertexRoles(detail: JobDetail): Map<string, { source: boolean; sink: boolean }> {
  const roles = new Map<string, { source: boolean; sink: boolean }>();
  const nodes = detail.plan?.nodes;
  if (!nodes || nodes.length === 0) return roles;
  const fed = new Set<string>();
  for (const n of nodes) for (const i of n.inputs ?? []) fed.add(i.id);
  for (const n of nodes) roles.set(n.id, { source: (n.inputs ?? []).length === 0, sink: !fed.has(n.id) });
  return roles;
}

function mapTaskManager(tm: TaskManagerPoll, t: number, emit: Emit): void {
  const labels = { tm_id: flinkLabelValue(tm.info.id), host: flinkLabelValue(taskManagerHost(tm.info.id, tm.info.path)) };
  const hb = tm.info.timeSinceLastHeartbeat;
  // Despite its name, timeSinceLastHeartbeat is an absolute epoch-ms timestamp (reference/flink.md §1.4).
  if (hb !== undefined && hb > 0) emit(F.tmHeartbeatAge, labels, Math.max(0, t - hb) / 1000);
  emit(F.tmSlots, { ...labels, state: 'total' }, nonNegative(tm.info.slotsNumber));
  emit(F.tmSlots, { ...labels, state: 'free' }, nonNegative(tm.info.freeSlots));
  if (!tm.metrics) return;
  mapJvm(tm.metrics, labels, 'tm', emit);
  const used = nonNegative(tm.metrics.get('Status.Shuffle.Netty.UsedMemory'));
  const total = nonNegative(tm.metrics.get('Status.Shuffle.Netty.TotalMemory'));
  emit(F.tmNetworkUsed, labels, used);
  emit(F.tmNetworkTotal, labels, total);
  if (used !== undefined && total !== undefined && total > 0) emit(F.tmNetworkUsage, labels, used / total);
}

function mapJvm(metrics: ReadonlyMap<string, number>, labels: LabelRecord, who: 'tm' | 'jm', emit: Emit): void {
  const fam = who === 'tm'
    ? { heapUsed: F.tmHeapUsed, heapMax: F.tmHeapMax, cpu: F.tmCpuLoad, gcCount: F.tmGcCollections, gcTime: F.tmGcTime }
    : { heapUsed: F.jmHeapUsed, heapMax: F.jmHeapMax, cpu: F.jmCpuLoad, gcCount: F.jmGcCollections, gcTime: F.jmGcTime };
  emit(fam.heapUsed, labels, nonNegative(metrics.get('Status.JVM.Memory.Heap.Used')));
  emit(fam.heapMax, labels, nonNegative(metrics.get('Status.JVM.Memory.Heap.Max')));
  emit(fam.cpu, labels, nonNegative(metrics.get('Status.JVM.CPU.Load')));
  for (const [id, v] of metrics) {
    const m = GC_METRIC_RE.exec(id);
    if (!m || m[1] === 'All' || v < 0) continue;
    const collector = flinkLabelValue(m[1] as string);
    if (m[2] === 'Count') emit(fam.gcCount, { ...labels, collector }, v);
    else emit(fam.gcTime, { ...labels, collector }, v / 1000);
  }
}

/** Host of a TaskManager from its RPC path (`pekko.tcp://flink@10.0.0.1:6122/user/rpc/taskmanager_0`) or id (`10.0.0.1:34457-7b2520`). */
export function taskManagerHost(id: string, path: string | undefined): string {
  const fromPath = path ? /@([^:/]+)/.exec(path)?.[1] : undefined;
  if (fromPath) return fromPath;
  const colon = id.lastIndexOf(':');
  return colon > 0 ? id.slice(0, colon) : id;
}

function nonNegative(v: number | undefined): number | undefined {
  return v === undefined || Number.isNaN(v) || v < 0 ? undefined : v;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Two vertices with equal names in one job would collide only through task_id, which differs; still, keep the first. */
function dedupe(samples: SnapshotSample[]): SnapshotSample[] {
  const seen = new Set<string>();
  return samples.filter((s) => (seen.has(s.labels.key) ? false : (seen.add(s.labels.key), true)));
}

