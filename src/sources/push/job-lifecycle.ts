import type { PushReceiver } from './receiver.js';

/**
 * What the job-lifecycle rule needs from the Flink REST poller: the jobs of the last cycle whose `/jobs/overview`
 * answered, by job id with their state. The app adapts the poller's outcome to it; nothing else of the poller is
 * seen here.
 */
export interface JobListing {
  /** Job id → Flink JobStatus name (`RUNNING`, `CANCELED`, …), of every job the cluster lists. */
  readonly jobs: ReadonlyMap<string, string>;
}

/** Job states after which Flink runs nothing more for the job (the poller's TERMINAL_JOB_STATES). */
export type TerminalStates = ReadonlySet<string>;

/**
 * Ends the pushed series of jobs that are terminal or no longer listed by the cluster (issue 6 §2, "Job
 * lifecycle"): a cancelled job's series vanish at the first poll that sees it, not after `group_ttl`. A group whose
 * series all belong to such jobs (a JobManager's job group) is removed whole; a TaskManager's group, which also
 * holds the process's own series (no `job_id`) and those of other jobs, keeps them — they do not go stale until
 * the reporter's next push. Groups without any `job_id` label are left to the TTL. Ended series get staleness
 * markers. A push racing the end (the reporter pushed before the job's tasks unregistered their metrics) brings
 * the series back until the next poll ends them again: the Pushgateway's PUT semantics are kept, no push is
 * rewritten.
 *
 * @returns groups removed whole and series ended in groups that stay.
 */
export function removeFinishedJobSeries(
  receiver: PushReceiver,
  listing: JobListing,
  terminal: TerminalStates,
): { readonly groups: number; readonly series: number } {
  return receiver.removeJobSeries((id) => {
    const state = listing.jobs.get(id);
    return state === undefined || terminal.has(state);
  });
}
