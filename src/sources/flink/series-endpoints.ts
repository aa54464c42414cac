import { F, type FamilySpec } from './families.js';
import type { LabelSet } from '../../model/labels.js';
import { flinkLabelValue } from '../../model/names.js';

/**
 * Which Flink REST endpoint produces which series (issue 5 §3 defect 4: one failing endpoint costs only its own
 * series). An *endpoint instance* is one endpoint for one entity, named by a key built from the identity labels
 * the series carry: `job|<job_id>` is `/jobs/:jid` of that job, `vertex|<job_id>|<task_id>` the aggregated subtask
 * metrics of one vertex, `tm|<tm_id>` the metrics of one TaskManager. The poll cycle records the keys that
 * answered; the poller keeps the series of keys that did not (see series-lifecycle.ts).
 */
export type EndpointKind =
  | 'overview'
  | 'config'
  | 'jobs-overview'
  | 'taskmanagers'
  | 'taskmanager-metrics'
  | 'jobmanager-metrics'
  | 'job'
  | 'job-metrics'
  | 'job-checkpoints'
  | 'job-checkpoint-config'
  | 'job-exceptions'
  | 'vertex-metrics'
  /** All vertex-metrics instances of a job together: the job-level maximum over its vertices. */
  | 'job-vertex-metrics';

const FAMILIES_BY_ENDPOINT: Readonly<Record<EndpointKind, readonly FamilySpec[]>> = {
  overview: [F.clusterTaskManagers, F.clusterSlots],
  config: [F.buildInfo],
  'jobs-overview': [F.clusterJobs, F.jobState],
  taskmanagers: [F.tmHeartbeatAge, F.tmSlots],
  'taskmanager-metrics': [F.tmHeapUsed, F.tmHeapMax, F.tmCpuLoad, F.tmGcCollections, F.tmGcTime, F.tmNetworkUsed, F.tmNetworkTotal, F.tmNetworkUsage],
  'jobmanager-metrics': [F.jmHeapUsed, F.jmHeapMax, F.jmCpuLoad, F.jmGcCollections, F.jmGcTime],
  job: [
    F.jobTasks,
    F.jobUptime,
    F.taskInfo,
    F.taskInput,
    F.taskParallelism,
    F.taskRecordsIn,
    F.taskRecordsOut,
    F.taskBytesIn,
    F.taskBytesOut,
    F.taskBusyTime,
    F.taskBackpressuredTime,
    F.taskIdleTime,
  ],
  'job-metrics': [F.jobRestarts],
  'job-checkpoints': [F.checkpoints, F.checkpointsInProgress, F.checkpointAge, F.checkpointDuration, F.checkpointSize],
  'job-checkpoint-config': [F.checkpointInterval],
  'job-exceptions': [F.jobExceptions],
  'vertex-metrics': [
    F.taskBusyMaxRatio,
    F.taskBackpressuredMaxRatio,
    F.taskIdleMaxRatio,
    F.taskInPoolUsage,
    F.taskOutPoolUsage,
    F.taskWatermarkLag,
    F.sourcePendingRecords,
    F.sourceRecordsLagMax,
    F.sourceEmitLag,
    F.sourceIdleTime,
  ],
  'job-vertex-metrics': [F.jobWatermarkLag],
};

/** Family name → the endpoint kind producing it. `flink_up` is in no endpoint: it is written every cycle. */
export const ENDPOINT_OF_FAMILY: ReadonlyMap<string, EndpointKind> = new Map(
  (Object.entries(FAMILIES_BY_ENDPOINT) as [EndpointKind, readonly FamilySpec[]][]).flatMap(([kind, fams]) => fams.map((f) => [f.name, kind] as const)),
);

/** Key of an endpoint instance from raw Flink ids (TaskManager ids go through the label filter, like the series). */
export const endpointKey = {
  global: (kind: 'overview' | 'config' | 'jobs-overview' | 'taskmanagers' | 'jobmanager-metrics'): string => kind,
  taskManager: (tmId: string): string => `taskmanager-metrics|${flinkLabelValue(tmId)}`,
  job: (kind: 'job' | 'job-metrics' | 'job-checkpoints' | 'job-checkpoint-config' | 'job-exceptions' | 'job-vertex-metrics', jobId: string): string =>
    `${kind}|${jobId}`,
  vertex: (jobId: string, vertexId: string): string => `vertex-metrics|${jobId}|${vertexId}`,
};

/** The endpoint instance that produced a stored series, from its family and identity labels; undefined for others. */
export function endpointOfSeries(labels: LabelSet): { readonly kind: EndpointKind; readonly key: string } | undefined {
  const kind = ENDPOINT_OF_FAMILY.get(labels.metricName);
  if (kind === undefined) return undefined;
  const jobId = labels.get('job_id') ?? '';
  switch (kind) {
    case 'overview':
    case 'config':
    case 'jobs-overview':
    case 'taskmanagers':
    case 'jobmanager-metrics':
      return { kind, key: kind };
    case 'taskmanager-metrics':
      return { kind, key: `taskmanager-metrics|${labels.get('tm_id') ?? ''}` };
    case 'vertex-metrics':
      return { kind, key: endpointKey.vertex(jobId, labels.get('task_id') ?? '') };
    default:
      return { kind, key: endpointKey.job(kind, jobId) };
  }
}
