import { BridgeError, FlinkVersionError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { forgetGoneEntities } from './housekeeping.js';
import { fetchMetricValues, fetchVertexAggregates, type MetricFetchContext } from './metric-fetch.js';
import type { EndpointFailure, JobPoll, PollOutcome, RestGetter, TaskManagerPoll, VertexPoll } from './poll-outcome.js';
import {
  expectedVertexMetrics,
  JVM_METRICS,
  plannedRequests,
  TM_EXPECTED_METRICS,
  TERMINAL_JOB_STATES,
  TESTED_VERSION,
  TOP_LEVEL_REQUESTS,
  wantedJobManagerMetric,
  wantedJobMetric,
  wantedTaskManagerMetric,
  wantedVertexMetric,
} from './poll-plan.js';
import type { PollState } from './poll-state.js';
import {
  checkpointConfigSchema,
  checkpointsSchema,
  configSchema,
  exceptionsSchema,
  jobDetailSchema,
  jobsOverviewSchema,
  overviewSchema,
  parseResponse,
  taskManagersSchema,
  type JobsOverview,
} from './responses.js';
import { endpointKey } from './series-endpoints.js';
import type { z } from 'zod';

export type { Aggregate, EndpointFailure, JobPoll, PollOutcome, RestGetter, TaskManagerPoll, VertexPoll } from './poll-outcome.js';

export interface PollCycleOptions {
  readonly rest: RestGetter;
  readonly state: PollState;
  readonly nowMs: () => number;
  readonly exceptionsIntervalMs: number;
  readonly logger?: Logger;
  /** Called for an empty aggregated answer to requested ids (self-metric). */
  readonly onAggregatedEmpty?: () => void;
}

/** Per-cycle plumbing shared by the cycle's steps: failures, answered endpoint instances, metric fetch context. */
interface Cycle {
  readonly opts: PollCycleOptions;
  readonly nowMs: number;
  readonly failures: EndpointFailure[];
  readonly answered: Set<string>;
  readonly metrics: MetricFetchContext;
  /** Runs `fn`; on success records `key` as answered, on failure records the failure and resolves undefined. */
  attempt<T>(endpoint: string, key: string, fn: () => Promise<T>): Promise<T | undefined>;
  get<S extends z.ZodType>(path: string, endpoint: string, schema: S): Promise<z.output<S>>;
}

/**
 * One poll cycle over the Flink REST API (reference/flink.md §1.9), following the plan of poll-plan.ts: the four
 * top-level requests, one metrics request per TaskManager, three per non-terminal job and one aggregated request
 * per vertex of a RUNNING job, plus the amortised extras (`/config`, name discovery, checkpoint config, exceptions).
 * Requests run concurrently (bounded by the client). A failing endpoint is recorded in `failures` and costs only its
 * own data; nothing here throws except programming errors.
 */
export async function runPollCycle(opts: PollCycleOptions): Promise<PollOutcome> {
  const { rest, state } = opts;
  const startedAtMs = opts.nowMs();
  const failures: EndpointFailure[] = [];
  const answered = new Set<string>();
  let discoveryRequests = 0;
  let metricGetRequests = 0;
  let responded = false;
  const cycle: Cycle = {
    opts,
    nowMs: startedAtMs,
    failures,
    answered,
    metrics: {
      rest,
      names: state.names,
      nowMs: startedAtMs,
      onDiscovery: () => discoveryRequests++,
      onPlannedGets: (n) => (metricGetRequests += n),
      onAggregatedEmpty: opts.onAggregatedEmpty,
    },
    async attempt(endpoint, key, fn) {
      try {
        const r = await fn();
        answered.add(key);
        responded = true;
        return r;
      } catch (e) {
        const code = e instanceof BridgeError ? e.code : 'FPB_ERR_UNEXPECTED';
        const message = e instanceof Error ? e.message : String(e);
        failures.push({ endpoint, code, message });
        opts.logger?.debug({ endpoint, code, err: message }, 'poll endpoint failed');
        return undefined;
      }
    },
    get: async (path, endpoint, schema) => parseResponse(schema, await rest.getJson(path, endpoint), endpoint),
  };

  // The four top-level requests go out together: one failing (even /overview) costs only its own series.
  state.names.markLive('jm', startedAtMs);
  const overviewP = cycle.attempt('/overview', endpointKey.global('overview'), () => cycle.get('/overview', '/overview', overviewSchema));
  const configP = probeConfig(cycle);
  const jobsOverviewP = cycle.attempt('/jobs/overview', endpointKey.global('jobs-overview'), () =>
    cycle.get('/jobs/overview', '/jobs/overview', jobsOverviewSchema),
  );
  const tmsP = cycle.attempt('/taskmanagers', endpointKey.global('taskmanagers'), () => cycle.get('/taskmanagers', '/taskmanagers', taskManagersSchema));
  const jmMetricsP = cycle.attempt('/jobmanager/metrics', endpointKey.global('jobmanager-metrics'), () =>
    fetchMetricValues(cycle.metrics, {
      path: '/jobmanager/metrics',
      endpoint: '/jobmanager/metrics',
      scope: 'jm',
      wanted: wantedJobManagerMetric,
      expected: JVM_METRICS,
    }),
  );

  const tms = await tmsP;
  const taskManagersP = Promise.all((tms?.taskmanagers ?? []).map((info) => pollTaskManager(cycle, info)));
  const jobsOverview = await jobsOverviewP;
  const liveJobs = (jobsOverview?.jobs ?? []).filter((j) => !TERMINAL_JOB_STATES.has(j.state));
  const jobsP = Promise.all(liveJobs.map((j) => pollJob(cycle, j)));

  const [overview, config, taskManagers, jobManagerMetrics, jobs] = await Promise.all([overviewP, configP, taskManagersP, jmMetricsP, jobsP]);
  if (!responded) {
    // The JobManager did not answer at all: flink_up 0. Cached answers do not count, and the version is re-probed
    // once the API is back (it may be another Flink); its metric names are young again then.
    state.config = undefined;
    state.names.markDown('jm');
    return { startedAtMs, reachable: false, taskManagers: [], jobs: [], failures, answered: new Set(), discoveryRequests, plannedRequests: TOP_LEVEL_REQUESTS };
  }

  forgetGoneEntities(state, {
    jobIds: jobsOverview ? new Set(jobsOverview.jobs.map((j) => j.jid)) : undefined,
    liveJobIds: jobsOverview ? new Set(liveJobs.map((j) => j.jid)) : undefined,
    taskManagerIds: tms ? new Set(tms.taskmanagers.map((t) => t.id)) : undefined,
  });

  return {
    startedAtMs,
    reachable: true,
    config,
    overview,
    jobsOverview,
    taskManagerList: tms,
    taskManagers,
    jobManagerMetrics,
    jobs,
    failures,
    answered,
    discoveryRequests,
    plannedRequests: plannedRequests(jobs.length, metricGetRequests),
  };
}

/** `/config` once per probe (first cycle, and after the API was unreachable), not every cycle; an untested version is counted then. */
function probeConfig(cycle: Cycle): Promise<PollOutcome['config']> {
  const { state } = cycle.opts;
  if (state.config) {
    cycle.answered.add(endpointKey.global('config'));
    return Promise.resolve(state.config);
  }
  return cycle
    .attempt('/config', endpointKey.global('config'), () => cycle.get('/config', '/config', configSchema))
    .then((c) => {
      if (c && !TESTED_VERSION.test(c['flink-version'])) {
        const e = new FlinkVersionError(c['flink-version']);
        cycle.failures.push({ endpoint: '/config', code: e.code, message: e.message });
      }
      return (state.config = c);
    });
}

async function pollTaskManager(cycle: Cycle, info: TaskManagerPoll['info']): Promise<TaskManagerPoll> {
  cycle.opts.state.names.markLive(`tm|${info.id}`, cycle.nowMs);
  const metrics = await cycle.attempt('/taskmanagers/:tmid/metrics', endpointKey.taskManager(info.id), () =>
    fetchMetricValues(cycle.metrics, {
      path: `/taskmanagers/${encodeURIComponent(info.id)}/metrics`,
      endpoint: '/taskmanagers/:tmid/metrics',
      scope: `tm|${info.id}`,
      wanted: wantedTaskManagerMetric,
      expected: TM_EXPECTED_METRICS,
    }),
  );
  return metrics ? { info, metrics } : { info };
}

async function pollJob(cycle: Cycle, job: JobsOverview['jobs'][number]): Promise<JobPoll> {
  const { state } = cycle.opts;
  const jid = job.jid;
  const base = `/jobs/${encodeURIComponent(jid)}`;
  state.names.markLive(`job|${jid}`, cycle.nowMs);
  const detailP = cycle.attempt('/jobs/:jid', endpointKey.job('job', jid), () => cycle.get(base, '/jobs/:jid', jobDetailSchema));
  const metricsP = cycle.attempt('/jobs/:jid/metrics', endpointKey.job('job-metrics', jid), () =>
    fetchMetricValues(cycle.metrics, { path: `${base}/metrics`, endpoint: '/jobs/:jid/metrics', scope: `job|${jid}`, wanted: wantedJobMetric }),
  );
  const checkpointsP = cycle.attempt('/jobs/:jid/checkpoints', endpointKey.job('job-checkpoints', jid), () =>
    cycle.get(`${base}/checkpoints`, '/jobs/:jid/checkpoints', checkpointsSchema),
  );
  const checkpointConfigP = checkpointInterval(cycle, jid, base);
  const exceptionsP = exceptionCount(cycle, jid, base);

  const detail = await detailP;
  // Prefer the state of /jobs/:jid: the vertex series come from that same answer, so state and vertices agree.
  const jobState = detail?.state ?? job.state;
  let vertices: VertexPoll[] = [];
  const vertexScope = (vid: string): string => `vertex|${jid}|${vid}`;
  if (detail && jobState === 'RUNNING') {
    const inputs = new Map((detail.plan?.nodes ?? []).map((n) => [n.id, (n.inputs ?? []).length > 0]));
    vertices = await Promise.all(
      detail.vertices.map(async (v): Promise<VertexPoll> => {
        const scope = vertexScope(v.id);
        // A vertex whose tasks are not all RUNNING yet (waiting for slots, deploying) registers metrics later.
        if (v.status === undefined || v.status === 'RUNNING') state.names.markLive(scope, cycle.nowMs);
        else state.names.markDown(scope);
        const metrics = await cycle.attempt('/jobs/:jid/vertices/:vid/subtasks/metrics', endpointKey.vertex(jid, v.id), () =>
          fetchVertexAggregates(cycle.metrics, {
            path: `${base}/vertices/${encodeURIComponent(v.id)}/subtasks/metrics`,
            endpoint: '/jobs/:jid/vertices/:vid/subtasks/metrics',
            scope,
            wanted: wantedVertexMetric,
            expected: expectedVertexMetrics(inputs.get(v.id) ?? false),
          }),
        );
        return metrics ? { id: v.id, metrics } : { id: v.id };
      }),
    );
    if (vertices.every((v) => v.metrics !== undefined)) cycle.answered.add(endpointKey.job('job-vertex-metrics', jid));
  } else if (jobState !== 'RUNNING') {
    // The job left RUNNING (a restart re-deploys every task): its vertices start young again.
    const prefix = `vertex|${jid}|`;
    state.names.retain((scope) => !scope.startsWith(prefix));
  }
  const [metrics, checkpoints, interval, exceptions] = await Promise.all([metricsP, checkpointsP, checkpointConfigP, exceptionsP]);
  return {
    id: jid,
    name: detail?.name ?? job.name,
    state: jobState,
    detail,
    metrics,
    checkpoints,
    checkpointIntervalMs: interval ?? undefined,
    exceptions,
    vertices,
  };
}

/** Checkpoint interval of a job from `/jobs/:jid/checkpoints/config`, read once per job and cached (null: checkpointing off). */
function checkpointInterval(cycle: Cycle, jid: string, base: string): Promise<number | null | undefined> {
  const { state } = cycle.opts;
  const key = endpointKey.job('job-checkpoint-config', jid);
  if (state.checkpointIntervals.has(jid)) {
    cycle.answered.add(key);
    return Promise.resolve(state.checkpointIntervals.get(jid));
  }
  return cycle.attempt('/jobs/:jid/checkpoints/config', key, async () => {
    try {
      const c = await cycle.get(`${base}/checkpoints/config`, '/jobs/:jid/checkpoints/config', checkpointConfigSchema);
      const interval = c.interval !== undefined && c.interval > 0 && c.interval < 9e18 ? c.interval : null;
      state.checkpointIntervals.set(jid, interval);
      return interval;
    } catch (e) {
      // Flink answers 404 when checkpointing is disabled for the job: remember "none" instead of failing each cycle.
      if ((e as { status?: number }).status === 404) {
        state.checkpointIntervals.set(jid, null);
        return null;
      }
      throw e;
    }
  });
}

/** Root exceptions counted so far, re-reading `/jobs/:jid/exceptions` every `exceptionsIntervalMs`. */
async function exceptionCount(cycle: Cycle, jid: string, base: string): Promise<number | undefined> {
  const { state, exceptionsIntervalMs } = cycle.opts;
  const key = endpointKey.job('job-exceptions', jid);
  if (!state.exceptions.due(jid, cycle.nowMs, exceptionsIntervalMs)) {
    cycle.answered.add(key);
    return state.exceptions.count(jid);
  }
  const n = await cycle.attempt('/jobs/:jid/exceptions', key, async () => {
    const ex = await cycle.get(`${base}/exceptions?maxExceptions=16`, '/jobs/:jid/exceptions', exceptionsSchema);
    return state.exceptions.observe(jid, ex, cycle.nowMs);
  });
  return n ?? state.exceptions.count(jid);
}
