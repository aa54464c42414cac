import { BridgeError, FlinkVersionError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { chunkMetricIds, type MetricNameCache } from './metric-names.js';
import {
  aggregatedMetricsSchema,
  checkpointConfigSchema,
  checkpointsSchema,
  configSchema,
  exceptionsSchema,
  jobDetailSchema,
  jobsOverviewSchema,
  metricListSchema,
  overviewSchema,
  parseResponse,
  taskManagersSchema,
  type Checkpoints,
  type FlinkConfigInfo,
  type JobDetail,
  type JobsOverview,
  type Overview,
  type TaskManagers,
} from './responses.js';
import { parseFlinkNumber } from './values.js';
import type { ExceptionTracker } from './exception-tracker.js';
import type { z } from 'zod';

/** The one thing the cycle needs from HTTP; `FlinkRestClient` implements it, tests serve recorded responses. */
export interface RestGetter {
  getJson(path: string, endpoint: string): Promise<unknown>;
}

/** Aggregated value of one metric over a vertex's subtasks (`agg=min,max,sum`). */
export interface Aggregate {
  readonly min?: number;
  readonly max?: number;
  readonly sum?: number;
}

export interface TaskManagerPoll {
  readonly info: TaskManagers['taskmanagers'][number];
  /** Metric id → value, or undefined when the TaskManager's metrics failed this cycle. */
  readonly metrics?: ReadonlyMap<string, number>;
}

export interface VertexPoll {
  readonly id: string;
  /** Metric id → aggregate over subtasks; undefined when the request failed or Flink had no data yet. */
  readonly metrics?: ReadonlyMap<string, Aggregate>;
}

export interface JobPoll {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly detail?: JobDetail;
  readonly metrics?: ReadonlyMap<string, number>;
  readonly checkpoints?: Checkpoints;
  /** Checkpoint interval in ms from `/jobs/:jid/checkpoints/config` (cached per job), when checkpointing is on. */
  readonly checkpointIntervalMs?: number;
  /** Root exceptions counted since the sidecar first saw the job (see ExceptionTracker). */
  readonly exceptions?: number;
  readonly vertices: readonly VertexPoll[];
}

export interface EndpointFailure {
  readonly endpoint: string;
  readonly code: string;
  readonly message: string;
}

/** Everything one poll cycle learned. `reachable` is false when `/overview` could not be read. */
export interface PollOutcome {
  readonly startedAtMs: number;
  readonly reachable: boolean;
  readonly config?: FlinkConfigInfo;
  readonly overview?: Overview;
  readonly jobsOverview?: JobsOverview;
  readonly taskManagers: readonly TaskManagerPoll[];
  readonly jobManagerMetrics?: ReadonlyMap<string, number>;
  readonly jobs: readonly JobPoll[];
  readonly failures: readonly EndpointFailure[];
  /** 4 + T + Σ over polled jobs (3 + running vertices): the steady-state request count of this cycle. */
  readonly plannedRequests: number;
}

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

const JVM_METRICS = ['Status.JVM.Memory.Heap.Used', 'Status.JVM.Memory.Heap.Max', 'Status.JVM.CPU.Load'] as const;
const TM_EXTRA_METRICS = ['Status.Shuffle.Netty.UsedMemory', 'Status.Shuffle.Netty.TotalMemory'] as const;
/** Per-collector GC metrics; the `All` pseudo-collector (1.19+) is skipped so sums over `collector` stay right. */
export const GC_METRIC_RE = /^Status\.JVM\.GarbageCollector\.(.+)\.(Count|Time)$/;

/** State that lives across cycles: name caches, per-job checkpoint config, exception counting. */
export interface PollState {
  readonly names: MetricNameCache;
  readonly checkpointIntervals: Map<string, number | null>;
  readonly exceptions: ExceptionTracker;
  config?: FlinkConfigInfo;
}

export interface PollCycleOptions {
  readonly rest: RestGetter;
  readonly state: PollState;
  readonly nowMs: () => number;
  readonly exceptionsIntervalMs: number;
  readonly logger?: Logger;
  /** Called for an empty aggregated answer to requested ids (self-metric). */
  readonly onAggregatedEmpty?: () => void;
}

/**
 * One poll cycle over the Flink REST API (reference/flink.md §1.9). Steady state, per cycle:
 * `/overview`, `/jobs/overview`, `/taskmanagers`, `/jobmanager/metrics?get=…`, per TaskManager
 * `/taskmanagers/:id/metrics?get=…`; per non-terminal job `/jobs/:jid`, `/jobs/:jid/metrics?get=…`,
 * `/jobs/:jid/checkpoints`; per vertex of a RUNNING job one `/jobs/:jid/vertices/:vid/subtasks/metrics?get=…&agg=min,max,sum`.
 * Plus, amortised: `/config` (first cycle and after the API was unreachable), name discovery (first sight and every
 * `metric_names_refresh_interval`), `/jobs/:jid/checkpoints/config` once per job, `/jobs/:jid/exceptions` every
 * `exceptions_interval`. Requests run concurrently (bounded by the client). A failing endpoint is recorded in
 * `failures` and costs only its own data; nothing here throws except programming errors.
 */
export async function runPollCycle(opts: PollCycleOptions): Promise<PollOutcome> {
  const { rest, state } = opts;
  const startedAtMs = opts.nowMs();
  const failures: EndpointFailure[] = [];
  const attempt = async <T>(endpoint: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      const code = e instanceof BridgeError ? e.code : 'FPB_ERR_UNEXPECTED';
      const message = e instanceof Error ? e.message : String(e);
      failures.push({ endpoint, code, message });
      opts.logger?.debug({ endpoint, code, err: message }, 'poll endpoint failed');
      return undefined;
    }
  };
  const get = async <S extends z.ZodType>(path: string, endpoint: string, schema: S): Promise<z.output<S>> =>
    parseResponse(schema, await rest.getJson(path, endpoint), endpoint);

  const overview = await attempt('/overview', () => get('/overview', '/overview', overviewSchema));
  if (!overview) {
    state.config = undefined; // re-probe the version once the API is back (it may be another Flink)
    return { startedAtMs, reachable: false, taskManagers: [], jobs: [], failures, plannedRequests: 1 };
  }

  const configP = state.config
    ? Promise.resolve(state.config)
    : attempt('/config', () => get('/config', '/config', configSchema)).then((c) => {
        // Counted once per probe (first cycle, and after the API was unreachable), not every cycle.
        if (c && !TESTED_VERSION.test(c['flink-version'])) {
          const e = new FlinkVersionError(c['flink-version']);
          failures.push({ endpoint: '/config', code: e.code, message: e.message });
        }
        return (state.config = c);
      });
  const jobsOverviewP = attempt('/jobs/overview', () => get('/jobs/overview', '/jobs/overview', jobsOverviewSchema));
  const tmsP = attempt('/taskmanagers', () => get('/taskmanagers', '/taskmanagers', taskManagersSchema));
  const jmMetricsP = attempt('/jobmanager/metrics', () =>
    fetchMetricValues(rest, state.names, '/jobmanager/metrics', 'jm', startedAtMs, (n) => isJvmMetric(n)),
  );

  const tms = await tmsP;
  const taskManagersP = Promise.all(
    (tms?.taskmanagers ?? []).map(async (info): Promise<TaskManagerPoll> => {
      const metrics = await attempt('/taskmanagers/:tmid/metrics', () =>
        fetchMetricValues(
          rest,
          state.names,
          `/taskmanagers/${encodeURIComponent(info.id)}/metrics`,
          `tm|${info.id}`,
          startedAtMs,
          (n) => isJvmMetric(n) || (TM_EXTRA_METRICS as readonly string[]).includes(n),
        ),
      );
      return metrics ? { info, metrics } : { info };
    }),
  );

  const jobsOverview = await jobsOverviewP;
  const liveJobs = (jobsOverview?.jobs ?? []).filter((j) => !TERMINAL_JOB_STATES.has(j.state));
  const jobsP = Promise.all(liveJobs.map((j) => pollJob(opts, attempt, get, j, startedAtMs)));

  const [config, taskManagers, jobManagerMetrics, jobs] = await Promise.all([configP, taskManagersP, jmMetricsP, jobsP]);

  // Forget caches of jobs and TaskManagers Flink no longer lists.
  const liveIds = new Set<string>([...liveJobs.map((j) => j.jid), ...(tms?.taskmanagers ?? []).map((t) => t.id)]);
  state.names.retain((scope) => scope === 'jm' || liveIds.has(ownerOf(scope)));
  if (jobsOverview) {
    for (const jid of state.checkpointIntervals.keys()) if (!liveIds.has(jid)) state.checkpointIntervals.delete(jid);
    state.exceptions.retain(new Set(jobsOverview.jobs.map((j) => j.jid)));
  }

  const plannedRequests =
    4 + taskManagers.length + jobs.reduce((n, j) => n + 3 + (j.state === 'RUNNING' ? j.vertices.length : 0), 0);
  return {
    startedAtMs,
    reachable: true,
    config,
    overview,
    jobsOverview,
    taskManagers,
    jobManagerMetrics,
    jobs,
    failures,
    plannedRequests,
  };
}

type Attempt = <T>(endpoint: string, fn: () => Promise<T>) => Promise<T | undefined>;
type Get = <S extends z.ZodType>(path: string, endpoint: string, schema: S) => Promise<z.output<S>>;

async function pollJob(
  opts: PollCycleOptions,
  attempt: Attempt,
  get: Get,
  job: JobsOverview['jobs'][number],
  nowMs: number,
): Promise<JobPoll> {
  const { rest, state } = opts;
  const base = `/jobs/${encodeURIComponent(job.jid)}`;
  const detailP = attempt('/jobs/:jid', () => get(base, '/jobs/:jid', jobDetailSchema));
  const metricsP = attempt('/jobs/:jid/metrics', () =>
    fetchMetricValues(rest, state.names, `${base}/metrics`, `job|${job.jid}`, nowMs, (n, all) =>
      // numRestarts is missing from REST on 1.15–1.16 (FLINK-30558); fullRestarts is the same gauge there.
      n === 'numRestarts' || (n === 'fullRestarts' && !all.has('numRestarts')),
    ),
  );
  const checkpointsP = attempt('/jobs/:jid/checkpoints', () => get(`${base}/checkpoints`, '/jobs/:jid/checkpoints', checkpointsSchema));
  let checkpointConfigP: Promise<number | null | undefined> = Promise.resolve(state.checkpointIntervals.get(job.jid));
  if (!state.checkpointIntervals.has(job.jid)) {
    checkpointConfigP = attempt('/jobs/:jid/checkpoints/config', async () => {
      try {
        const c = await get(`${base}/checkpoints/config`, '/jobs/:jid/checkpoints/config', checkpointConfigSchema);
        const interval = c.interval !== undefined && c.interval > 0 && c.interval < 9e18 ? c.interval : null;
        state.checkpointIntervals.set(job.jid, interval);
        return interval;
      } catch (e) {
        // Flink answers 404 when checkpointing is disabled for the job: remember "none" instead of failing each cycle.
        if ((e as { status?: number }).status === 404) {
          state.checkpointIntervals.set(job.jid, null);
          return null;
        }
        throw e;
      }
    });
  }
  let exceptionsP: Promise<number | undefined> = Promise.resolve(state.exceptions.count(job.jid));
  if (state.exceptions.due(job.jid, nowMs, opts.exceptionsIntervalMs)) {
    exceptionsP = attempt('/jobs/:jid/exceptions', async () => {
      const ex = await get(`${base}/exceptions?maxExceptions=16`, '/jobs/:jid/exceptions', exceptionsSchema);
      return state.exceptions.observe(job.jid, ex, nowMs);
    }).then((n) => n ?? state.exceptions.count(job.jid));
  }

  const detail = await detailP;
  // Prefer the state of /jobs/:jid: the vertex series come from that same answer, so state and vertices agree.
  const jobState = detail?.state ?? job.state;
  let vertices: VertexPoll[] = [];
  if (detail && jobState === 'RUNNING') {
    vertices = await Promise.all(
      detail.vertices.map(async (v): Promise<VertexPoll> => {
        const metrics = await attempt('/jobs/:jid/vertices/:vid/subtasks/metrics', () =>
          fetchVertexAggregates(opts, `${base}/vertices/${encodeURIComponent(v.id)}/subtasks/metrics`, `vertex|${job.jid}|${v.id}`, nowMs),
        );
        return metrics ? { id: v.id, metrics } : { id: v.id };
      }),
    );
  }
  const [metrics, checkpoints, checkpointInterval, exceptions] = await Promise.all([
    metricsP,
    checkpointsP,
    checkpointConfigP,
    exceptionsP,
  ]);
  return {
    id: job.jid,
    name: detail?.name ?? job.name,
    state: jobState,
    detail,
    metrics,
    checkpoints,
    checkpointIntervalMs: checkpointInterval ?? undefined,
    exceptions,
    vertices,
  };
}

function isJvmMetric(name: string): boolean {
  if ((JVM_METRICS as readonly string[]).includes(name)) return true;
  const m = GC_METRIC_RE.exec(name);
  return m !== null && m[1] !== 'All';
}

/** Scopes are `jm`, `tm|<tmid>`, `job|<jid>`, `vertex|<jid>|<vid>`; the owner is the TaskManager or job id. */
function ownerOf(scope: string): string {
  return scope.split("|")[1] ?? "";
}

/** Lists the names of a metric endpoint (cached), then fetches the wanted ones with `get=` (chunked). */
async function fetchMetricValues(
  rest: RestGetter,
  names: MetricNameCache,
  path: string,
  scope: string,
  nowMs: number,
  wanted: (name: string, all: ReadonlySet<string>) => boolean,
): Promise<Map<string, number>> {
  const endpoint = endpointOf(path);
  let available = names.get(scope, nowMs);
  if (!available) {
    const listed = parseResponse(metricListSchema, await rest.getJson(path, endpoint), endpoint);
    available = names.set(scope, listed.map((m) => m.id), nowMs);
  }
  const all = available;
  const ids = [...all].filter((n) => wanted(n, all));
  const out = new Map<string, number>();
  for (const chunk of chunkMetricIds(ids)) {
    const values = parseResponse(metricListSchema, await rest.getJson(`${path}?get=${chunk}`, endpoint), endpoint);
    for (const m of values) {
      const v = parseFlinkNumber(m.value);
      if (v !== undefined) out.set(m.id, v);
    }
  }
  return out;
}

async function fetchVertexAggregates(
  opts: PollCycleOptions,
  path: string,
  scope: string,
  nowMs: number,
): Promise<Map<string, Aggregate>> {
  const { rest, state } = opts;
  const endpoint = '/jobs/:jid/vertices/:vid/subtasks/metrics';
  const discover = async (): Promise<ReadonlySet<string>> => {
    const listed = parseResponse(metricListSchema, await rest.getJson(path, endpoint), endpoint);
    return state.names.set(scope, listed.map((m) => m.id), nowMs);
  };
  const wanted = (all: ReadonlySet<string>): string[] =>
    [...all].filter(
      (n) => (VERTEX_TASK_METRICS as readonly string[]).includes(n) || VERTEX_OPERATOR_SUFFIXES.some((s) => n.endsWith(s)),
    );
  const fetchOnce = async (ids: string[]): Promise<{ map: Map<string, Aggregate>; emptyChunk: boolean }> => {
    const map = new Map<string, Aggregate>();
    let emptyChunk = false;
    for (const chunk of chunkMetricIds(ids)) {
      const res = parseResponse(aggregatedMetricsSchema, await rest.getJson(`${path}?get=${chunk}&agg=min,max,sum`, endpoint), endpoint);
      if (res.length === 0) emptyChunk = true;
      for (const m of res) map.set(m.id, { min: m.min, max: m.max, sum: m.sum });
    }
    return { map, emptyChunk };
  };

  let available = state.names.get(scope, nowMs);
  const cached = available !== undefined;
  available ??= await discover();
  let result = await fetchOnce(wanted(available));
  if (result.emptyChunk && cached) {
    // A cached id vanished (e.g. an operator re-registered after a restart): re-discover once, then retry.
    opts.onAggregatedEmpty?.();
    state.names.invalidate(scope);
    result = await fetchOnce(wanted(await discover()));
  }
  return result.map;
}

function endpointOf(path: string): string {
  return path
    .replace(/^\/taskmanagers\/[^/]+\/metrics$/, '/taskmanagers/:tmid/metrics')
    .replace(/^\/jobs\/[^/]+\/metrics$/, '/jobs/:jid/metrics');
}
