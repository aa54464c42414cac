import type { PushConfig } from '../../config/schema.js';
import type { PushHttpDeps } from '../../http/push-routes.js';
import type { Logger } from '../../log/logger.js';
import { ALL_FAMILIES } from '../flink/families.js';
import type { SelfMetrics } from '../../self/metrics.js';
import type { SeriesStore } from '../../store/types.js';
import type { PollOutcome } from '../flink/poll-outcome.js';
import { TERMINAL_JOB_STATES } from '../flink/poll-plan.js';
import { removeGroupsOfFinishedJobs } from './job-lifecycle.js';
import { PushMetrics } from './metrics.js';
import { PushReceiver } from './receiver.js';

const OWN_FAMILIES: ReadonlySet<string> = new Set(ALL_FAMILIES.map((f) => f.name));

/** Family names a push may not use: the sidecar's self-metrics and its REST-derived families. */
export function isSidecarFamily(name: string): boolean {
  return name.startsWith('flink_bridge_') || OWN_FAMILIES.has(name);
}

/** The push receiver as the app holds it: the receiver, its HTTP deps, and the poller hook of the job lifecycle. */
export interface PushSetup {
  readonly receiver: PushReceiver;
  readonly http: PushHttpDeps;
  /** Called after every poll cycle: removes groups of finished jobs (when `push.remove_finished_jobs`). */
  polled(outcome: PollOutcome | undefined): void;
}

/** Builds the push receiver from the `push` section; undefined when `push.enabled` is false. */
export function pushSetup(
  config: PushConfig,
  deps: { store: SeriesStore; self: SelfMetrics; logger: Logger; onCommit: (source: string, t: number) => void },
): PushSetup | undefined {
  if (!config.enabled) return undefined;
  const metrics = new PushMetrics([deps.self.registry]);
  const receiver = new PushReceiver({
    store: deps.store,
    groupTtlMs: config.groupTtlMs,
    limits: config.limits,
    isReservedFamily: isSidecarFamily,
    onCommit: deps.onCommit,
    observer: metrics,
  });
  return {
    receiver,
    http: {
      receiver,
      limits: { maxBodyBytes: config.limits.maxBodyBytes, maxDecodedBytes: config.limits.maxDecodedBytes },
      adminApi: config.enableAdminApi,
      logger: deps.logger,
    },
    polled(outcome) {
      // Only a cycle whose job list answered can say a job is gone; an unreachable cluster removes nothing.
      if (!config.removeFinishedJobs || outcome?.reachable !== true || outcome.jobsOverview === undefined) return;
      const jobs = new Map(outcome.jobsOverview.jobs.map((j) => [j.jid, j.state]));
      removeGroupsOfFinishedJobs(receiver, { jobs }, TERMINAL_JOB_STATES);
    },
  };
}
