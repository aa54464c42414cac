/**
 * Flink-shaped series for the benchmarks: the labels of Flink's PrometheusReporter at task level (job_id,
 * job_name, task_id, task_name, subtask_index) over a handful of families, with deterministic values.
 */
import { labelSet, type LabelRecord, type LabelSet } from '../src/model/labels.js';

export const FAMILIES = [
  'flink_taskmanager_job_task_numRecordsIn',
  'flink_taskmanager_job_task_numRecordsOut',
  'flink_taskmanager_job_task_numBytesIn',
  'flink_taskmanager_job_task_busyTimeMsPerSecond',
  'flink_taskmanager_job_task_backPressuredTimeMsPerSecond',
] as const;

export const LABEL_NAMES = ['job_id', 'job_name', 'task_id', 'task_name', 'subtask_index'] as const;

export interface BenchSeries {
  readonly family: string;
  readonly labels: LabelRecord;
}

/** mulberry32: small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex32(rnd: () => number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, '0');
  return s;
}

/**
 * `count` series spread over {@link FAMILIES}: 10 jobs × 20 tasks × as many subtasks as needed. Label values
 * are fresh strings per series (as a source building them from JSON would produce).
 */
export function flinkSeries(count: number): BenchSeries[] {
  const rnd = prng(42);
  const jobs = Array.from({ length: 10 }, (_, j) => ({ id: hex32(rnd), name: `Kafka_to_Iceberg_pipeline_${j}` }));
  const tasks = Array.from({ length: 20 }, (_, t) => ({
    id: hex32(rnd),
    name: `Source:_Kafka_topic_events_${t}____Map____Filter____Sink:_Iceberg`,
  }));
  const perFamily = Math.ceil(count / FAMILIES.length);
  const subtasks = Math.ceil(perFamily / (jobs.length * tasks.length));
  const out: BenchSeries[] = [];
  for (const family of FAMILIES) {
    let n = 0;
    for (const job of jobs) {
      for (const task of tasks) {
        for (let s = 0; s < subtasks && n < perFamily && out.length < count; s++, n++) {
          out.push({
            family,
            labels: {
              job_id: job.id.slice(0),
              job_name: `${job.name}`.slice(0),
              task_id: `${task.id}`.slice(0),
              task_name: `${task.name} `.slice(0, -1),
              subtask_index: String(s),
            },
          });
        }
      }
    }
  }
  return out;
}

/** A value like a Flink metric: counters (integers, some large), rates (fractions). */
export function valueFor(i: number, round: number): number {
  const k = i % 4;
  if (k === 0) return (i + 1) * 1000 + round * 37;
  if (k === 1) return ((i * 7919 + round * 31) % 1_000_003) * 1.25;
  if (k === 2) return ((i + round) % 1000) / 7;
  return 0;
}

export function labelSetOf(s: BenchSeries): LabelSet {
  return labelSet(s.family, s.labels);
}
