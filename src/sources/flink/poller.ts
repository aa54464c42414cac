import type { Logger } from '../../log/logger.js';
import type { SelfMetrics } from '../../self/metrics.js';
import type { SeriesStore } from '../../store/types.js';
import { mapPollOutcome } from './mapping.js';
import { runPollCycle } from './poll-cycle.js';
import type { PollOutcome, RestGetter } from './poll-outcome.js';
import { createPollState, type PollState } from './poll-state.js';
import { retainSeries } from './series-lifecycle.js';

/** Store source written by the poller. */
export const FLINK_REST_SOURCE = 'flink-rest';

/** What the poller needs; built by the app from the frozen config. */
export interface FlinkPollerOptions {
  readonly rest: RestGetter & { readonly requestCount: number; resetRequestCount(): void };
  readonly store: SeriesStore;
  readonly self: SelfMetrics;
  readonly logger: Logger;
  readonly pollIntervalMs: number;
  /** Called after each cycle's snapshot is in the store, with its timestamp (the app runs its stages after it). */
  readonly onCommit?: (source: string, timestampMs: number) => void;
  readonly exceptionsIntervalMs: number;
  readonly metricNamesRefreshIntervalMs: number;
  /**
   * How long the series of an endpoint that stopped answering are kept as they were before they go stale, ms
   * (`flink.stale_after`). Default 3 × `pollIntervalMs`.
   */
  readonly staleAfterMs?: number;
  readonly nowMs?: () => number;
  /** State carried over from a previous poller (a config reload); a fresh one when absent. */
  readonly state?: PollState;
}

/**
 * Runs the poll cycle every `pollIntervalMs`, writes the `flink-rest` snapshot into the store, tells the app
 * (`onCommit`), and records self-metrics. The series of an endpoint that failed are kept as they were for up to
 * `staleAfterMs` (see series-lifecycle.ts); `flink_up` is 0 only when no endpoint answered. Cycles never overlap: a
 * cycle that outlasts the interval delays the next
 * one (counted as the cycle's duration, not queued). `stop()` lets the cycle in flight finish, then resolves.
 */
export class FlinkPoller {
  private readonly state: PollState;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = true;
  private completedCycles = 0;
  private lastReachable: boolean | undefined;
  private lastOutcome: PollOutcome | undefined;

  constructor(private readonly opts: FlinkPollerOptions) {
    this.now = opts.nowMs ?? Date.now;
    this.state = opts.state ?? createPollState({ metricNamesRefreshIntervalMs: opts.metricNamesRefreshIntervalMs });
  }

  /** True once the first poll cycle has finished (whatever Flink answered: `flink_up 0` is data too). */
  get ready(): boolean {
    return this.completedCycles > 0;
  }

  /** The state across cycles, to hand to the poller that replaces this one on a config reload. */
  get pollState(): PollState {
    return this.state;
  }

  /** The newest cycle's outcome, for the status page and tests. */
  get latest(): PollOutcome | undefined {
    return this.lastOutcome;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops scheduling and waits for the cycle in flight. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Runs one cycle now (used by start's loop and by tests). Never rejects. */
  async pollOnce(): Promise<PollOutcome> {
    const { rest, store, self, logger } = this.opts;
    const started = performance.now();
    rest.resetRequestCount();
    const outcome = await runPollCycle({
      rest,
      state: this.state,
      nowMs: this.now,
      exceptionsIntervalMs: this.opts.exceptionsIntervalMs,
      logger,
      onAggregatedEmpty: () => self.aggregatedEmpty.inc(),
    });
    const t = outcome.startedAtMs;
    const restSamples = mapPollOutcome(outcome);
    const staleAfterMs = this.opts.staleAfterMs ?? 3 * this.opts.pollIntervalMs;
    store.appendSnapshot(FLINK_REST_SOURCE, t, restSamples, { retain: retainSeries(outcome, this.state.health, staleAfterMs) });
    this.state.health.record(outcome.answered, t);
    // Set before onCommit: the stages it runs read this cycle's outcome (the push job lifecycle reads the job list).
    this.lastOutcome = outcome;
    this.opts.onCommit?.(FLINK_REST_SOURCE, t);

    const seconds = (performance.now() - started) / 1000;
    self.pollDuration.observe(seconds);
    self.pollRequests.set(rest.requestCount);
    self.pollRequestsExpected.set(outcome.plannedRequests);
    self.samplesIngested.inc({ source: FLINK_REST_SOURCE }, restSamples.length);
    for (const f of outcome.failures) self.endpointErrors.inc({ endpoint: f.endpoint, code: f.code });
    self.pollCycles.inc({ result: !outcome.reachable ? 'unreachable' : outcome.failures.length > 0 ? 'partial' : 'success' });
    if (outcome.reachable) self.lastPollSuccess.set(Date.now() / 1000);
    this.log(outcome, seconds, rest.requestCount, restSamples.length);
    this.completedCycles++;
    return outcome;
  }

  private log(outcome: PollOutcome, seconds: number, requests: number, samples: number): void {
    const { logger } = this.opts;
    if (this.lastReachable !== outcome.reachable) {
      if (outcome.reachable) logger.info({ version: outcome.config?.['flink-version'] }, 'Flink REST API reachable');
      else logger.warn({ err: outcome.failures[0]?.message }, 'Flink REST API unreachable; serving flink_up 0');
      this.lastReachable = outcome.reachable;
    }
    const fields = {
      duration_seconds: Number(seconds.toFixed(3)),
      requests,
      planned: outcome.plannedRequests,
      discovery: outcome.discoveryRequests,
      samples,
      failures: outcome.failures.length,
    };
    if (outcome.reachable && outcome.failures.length > 0) {
      for (const f of outcome.failures) logger.warn({ endpoint: f.endpoint, code: f.code, err: f.message }, 'poll endpoint failed; its series are kept until it answers or stale_after passes');
      logger.info(fields, 'poll finished with endpoint errors');
    } else {
      logger.debug(fields, 'poll finished');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = this.now();
      this.inFlight = this.pollOnce()
        .then(
          () => undefined,
          (e: unknown) => this.opts.logger.error({ err: e instanceof Error ? e.stack : String(e) }, 'poll cycle crashed'),
        )
        .finally(() => {
          this.inFlight = undefined;
          const elapsed = this.now() - started;
          this.schedule(Math.max(0, this.opts.pollIntervalMs - elapsed));
        });
    }, delayMs);
  }
}
