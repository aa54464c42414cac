/**
 * The poll plan: which Flink REST endpoints a cycle reads, which metric ids it asks for per scope, and the
 * steady-state request count (reference/flink.md §1.9). Pure data and predicates; the cycle (poll-cycle.ts) runs it.
 */

/** Flink lines whose REST API was tested (recorded fixtures and e2e runs); others are polled with the 2.x shapes. */
export const TESTED_VERSION = /^(1\.(1[5-9]|20)|2\.[0-3])(\.|$|-)/;

/** Job states after which Flink no longer runs anything for the job (JobStatus globally terminal + SUSPENDED). */
export const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'CANCELED', 'SUSPENDED']);

/** Task-level ids requested per vertex, with the aggregation the mapping reads. */
export const VERTEX_TASK_METRICS = [
  'busyTimeMsPerSecond',
  'backPressuredTimeMsPerSecond',
  'idleTimeMsPerSecond',
  'currentInputWatermark',
  'Shuffle.Netty.Input.Buffers.inPoolUsage',
  'Shuffle.Netty.Output.Buffers.outPoolUsage',
] as const;

/** Operator-level ids (`<operator>.<suffix>`) requested per vertex when discovered: FLIP-33 source metrics and Kafka lag. */
export const VERTEX_OPERATOR_SUFFIXES = [
  '.pendingRecords',
  '.currentEmitEventTimeLag',
  '.sourceIdleTime',
  '.KafkaSourceReader.KafkaConsumer.records-lag-max',
] as const;

export const JVM_METRICS = ['Status.JVM.Memory.Heap.Used', 'Status.JVM.Memory.Heap.Max', 'Status.JVM.CPU.Load'] as const;
export const TM_EXTRA_METRICS = ['Status.Shuffle.Netty.UsedMemory', 'Status.Shuffle.Netty.TotalMemory'] as const;
/** Per-collector GC metrics; the `All` pseudo-collector (1.19+) is skipped so sums over `collector` stay right. */
export const GC_METRIC_RE = /^Status\.JVM\.GarbageCollector\.(.+)\.(Count|Time)$/;

/** Ids wanted from `/jobmanager/metrics`. */
export function wantedJobManagerMetric(name: string): boolean {
  if ((JVM_METRICS as readonly string[]).includes(name)) return true;
  const m = GC_METRIC_RE.exec(name);
  return m !== null && m[1] !== 'All';
}

/** Ids wanted from `/taskmanagers/:tmid/metrics`. */
export function wantedTaskManagerMetric(name: string): boolean {
  return wantedJobManagerMetric(name) || (TM_EXTRA_METRICS as readonly string[]).includes(name);
}

/** Ids wanted from `/jobs/:jid/metrics`: numRestarts is missing from REST on 1.15–1.16 (FLINK-30558); fullRestarts is the same gauge there. */
export function wantedJobMetric(name: string, all: ReadonlySet<string>): boolean {
  return name === 'numRestarts' || (name === 'fullRestarts' && !all.has('numRestarts'));
}

/** Ids wanted from `/jobs/:jid/vertices/:vid/subtasks/metrics`. */
export function wantedVertexMetric(name: string): boolean {
  return (VERTEX_TASK_METRICS as readonly string[]).includes(name) || VERTEX_OPERATOR_SUFFIXES.some((s) => name.endsWith(s));
}

/** Ids every TaskManager serves once started (a list lacking one is incomplete). */
export const TM_EXPECTED_METRICS: readonly string[] = [...JVM_METRICS, ...TM_EXTRA_METRICS];

/**
 * Task-level ids a RUNNING vertex serves once its tasks registered their metrics: busy/back-pressured/idle time
 * and the buffer pools for every task, the input watermark only for a vertex with inputs (a source vertex has none).
 */
export function expectedVertexMetrics(hasInputs: boolean): readonly string[] {
  return VERTEX_TASK_METRICS.filter((id) => hasInputs || id !== 'currentInputWatermark');
}

/** Top-level requests of every cycle: `/overview`, `/jobs/overview`, `/taskmanagers`, `/jobmanager/metrics?get=…`. */
export const TOP_LEVEL_REQUESTS = 4;

/** Requests of every cycle that are not metric `get=` requests: `/overview`, `/jobs/overview`, `/taskmanagers`. */
export const LISTING_REQUESTS = 3;
/** Per polled (non-terminal) job, besides its metrics: `/jobs/:jid` and `/jobs/:jid/checkpoints`. */
export const JOB_REQUESTS = 2;

/**
 * The requests a steady cycle makes: the listings, two per polled job, and the `get=` requests of every metric scope
 * it reads (JobManager, each TaskManager, each polled job, each vertex of a RUNNING job) — one each unless a scope's
 * wanted ids exceed Flink's request line and are split. With one `get=` each that is 4 + T + Σ_j (3 + V_j), and it
 * does not depend on parallelism (one aggregated request per vertex). Not in it, because amortised: discovery,
 * `/config`, checkpoint config, exceptions, retries.
 */
export function plannedRequests(polledJobs: number, metricGetRequests: number): number {
  return LISTING_REQUESTS + JOB_REQUESTS * polledJobs + metricGetRequests;
}
