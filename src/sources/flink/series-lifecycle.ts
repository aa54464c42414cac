import type { StoredSeries } from '../../store/types.js';
import { flinkLabelValue } from '../../model/names.js';
import type { PollOutcome } from './poll-outcome.js';
import { endpointOfSeries, type EndpointKind } from './series-endpoints.js';

/** Last time (Unix ms, the cycle's start) each endpoint instance answered. Per poller; kept across reloads. */
export class EndpointHealth {
  private readonly lastSuccess = new Map<string, number>();

  /** Records that every key in `answered` answered in the cycle started at `t`. */
  record(answered: Iterable<string>, t: number): void {
    for (const key of answered) this.lastSuccess.set(key, t);
  }

  lastSuccessMs(key: string): number | undefined {
    return this.lastSuccess.get(key);
  }

  /** Forgets instances for which `keep(key)` is false. */
  retain(keep: (key: string) => boolean): void {
    for (const key of this.lastSuccess.keys()) if (!keep(key)) this.lastSuccess.delete(key);
  }
}

const JOB_KINDS: ReadonlySet<EndpointKind> = new Set([
  'job',
  'job-metrics',
  'job-checkpoints',
  'job-checkpoint-config',
  'job-exceptions',
  'job-vertex-metrics',
  'vertex-metrics',
]);

/**
 * The series lifecycle of the `flink-rest` source (issue 5 §3 defect 4), as the `retain` predicate of
 * `appendSnapshot`: for a series absent from this cycle's snapshot it answers whether to leave it untouched.
 *
 * - The endpoint instance that produces the series answered without it → false (stale now: Flink says it is gone).
 * - Flink says the series' entity is gone → false: the job is no longer polled (not listed, or terminal) while
 *   `/jobs/overview` answered; a vertex series while its job is not RUNNING or `/jobs/:jid` no longer lists the
 *   vertex; a TaskManager series while `/taskmanagers` answered without that TaskManager.
 * - Otherwise the instance failed, or was not asked because a listing it depends on failed: true while its last
 *   success is less than `staleAfterMs` ago (no new sample, no staleness marker), false after that.
 * Series of families no endpoint produces (`flink_up`, and anything not in series-endpoints.ts) → false.
 */
export function retainSeries(outcome: PollOutcome, health: EndpointHealth, staleAfterMs: number): (series: StoredSeries) => boolean {
  const t = outcome.startedAtMs;
  const jobs = new Map(outcome.jobs.map((j) => [j.id, j]));
  const listedTaskManagers = outcome.taskManagerList ? new Set(outcome.taskManagerList.taskmanagers.map((tm) => flinkLabelValue(tm.id))) : undefined;
  return (series) => {
    const endpoint = endpointOfSeries(series.labels);
    if (endpoint === undefined || outcome.answered.has(endpoint.key)) return false;
    const { kind } = endpoint;
    if (JOB_KINDS.has(kind)) {
      const jobId = series.labels.get('job_id') ?? '';
      const job = jobs.get(jobId);
      if (outcome.jobsOverview !== undefined && job === undefined) return false;
      const taskId = series.labels.get('task_id');
      if (job !== undefined && (taskId !== undefined || kind === 'job-vertex-metrics' || kind === 'vertex-metrics')) {
        if (job.state !== 'RUNNING') return false;
        if (taskId !== undefined && job.detail !== undefined && !job.detail.vertices.some((v) => v.id === taskId)) return false;
      }
    } else if (kind === 'taskmanagers' || kind === 'taskmanager-metrics') {
      const tmId = series.labels.get('tm_id') ?? '';
      if (listedTaskManagers !== undefined && !listedTaskManagers.has(tmId)) return false;
    }
    const last = health.lastSuccessMs(endpoint.key);
    return last !== undefined && t - last < staleAfterMs;
  };
}
