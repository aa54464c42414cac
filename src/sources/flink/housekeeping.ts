import { flinkLabelValue } from '../../model/names.js';
import type { PollState } from './poll-state.js';

/** What the cycle learned about which entities Flink still lists; undefined = unknown this cycle (the listing failed). */
export interface ListedEntities {
  /** Ids of the jobs Flink lists (any state), from `/jobs/overview`. */
  readonly jobIds?: ReadonlySet<string>;
  /** Ids of the non-terminal jobs, which the cycle polls. */
  readonly liveJobIds?: ReadonlySet<string>;
  /** Ids of the registered TaskManagers, from `/taskmanagers`. */
  readonly taskManagerIds?: ReadonlySet<string>;
}

/**
 * Cache retention after a cycle: forgets name lists and checkpoint configs of jobs and TaskManagers Flink no longer
 * lists (also their endpoint health), and exception counts of jobs it no longer lists at all (a finished job keeps its count while listed).
 * A listing that failed this cycle forgets nothing of its kind: a transient error must not cost a re-discovery.
 */
export function forgetGoneEntities(state: PollState, listed: ListedEntities): void {
  const { liveJobIds, jobIds, taskManagerIds } = listed;
  state.names.retain((scope) => {
    const [kind, owner = ''] = scope.split('|');
    if (kind === 'tm') return taskManagerIds === undefined || taskManagerIds.has(owner);
    if (kind === 'job' || kind === 'vertex') return liveJobIds === undefined || liveJobIds.has(owner);
    return true;
  });
  if (liveJobIds !== undefined) {
    for (const jid of state.checkpointIntervals.keys()) if (!liveJobIds.has(jid)) state.checkpointIntervals.delete(jid);
  }
  if (jobIds !== undefined) state.exceptions.retain(jobIds);
  const tmLabels = taskManagerIds && new Set([...taskManagerIds].map(flinkLabelValue));
  state.health.retain((key) => {
    const [kind = '', owner] = key.split('|');
    if (owner === undefined) return true; // cluster-wide endpoints
    if (kind === 'taskmanager-metrics') return tmLabels === undefined || tmLabels.has(owner);
    return liveJobIds === undefined || liveJobIds.has(owner);
  });
}
