import type { MetricMetadata } from '../../model/metadata.js';

/**
 * Every series family the sidecar derives from the Flink REST API or computes in windows (DESIGN.md §3 "Series
 * names"): snake_case, base units, `_total` for counters, `_per_second` only for precomputed rates. Identity labels:
 * job families carry `job_id`, `job_name`; vertex families add `task_id`, `task_name` (Flink's reporter calls a
 * vertex a task); TaskManager families `tm_id`, `host`. Label values are normalised like Flink's PrometheusReporter
 * so REST-derived and pushed series join. The README's series table is generated from this list.
 */
export interface FamilySpec extends MetricMetadata {
  readonly name: string;
  /** Labels beyond the scope's identity labels, documented in the README. */
  readonly labels?: readonly string[];
}

const f = (name: string, type: FamilySpec['type'], help: string, extra: Partial<FamilySpec> = {}): FamilySpec => ({
  name,
  type,
  help,
  ...extra,
});

const JOB = ['job_id', 'job_name'] as const;
const TASK = ['job_id', 'job_name', 'task_id', 'task_name'] as const;
const TM = ['tm_id', 'host'] as const;

export const F = {
  // cluster
  up: f('flink_up', 'gauge', '1 when any endpoint of the Flink REST API answered in the last poll, 0 when none did.'),
  buildInfo: f('flink_build_info', 'gauge', 'Always 1; the Flink version and revision reported by /config.', { labels: ['version', 'revision'] }),
  clusterTaskManagers: f('flink_cluster_taskmanagers', 'gauge', 'TaskManagers registered with the ResourceManager.'),
  clusterSlots: f('flink_cluster_slots', 'gauge', 'Task slots of the cluster, by state (total, available).', { labels: ['state'] }),
  clusterJobs: f('flink_cluster_jobs', 'gauge', 'Jobs Flink lists (finished ones until jobstore expiry), by JobStatus.', { labels: ['state'] }),
  // job
  jobState: f('flink_job_state', 'gauge', 'One series per JobStatus value; 1 for the current state of the job, 0 for the others.', { labels: [...JOB, 'state'] }),
  jobTasks: f('flink_job_tasks', 'gauge', 'Subtasks of the job by ExecutionState (a RUNNING job waiting for slots shows its tasks in CREATED/SCHEDULED).', { labels: [...JOB, 'state'] }),
  jobUptime: f('flink_job_uptime_seconds', 'gauge', 'Seconds since the job last switched to RUNNING; 0 when it is not running (Flink uptime/runningTime semantics).', { unit: 'seconds', labels: JOB }),
  jobRestarts: f('flink_job_restarts_total', 'counter', 'Restarts of the job since it was submitted (Flink numRestarts; fullRestarts on 1.15–1.16).', { labels: JOB }),
  jobSourceRate: f('flink_job_source_records_per_second', 'gauge', 'Records emitted by the source vertices of the job per second over the window: sum over source vertices of flink_task_records_out_per_second{window}.', { labels: [...JOB, 'window'] }),
  jobSinkRate: f('flink_job_sink_records_per_second', 'gauge', 'Records received by the sink vertices of the job per second over the window: sum over sink vertices of flink_task_records_in_per_second{window}.', { labels: [...JOB, 'window'] }),
  jobWatermarkLag: f('flink_job_watermark_lag_seconds', 'gauge', 'Largest watermark lag over the vertices of the job (poll time minus the smallest subtask input watermark).', { unit: 'seconds', labels: JOB }),
  jobExceptions: f('flink_job_exceptions_total', 'counter', 'Root exceptions in the job exception history since the sidecar first saw the job.', { labels: JOB }),
  // checkpoints
  checkpoints: f('flink_job_checkpoints_total', 'counter', 'Checkpoints of the job, by status (completed, failed).', { labels: [...JOB, 'status'] }),
  checkpointsInProgress: f('flink_job_checkpoints_in_progress', 'gauge', 'Checkpoints of the job currently in progress.', { labels: JOB }),
  checkpointAge: f('flink_job_checkpoint_age_seconds', 'gauge', 'Seconds since the last completed checkpoint was acknowledged (absent before the first one).', { unit: 'seconds', labels: JOB }),
  checkpointDuration: f('flink_job_checkpoint_last_duration_seconds', 'gauge', 'End-to-end duration of the last completed checkpoint.', { unit: 'seconds', labels: JOB }),
  checkpointSize: f('flink_job_checkpoint_last_size_bytes', 'gauge', 'Checkpointed size of the last completed checkpoint (incremental size when incremental checkpoints are on).', { unit: 'bytes', labels: JOB }),
  checkpointInterval: f('flink_job_checkpoint_interval_seconds', 'gauge', 'Configured checkpoint interval of the job (absent when checkpointing is off).', { unit: 'seconds', labels: JOB }),
  // vertex
  taskRecordsIn: f('flink_task_records_in_total', 'counter', 'Records received by the vertex, summed over its subtasks (REST read-records).', { labels: TASK }),
  taskRecordsOut: f('flink_task_records_out_total', 'counter', 'Records emitted by the vertex, summed over its subtasks (REST write-records).', { labels: TASK }),
  taskBytesIn: f('flink_task_bytes_in_total', 'counter', 'Bytes received by the vertex, summed over its subtasks (REST read-bytes).', { labels: TASK }),
  taskBytesOut: f('flink_task_bytes_out_total', 'counter', 'Bytes emitted by the vertex, summed over its subtasks (REST write-bytes).', { labels: TASK }),
  taskBusyTime: f('flink_task_busy_seconds_total', 'counter', 'Time the subtasks of the vertex were busy, summed over subtasks (REST accumulated-busy-time).', { labels: TASK }),
  taskBackpressuredTime: f('flink_task_backpressured_seconds_total', 'counter', 'Time the subtasks of the vertex were back-pressured, summed over subtasks (REST accumulated-backpressured-time).', { labels: TASK }),
  taskIdleTime: f('flink_task_idle_seconds_total', 'counter', 'Time the subtasks of the vertex were idle, summed over subtasks (REST accumulated-idle-time).', { labels: TASK }),
  taskRecordsInRate: f('flink_task_records_in_per_second', 'gauge', 'Records received by the vertex per second over the window: increase of flink_task_records_in_total over the part of the window its samples cover (live stretches between staleness markers, extrapolated to the window edges as by rate()) divided by that time; exactly rate(flink_task_records_in_total[window]) once the samples cover the whole window, so young and restarted series do not read low.', { labels: [...TASK, 'window'] }),
  taskRecordsOutRate: f('flink_task_records_out_per_second', 'gauge', 'Records emitted by the vertex per second over the window: increase of flink_task_records_out_total over the part of the window its samples cover (live stretches between staleness markers, extrapolated to the window edges as by rate()) divided by that time; exactly rate(flink_task_records_out_total[window]) once the samples cover the whole window, so young and restarted series do not read low.', { labels: [...TASK, 'window'] }),
  taskBusyRatio: f('flink_task_busy_ratio', 'gauge', 'Average busy fraction of the subtasks over the window: windowed rate of flink_task_busy_seconds_total (over the covered part of the window, as flink_task_records_in_per_second; rate() once the window is covered) / parallelism, capped at 1.', { labels: [...TASK, 'window'] }),
  taskBackpressuredRatio: f('flink_task_backpressured_ratio', 'gauge', 'Average back-pressured fraction of the subtasks over the window: windowed rate of flink_task_backpressured_seconds_total (over the covered part of the window, as flink_task_records_in_per_second; rate() once the window is covered) / parallelism, capped at 1.', { labels: [...TASK, 'window'] }),
  taskIdleRatio: f('flink_task_idle_ratio', 'gauge', 'Average idle fraction of the subtasks over the window: windowed rate of flink_task_idle_seconds_total (over the covered part of the window, as flink_task_records_in_per_second; rate() once the window is covered) / parallelism, capped at 1.', { labels: [...TASK, 'window'] }),
  taskBusyMaxRatio: f('flink_task_busy_max_ratio', 'gauge', 'Busiest subtask of the vertex: max over subtasks of Flink busyTimeMsPerSecond / 1000 (Flink smooths it over ~60 s).', { labels: TASK }),
  taskBackpressuredMaxRatio: f('flink_task_backpressured_max_ratio', 'gauge', 'Most back-pressured subtask: max over subtasks of Flink backPressuredTimeMsPerSecond / 1000.', { labels: TASK }),
  taskIdleMaxRatio: f('flink_task_idle_max_ratio', 'gauge', 'Idlest subtask: max over subtasks of Flink idleTimeMsPerSecond / 1000.', { labels: TASK }),
  taskWatermarkLag: f('flink_task_watermark_lag_seconds', 'gauge', 'Poll time minus the smallest current input watermark over the subtasks of the vertex (absent before the first watermark).', { unit: 'seconds', labels: TASK }),
  taskInfo: f('flink_task_info', 'gauge', 'Always 1; whether the vertex is a source (no inputs in the job plan) and/or a sink (feeds no other vertex).', { labels: [...TASK, 'source', 'sink'] }),
  taskInput: f('flink_task_input_info', 'gauge', 'Always 1; one series per edge of the job plan: the vertex task_id reads from the vertex input_task_id (the job graph for the status page, Grafana node graphs and joins).', { labels: [...TASK, 'input_task_id'] }),
  taskParallelism: f('flink_task_parallelism', 'gauge', 'Parallelism of the vertex.', { labels: TASK }),
  taskInPoolUsage: f('flink_task_input_pool_usage_ratio', 'gauge', 'Largest input network buffer pool usage over the subtasks of the vertex.', { labels: TASK }),
  taskOutPoolUsage: f('flink_task_output_pool_usage_ratio', 'gauge', 'Largest output network buffer pool usage over the subtasks of the vertex (can exceed 1 with overdraft buffers).', { labels: TASK }),
  sourcePendingRecords: f('flink_task_source_pending_records', 'gauge', 'Records the source has not fetched yet (FLIP-33 pendingRecords, e.g. Kafka lag), summed over subtasks and source operators.', { labels: TASK }),
  sourceRecordsLagMax: f('flink_task_source_records_lag_max', 'gauge', 'Largest Kafka consumer records-lag-max over the subtasks of the vertex.', { labels: TASK }),
  sourceEmitLag: f('flink_task_source_emit_event_time_lag_seconds', 'gauge', 'Largest FLIP-33 currentEmitEventTimeLag over the subtasks of the vertex.', { unit: 'seconds', labels: TASK }),
  sourceIdleTime: f('flink_task_source_idle_seconds', 'gauge', 'Longest FLIP-33 sourceIdleTime over the subtasks of the vertex (0 when all are active).', { unit: 'seconds', labels: TASK }),
  // TaskManager / JobManager
  tmHeapUsed: f('flink_taskmanager_heap_used_bytes', 'gauge', 'JVM heap used by the TaskManager.', { unit: 'bytes', labels: TM }),
  tmHeapMax: f('flink_taskmanager_heap_max_bytes', 'gauge', 'JVM heap maximum of the TaskManager.', { unit: 'bytes', labels: TM }),
  tmCpuLoad: f('flink_taskmanager_cpu_load_ratio', 'gauge', 'Recent CPU load of the TaskManager process, 0..1 (Status.JVM.CPU.Load).', { labels: TM }),
  tmGcCollections: f('flink_taskmanager_gc_collections_total', 'counter', 'Garbage collections of the TaskManager JVM, by collector (the All pseudo-collector is left out so sums are right).', { labels: [...TM, 'collector'] }),
  tmGcTime: f('flink_taskmanager_gc_time_seconds_total', 'counter', 'Time spent in garbage collection by the TaskManager JVM, by collector.', { labels: [...TM, 'collector'] }),
  tmNetworkUsed: f('flink_taskmanager_network_memory_used_bytes', 'gauge', 'Network (shuffle) buffer memory in use on the TaskManager.', { unit: 'bytes', labels: TM }),
  tmNetworkTotal: f('flink_taskmanager_network_memory_total_bytes', 'gauge', 'Network (shuffle) buffer memory of the TaskManager.', { unit: 'bytes', labels: TM }),
  tmNetworkUsage: f('flink_taskmanager_network_pool_usage_ratio', 'gauge', 'Used over total network buffer memory of the TaskManager.', { labels: TM }),
  tmHeartbeatAge: f('flink_taskmanager_heartbeat_age_seconds', 'gauge', 'Seconds since the ResourceManager last heard from the TaskManager.', { unit: 'seconds', labels: TM }),
  tmSlots: f('flink_taskmanager_slots', 'gauge', 'Task slots of the TaskManager, by state (total, free).', { labels: [...TM, 'state'] }),
  jmHeapUsed: f('flink_jobmanager_heap_used_bytes', 'gauge', 'JVM heap used by the JobManager.', { unit: 'bytes' }),
  jmHeapMax: f('flink_jobmanager_heap_max_bytes', 'gauge', 'JVM heap maximum of the JobManager.', { unit: 'bytes' }),
  jmCpuLoad: f('flink_jobmanager_cpu_load_ratio', 'gauge', 'Recent CPU load of the JobManager process, 0..1.'),
  jmGcCollections: f('flink_jobmanager_gc_collections_total', 'counter', 'Garbage collections of the JobManager JVM, by collector.', { labels: ['collector'] }),
  jmGcTime: f('flink_jobmanager_gc_time_seconds_total', 'counter', 'Time spent in garbage collection by the JobManager JVM, by collector.', { labels: ['collector'] }),
  // from pushed reporter data (PrometheusPushGatewayReporter; the REST API does not give these cheaply)
  operatorRecordsInRate: f('flink_operator_records_in_per_second', 'gauge', 'Records received by the operator per second over the window, summed over its subtasks: windowed rate of the pushed flink_taskmanager_job_task_operator_numRecordsIn of each subtask.', { labels: [...TASK, 'operator_id', 'operator_name', 'window'] }),
  operatorRecordsOutRate: f('flink_operator_records_out_per_second', 'gauge', 'Records emitted by the operator per second over the window, summed over its subtasks: windowed rate of the pushed flink_taskmanager_job_task_operator_numRecordsOut of each subtask.', { labels: [...TASK, 'operator_id', 'operator_name', 'window'] }),
  taskLateRecordsDropped: f('flink_task_late_records_dropped_total', 'counter', 'Records dropped by the vertex\'s window operators for arriving after the watermark (plus allowed lateness), summed over subtasks and operators: pushed numLateRecordsDropped.', { labels: TASK }),
  taskLateRecordsDroppedRate: f('flink_task_late_records_dropped_per_second', 'gauge', 'Late records dropped by the vertex per second over the window: sum over subtasks and operators of the windowed rate of the pushed numLateRecordsDropped.', { labels: [...TASK, 'window'] }),
  taskRecordsInErrors: f('flink_task_records_in_errors_total', 'counter', 'Records the vertex\'s sources failed to read (FLIP-33 numRecordsInErrors), summed over subtasks and operators; pushed data.', { labels: TASK }),
  taskRecordsOutErrors: f('flink_task_records_out_errors_total', 'counter', 'Records the vertex\'s sinks failed to write (FLIP-33 numRecordsOutErrors), summed over subtasks and operators; pushed data.', { labels: TASK }),
  jobLatency: f('flink_job_latency_seconds', 'gauge', 'Latency-marker latency from the sources to the operators of the job (metrics.latency.interval), by quantile: the largest value over the pushed latency histograms of the job, in seconds.', { labels: [...JOB, 'quantile'] }),
} as const satisfies Record<string, FamilySpec>;

/** All families, in the catalog's order. */
export const ALL_FAMILIES: readonly FamilySpec[] = Object.values(F);

/** The families derived only from pushed reporter data (PrometheusPushGatewayReporter), never from the REST API. */
export const PUSHED_FAMILIES: readonly FamilySpec[] = [
  F.operatorRecordsInRate,
  F.operatorRecordsOutRate,
  F.taskLateRecordsDropped,
  F.taskLateRecordsDroppedRate,
  F.taskRecordsInErrors,
  F.taskRecordsOutErrors,
  F.jobLatency,
];

/** Every JobStatus value (flink-core JobStatus.java, same since 1.15); `flink_job_state` has one series per value. */
export const JOB_STATUSES = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
] as const;
