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
 * Removes the push groups whose series name jobs (`job_id` labels) and all of those jobs are terminal or no longer
 * listed by the cluster (issue 6 §2, "Job lifecycle"): the groups of a cancelled job vanish at the first poll that
 * sees it, not after `group_ttl`. Groups without any `job_id` label (JobManager and TaskManager process metrics)
 * are left to the TTL. Their series end with staleness markers.
 *
 * @returns the number of groups removed.
 */
export function removeGroupsOfFinishedJobs(receiver: PushReceiver, listing: JobListing, terminal: TerminalStates): number {
  return receiver.removeWhere((_labels, jobIds) => {
    if (jobIds.size === 0) return false;
    for (const id of jobIds) {
      const state = listing.jobs.get(id);
      if (state !== undefined && !terminal.has(state)) return false;
    }
    return true;
  });
}
