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
