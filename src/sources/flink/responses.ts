import { z } from 'zod';
import { FlinkResponseError } from '../../errors.js';
import { parseFlinkNumber } from './values.js';

/**
 * Shapes of the Flink REST answers the poller reads, validated with zod as loose objects: only the fields we use
 * are checked, extra fields are allowed (they differ by version, reference/flink.md §1.4 and §1.8). Numbers that
 * Flink may write as strings, `"NaN"` or sentinels go through `flinkNumber`. Version differences handled here:
 * `host` (≤1.20) vs `endpoint` (1.19+), `exceptionHistory` (all) vs `root-exception` (≤1.20), `backpressureLevel`.
 */

const flinkNumber = z.unknown().transform((v, ctx) => {
  const n = parseFlinkNumber(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)?.slice(0, 40)}` });
    return z.NEVER;
  }
  return n;
});
const optionalNumber = z.unknown().transform((v) => parseFlinkNumber(v)).optional();

export const configSchema = z.looseObject({
  'flink-version': z.string(),
  'flink-revision': z.string().optional(),
  'refresh-interval': optionalNumber,
});
export type FlinkConfigInfo = z.infer<typeof configSchema>;

export const overviewSchema = z.looseObject({
  taskmanagers: flinkNumber,
  'slots-total': flinkNumber,
  'slots-available': flinkNumber,
  'flink-version': z.string().optional(),
  'flink-commit': z.string().optional(),
});
export type Overview = z.infer<typeof overviewSchema>;

export const jobsOverviewSchema = z.looseObject({
  jobs: z.array(
    z.looseObject({
      jid: z.string(),
      name: z.string(),
      state: z.string(),
      'start-time': optionalNumber,
    }),
  ),
});
export type JobsOverview = z.infer<typeof jobsOverviewSchema>;

const vertexMetricsSchema = z.looseObject({
  'read-bytes': optionalNumber,
  'read-bytes-complete': z.boolean().optional(),
  'write-bytes': optionalNumber,
  'write-bytes-complete': z.boolean().optional(),
  'read-records': optionalNumber,
  'read-records-complete': z.boolean().optional(),
  'write-records': optionalNumber,
  'write-records-complete': z.boolean().optional(),
  'accumulated-backpressured-time': optionalNumber,
  'accumulated-idle-time': optionalNumber,
  'accumulated-busy-time': optionalNumber,
});
export type VertexIoMetrics = z.infer<typeof vertexMetricsSchema>;

export const jobDetailSchema = z.looseObject({
  jid: z.string(),
  name: z.string(),
  state: z.string(),
  now: optionalNumber,
  'start-time': optionalNumber,
  timestamps: z.record(z.string(), z.unknown().transform((v) => parseFlinkNumber(v))).optional(),
  'status-counts': z.record(z.string(), z.unknown().transform((v) => parseFlinkNumber(v))).optional(),
  vertices: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      parallelism: flinkNumber,
      status: z.string().optional(),
      metrics: vertexMetricsSchema.optional(),
    }),
  ),
  plan: z
    .looseObject({
      nodes: z
        .array(
          z.looseObject({
            id: z.string(),
            inputs: z.array(z.looseObject({ id: z.string() })).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;

/** Metric endpoints without `get`: `[{id}]`; with `get`: `[{id, value}]` (strings). */
export const metricListSchema = z.array(z.looseObject({ id: z.string(), value: z.unknown().optional() }));
export type MetricList = z.infer<typeof metricListSchema>;

/** Aggregated metric endpoints with `agg=`: `[{id, min?, max?, sum?, avg?, skew?}]`. */
export const aggregatedMetricsSchema = z.array(
  z.looseObject({
    id: z.string(),
    min: optionalNumber,
    max: optionalNumber,
    sum: optionalNumber,
    avg: optionalNumber,
  }),
);
export type AggregatedMetrics = z.infer<typeof aggregatedMetricsSchema>;

const checkpointEntry = z
  .looseObject({
    id: optionalNumber,
    trigger_timestamp: optionalNumber,
    latest_ack_timestamp: optionalNumber,
    end_to_end_duration: optionalNumber,
    checkpointed_size: optionalNumber,
    state_size: optionalNumber,
  })
  .nullable()
  .optional();

export const checkpointsSchema = z.looseObject({
  counts: z.looseObject({
    completed: flinkNumber,
    failed: flinkNumber,
    in_progress: optionalNumber,
    restored: optionalNumber,
  }),
  latest: z
    .looseObject({
      completed: checkpointEntry,
      failed: checkpointEntry,
    })
    .nullable()
    .optional(),
});
export type Checkpoints = z.infer<typeof checkpointsSchema>;

export const checkpointConfigSchema = z.looseObject({ interval: optionalNumber });
export type CheckpointConfig = z.infer<typeof checkpointConfigSchema>;

const exceptionEntry = z.looseObject({ timestamp: optionalNumber, exceptionName: z.string().nullable().optional() });
export const exceptionsSchema = z.looseObject({
  exceptionHistory: z.looseObject({ entries: z.array(exceptionEntry) }).optional(),
  'all-exceptions': z.array(z.looseObject({ timestamp: optionalNumber })).optional(),
  'root-exception': z.string().nullable().optional(),
});
export type Exceptions = z.infer<typeof exceptionsSchema>;

export const taskManagersSchema = z.looseObject({
  taskmanagers: z.array(
    z.looseObject({
      id: z.string(),
      path: z.string().optional(),
      timeSinceLastHeartbeat: optionalNumber,
      slotsNumber: optionalNumber,
      freeSlots: optionalNumber,
    }),
  ),
});
export type TaskManagers = z.infer<typeof taskManagersSchema>;

/**
 * Validates `body` against `schema`; throws FlinkResponseError (`FPB_ERR_FLINK_RESPONSE`) naming the endpoint and
 * the first failing JSON path, e.g. `/jobs/:jid: unexpected Flink REST response: vertices[0].parallelism: expected a number`
 * (a leading array index is written `[0].id`).
 */
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, endpoint: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path =
    issue && issue.path.length > 0
      ? issue.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('')
      : '(root)';
  throw new FlinkResponseError(endpoint, `${path}: ${issue?.message ?? 'invalid'}`);
}
