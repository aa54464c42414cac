import type { Logger } from '../log/logger.js';
import type { SelfMetrics } from '../self/metrics.js';
import type { SeriesStore } from '../store/types.js';
import { deriveWindowed, type WindowSpec } from './derive.js';

/** The store source the windows stage writes (scrape semantics: a derived series not recomputed goes stale). */
export const DERIVED_SOURCE = 'derived';

/** What the stage needs; built by the app from the frozen config. */
export interface WindowsStageOptions {
  readonly store: SeriesStore;
  readonly logger: Logger;
  readonly self?: SelfMetrics;
  readonly windows: readonly WindowSpec[];
  /** Least wall-clock time between two evaluations, ms (the app passes half the poll interval). */
  readonly minIntervalMs: number;
  /** Wall clock, Unix ms; injectable for tests. */
  readonly nowMs?: () => number;
  /** Timer functions; injectable for tests. */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

/**
 * The derived-windows stage (DESIGN.md §1: recording-rule-like, driven by the app, not by a source). After any
 * source commits samples, the app calls {@link committed}; the stage evaluates the windowed rates over the whole
 * store (every source's counters) and writes them as one snapshot of the `derived` source.
 *
 * When: at most once per `minIntervalMs` of wall-clock time. The first commit after a quiet interval is evaluated at
 * once (synchronously, inside `committed`); commits arriving sooner are folded into one trailing evaluation when the
 * interval ends. The app uses half the poll interval: Flink polls commit once per poll interval (± the poll's own
 * duration), so each poll is followed at once by its derived samples, as when the poller derived them itself, while
 * chattier sources (push, remote-write) cost at most two evaluations per poll interval.
 *
 * At what time: the newest committed sample timestamp (never later than the wall clock, so a writer with a clock
 * ahead cannot push derived time past the next polls), so the derived samples carry the input samples' time and a
 * full window reads exactly PromQL `rate()` at that time. An evaluation whose time is not newer than the previous
 * one is skipped (the store would refuse it as out of order).
 */
export class WindowsStage {
  private windows: readonly WindowSpec[];
  private minIntervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private timer: unknown;
  /** Newest committed timestamp not yet evaluated, ms; NaN when none. */
  private pendingT = Number.NaN;
  /** Time of the last evaluation (data time) and when it ran (wall clock), ms; NaN before the first. */
  private lastEvalT = Number.NaN;
  private lastEvalWallMs = Number.NaN;
  private stopped = false;

  constructor(private readonly opts: WindowsStageOptions) {
    this.windows = opts.windows;
    this.minIntervalMs = opts.minIntervalMs;
    this.now = opts.nowMs ?? Date.now;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /** Applies a reloaded config; the derived history and the evaluation clock stay. */
  configure(windows: readonly WindowSpec[], minIntervalMs: number): void {
    this.windows = windows;
    this.minIntervalMs = minIntervalMs;
  }

  /**
   * A source committed samples up to `timestampMs` (Unix ms). Evaluates now or schedules the trailing evaluation;
   * never throws (an evaluation failure is logged). Commits of the stage's own source are ignored.
   */
  committed(source: string, timestampMs: number): void {
    if (this.stopped || source === DERIVED_SOURCE || !Number.isFinite(timestampMs)) return;
    const wall = this.now();
    const t = Math.min(timestampMs, wall);
    if (t <= this.lastEvalT) return; // not newer than what is already derived
    if (Number.isNaN(this.pendingT) || t > this.pendingT) this.pendingT = t;
    const sinceLast = wall - this.lastEvalWallMs;
    if (Number.isNaN(this.lastEvalWallMs) || sinceLast >= this.minIntervalMs) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = this.setTimer(() => {
        this.timer = undefined;
        this.flush();
      }, this.minIntervalMs - sinceLast);
    }
  }

  /** Cancels a pending trailing evaluation; later commits are ignored. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** Evaluates the pending time now, if any. */
  private flush(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    const t = this.pendingT;
    this.pendingT = Number.NaN;
    if (this.stopped || Number.isNaN(t)) return;
    this.lastEvalT = t;
    this.lastEvalWallMs = this.now();
    try {
      const samples = deriveWindowed(this.opts.store, t, this.windows);
      this.opts.store.appendSnapshot(DERIVED_SOURCE, t, samples);
      this.opts.self?.samplesIngested.inc({ source: DERIVED_SOURCE }, samples.length);
    } catch (e) {
      this.opts.logger.error({ err: e instanceof Error ? e.stack : String(e) }, 'windows evaluation failed');
    }
  }
}
