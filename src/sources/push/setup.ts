import type { PushConfig } from '../../config/schema.js';
import type { PushHttpDeps } from '../../http/push-routes.js';
import type { Logger } from '../../log/logger.js';
import { ALL_FAMILIES } from '../flink/families.js';
import type { SelfMetrics } from '../../self/metrics.js';
import type { SeriesStore } from '../../store/types.js';
import type { PollOutcome } from '../flink/poll-outcome.js';
import { TERMINAL_JOB_STATES } from '../flink/poll-plan.js';
import { removeFinishedJobSeries } from './job-lifecycle.js';
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
  /**
   * Applies a reloaded `push` section to the running receiver: `group_ttl`, `limits` (body sizes included),
   * `group_by_body_labels`, `remove_finished_jobs` and `enable_admin_api` take effect at once; groups stay. `enabled` is not (see
   * {@link reloadPush}).
   */
  reconfigure(config: PushConfig): void;
}

/**
 * What a config reload does to the push receiver (`App.reload`, SIGHUP, `POST /-/reload`): applies the new `push`
 * section to the running receiver. `push.enabled` decides at start whether the routes exist; flipping it needs a
 * restart, which is logged as a warning (as Prometheus warns about settings that only flags set at start), and
 * the running state (receiver or none) is kept.
 */
export function reloadPush(setup: PushSetup | undefined, config: PushConfig, logger: Logger): void {
  if ((setup !== undefined) !== config.enabled) {
    logger.warn(
      { push_enabled: config.enabled, push_running: setup !== undefined },
      `push.enabled changed to ${String(config.enabled)}: this takes effect only after a restart; the push API stays ${setup !== undefined ? 'on' : 'off'} until then`,
    );
  }
  setup?.reconfigure(config);
}

/** Builds the push receiver from the `push` section; undefined when `push.enabled` is false. */
export function pushSetup(
  config: PushConfig,
  deps: { store: SeriesStore; self: SelfMetrics; logger: Logger; onCommit: (source: string, t: number) => void },
): PushSetup | undefined {
  if (!config.enabled) return undefined;
  let current = config;
  const metrics = new PushMetrics([deps.self.registry]);
  const receiver = new PushReceiver({
    store: deps.store,
    groupTtlMs: config.groupTtlMs,
    limits: config.limits,
    groupByBodyLabels: config.groupByBodyLabels,
    isReservedFamily: isSidecarFamily,
    onCommit: deps.onCommit,
    observer: metrics,
  });
  return {
    receiver,
    // Getters: the routes read the settings per request, so a reload applies to the next one.
    http: {
      receiver,
      get limits() {
        return { maxBodyBytes: current.limits.maxBodyBytes, maxDecodedBytes: current.limits.maxDecodedBytes };
      },
      get adminApi() {
        return current.enableAdminApi;
      },
      logger: deps.logger,
    },
    polled(outcome) {
      // Only a cycle whose job list answered can say a job is gone; an unreachable cluster removes nothing.
      if (!current.removeFinishedJobs || outcome?.reachable !== true || outcome.jobsOverview === undefined) return;
      const jobs = new Map(outcome.jobsOverview.jobs.map((j) => [j.jid, j.state]));
      removeFinishedJobSeries(receiver, { jobs }, TERMINAL_JOB_STATES);
    },
    reconfigure(next) {
      current = next;
      receiver.configure({ groupTtlMs: next.groupTtlMs, limits: next.limits, groupByBodyLabels: next.groupByBodyLabels });
    },
  };
}
