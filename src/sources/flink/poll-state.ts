import { ExceptionTracker } from './exception-tracker.js';
import { MetricNameCache } from './metric-names.js';
import type { FlinkConfigInfo } from './responses.js';
import { EndpointHealth } from './series-lifecycle.js';

/**
 * State that lives across poll cycles, per poller (no module-global caches): metric-name lists, per-job checkpoint
 * config, exception counting, and the probed `/config`. It outlives a poller across a config reload (see
 * `carryPollState`), so counters derived from it never reset falsely.
 */
export interface PollState {
  readonly names: MetricNameCache;
  /** Job id → checkpoint interval in ms, or null when checkpointing is off (Flink answered 404). */
  readonly checkpointIntervals: Map<string, number | null>;
  readonly exceptions: ExceptionTracker;
  /** Last success per endpoint instance, for keeping the series of a failing endpoint up to `flink.stale_after`. */
  readonly health: EndpointHealth;
  config?: FlinkConfigInfo;
}

export interface PollStateOptions {
  /** How long discovered metric-name lists are reused, ms (`flink.metric_names_refresh_interval`). */
  readonly metricNamesRefreshIntervalMs: number;
}

export function createPollState(opts: PollStateOptions): PollState {
  return {
    names: new MetricNameCache(opts.metricNamesRefreshIntervalMs),
    checkpointIntervals: new Map(),
    exceptions: new ExceptionTracker(),
    health: new EndpointHealth(),
  };
}

/**
 * The state a poller built by a config reload starts from (issue 5 §3 defect 5): the exception counts, checkpoint
 * configs and endpoint health go on, so `flink_job_exceptions_total` never resets falsely and kept series keep
 * their stale_after clock. A changed REST URL may point at another Flink: the name lists and the probed `/config`
 * are then dropped.
 */
export function carryPollState(prev: PollState, opts: PollStateOptions & { readonly restUrlChanged: boolean }): PollState {
  if (opts.restUrlChanged) {
    return { ...createPollState(opts), checkpointIntervals: prev.checkpointIntervals, exceptions: prev.exceptions, health: prev.health };
  }
  prev.names.setRefreshInterval(opts.metricNamesRefreshIntervalMs);
  return prev;
}
