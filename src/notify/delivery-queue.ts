/**
 * The queue and send loop of one notification destination (one Alertmanager, or one webhook), modelled on
 * Prometheus 3.16 `notifier/sendloop.go` and improved where Prometheus loses alerts:
 * - `add` is synchronous and never blocks. The queue is bounded (`capacity` items); when full, the **oldest** items
 *   are dropped and counted (`sendLoop.add`), also when one call brings more than the capacity.
 * - Items carry a key (an alert's fingerprint, a webhook group's key): a newer item with the key of a queued one
 *   replaces it and goes to the back. Prometheus queues every resend, so an outage fills its queue with copies of
 *   the same alerts; here the queue holds at most one (the newest) version of each alert.
 * - One batch at a time, up to `batchSize` items, oldest first (`nextBatch`).
 * - **Retry** (Prometheus drops a failed batch, `sendOneBatch`): a retryable failure (network, timeout, 5xx, 429) is
 *   retried with exponential backoff (`minBackoffMs` doubling up to `maxBackoffMs`) while any item of the batch is
 *   still worth sending: an item expires at its `deadlineMs` (an alert's `endsAt`; after it, Alertmanager treats the
 *   alert as resolved anyway) and an item replaced by a newer version in the queue leaves the batch. Expired items
 *   are counted as dropped (`expired`); a refused batch (other 4xx) is dropped (`rejected`).
 * - `stop(deadline)` stops accepting, keeps sending (retries included) until the queue is empty or the deadline is
 *   reached (Prometheus's `--alertmanager.drain-notification-queue-on-shutdown`, but bounded); what is left is
 *   counted as dropped (`shutdown`).
 * Counting is per item (`weight`: the number of alerts an item stands for), as Prometheus counts alerts.
 */
import type { Logger } from '../log/logger.js';
import type { PostOutcome } from './http-post.js';

/** One queued notification: an alert (Alertmanager) or a group message (webhook). */
export interface QueueItem<T> {
  /** Identity; a newer item with the same key replaces a queued one. */
  readonly key: string;
  readonly value: T;
  /** Unix ms after which the item is not sent any more (dropped as `expired`). */
  readonly deadlineMs: number;
  /** Alerts this item stands for (1 for an Alertmanager alert, the alert count of a webhook message). */
  readonly weight: number;
}

/** Why items were dropped (the `reason` label of `flink_bridge_notifications_dropped_total`). */
export type DropReason = 'queue_full' | 'expired' | 'rejected' | 'shutdown';

/** Where the queue reports what happened (self-metrics); counts are alerts. */
export interface DeliveryObserver {
  sent(count: number, latencySeconds: number): void;
  /** Alerts in a failed attempt (Prometheus's `prometheus_notifications_errors_total`). */
  errored(count: number): void;
  /** Alerts sent again after a failed attempt. */
  retried(count: number): void;
  dropped(reason: DropReason, count: number): void;
  queueLength(items: number): void;
}

export interface DeliveryQueueOptions<T> {
  /** Names the destination in logs. */
  readonly name: string;
  readonly capacity: number;
  readonly batchSize: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Sends one batch; must not throw. */
  readonly send: (batch: readonly T[]) => Promise<PostOutcome>;
  readonly observer: DeliveryObserver;
  readonly logger: Logger;
  /** Clock, Unix ms (tests); default `Date.now`. */
  readonly now?: () => number;
}

export class DeliveryQueue<T> {
  /** Insertion-ordered: the first entry is the oldest. */
  private readonly queue = new Map<string, QueueItem<T>>();
  private accepting = true;
  private running = false;
  private loopDone: Promise<void> | undefined;
  /** Ends an idle wait (an `add` or `stop`). */
  private wakeUp: (() => void) | undefined;
  /** Ends any wait, backoff included (`stop`). */
  private interrupt: (() => void) | undefined;
  private drainDeadlineMs = Infinity;
  /** Logged once per failure streak, so an outage does not write a line per retry. */
  private failing = false;
  /**
   * The next wait after a failure. Kept across batches: when a newer version replaces a retried batch, the newer
   * one does not start over at min_backoff, so an outage costs one attempt per max_backoff, not per resend.
   */
  private backoffMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: DeliveryQueueOptions<T>) {
    this.now = opts.now ?? Date.now;
    this.backoffMs = opts.minBackoffMs;
    opts.observer.queueLength(0);
  }

  /** Items waiting (the batch being sent not included). */
  get length(): number {
    return this.queue.size;
  }

  /** Queues items (never blocks); drops the oldest beyond the capacity. Ignored after `stop`. */
  add(items: readonly QueueItem<T>[]): void {
    if (!this.accepting || items.length === 0) return;
    const cap = this.opts.capacity;
    let dropped = 0;
    let from = 0;
    if (items.length > cap) {
      for (let i = 0; i < items.length - cap; i++) dropped += (items[i] as QueueItem<T>).weight;
      from = items.length - cap;
    }
    for (let i = from; i < items.length; i++) {
      const it = items[i] as QueueItem<T>;
      this.queue.delete(it.key);
      this.queue.set(it.key, it);
    }
    while (this.queue.size > cap) {
      const [key, oldest] = this.queue.entries().next().value as [string, QueueItem<T>];
      this.queue.delete(key);
      dropped += oldest.weight;
    }
    if (dropped > 0) {
      this.opts.logger.warn({ destination: this.opts.name, count: dropped }, 'alert notification queue full, dropping the oldest alerts');
      this.opts.observer.dropped('queue_full', dropped);
    }
    this.opts.observer.queueLength(this.queue.size);
    this.wakeUp?.();
  }

  /** Starts the send loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Stops accepting and sends what is queued until `deadlineMs` from now has passed; the rest is dropped
   * (`shutdown`). Resolves when the loop has ended.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.accepting = false;
    this.drainDeadlineMs = this.now() + deadlineMs;
    if (this.running) {
      this.wakeUp?.();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadlineMs));
      });
      await Promise.race([this.loopDone, deadline]);
      clearTimeout(timer);
      // a request still in flight finishes on its own; its batch is counted when it comes back (deliver)
      this.running = false;
      this.interrupt?.();
    }
    this.dropAll();
  }

  private dropAll(): void {
    let n = 0;
    for (const it of this.queue.values()) n += it.weight;
    this.queue.clear();
    if (n > 0) {
      this.opts.logger.warn({ destination: this.opts.name, count: n }, 'alert notification queue not drained before the shutdown deadline, dropping alerts');
      this.opts.observer.dropped('shutdown', n);
    }
    this.opts.observer.queueLength(0);
  }

  private nextBatch(): QueueItem<T>[] {
    const batch: QueueItem<T>[] = [];
    for (const [key, it] of this.queue) {
      if (batch.length >= this.opts.batchSize) break;
      batch.push(it);
      this.queue.delete(key);
    }
    this.opts.observer.queueLength(this.queue.size);
    return batch;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.queue.size === 0) {
        if (!this.accepting) break; // drained
        await this.sleep(Infinity, true);
        continue;
      }
      await this.deliver(this.nextBatch());
    }
    this.running = false;
  }

  /** Sends one batch until it is delivered, refused, expired, replaced, or the queue stops. */
  private async deliver(initial: QueueItem<T>[]): Promise<void> {
    let batch = initial;
    for (let attempt = 0; ; attempt++) {
      batch = this.stillWorthSending(batch);
      if (batch.length === 0) return;
      const weight = batch.reduce((n, it) => n + it.weight, 0);
      if (!this.running) {
        // the stop deadline passed during a backoff
        this.opts.observer.dropped('shutdown', weight);
        return;
      }
      if (attempt > 0) this.opts.observer.retried(weight);
      const began = performance.now();
      const outcome = await this.opts.send(batch.map((it) => it.value));
      if (outcome.kind === 'ok') {
        if (this.failing) this.opts.logger.info({ destination: this.opts.name }, 'alert notifications delivered again');
        this.failing = false;
        this.backoffMs = this.opts.minBackoffMs;
        this.opts.observer.sent(weight, (performance.now() - began) / 1000);
        return;
      }
      this.opts.observer.errored(weight);
      if (outcome.kind === 'refused') {
        this.opts.logger.error({ destination: this.opts.name, count: weight, err: outcome.error.message }, 'alert notifications refused, dropping them (not retryable)');
        this.opts.observer.dropped('rejected', weight);
        return;
      }
      if (!this.failing) this.opts.logger.warn({ destination: this.opts.name, count: weight, err: outcome.error.message }, 'sending alert notifications failed, retrying with backoff');
      else this.opts.logger.debug({ destination: this.opts.name, count: weight, err: outcome.error.message, backoff_ms: this.backoffMs }, 'retry failed');
      this.failing = true;
      const wait = Math.min(this.backoffMs, Math.max(0, this.drainDeadlineMs - this.now()));
      this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
      // new alerts do not cut a backoff short: they wait behind this batch
      await this.sleep(wait, false);
    }
  }

  /** Drops expired items (counted) and items a newer queued version replaces (not counted: nothing is lost). */
  private stillWorthSending(batch: QueueItem<T>[]): QueueItem<T>[] {
    const now = this.now();
    let expired = 0;
    const keep = batch.filter((it) => {
      if (this.queue.has(it.key)) return false;
      if (it.deadlineMs < now) {
        expired += it.weight;
        return false;
      }
      return true;
    });
    if (expired > 0) {
      this.opts.logger.warn({ destination: this.opts.name, count: expired }, 'alert notifications expired (endsAt passed) before they could be delivered');
      this.opts.observer.dropped('expired', expired);
    }
    return keep;
  }

  /** Waits `ms` (Infinity: until woken); the stop deadline ends it, and so do `add`/`stop` when `wakeOnAdd`. */
  private sleep(ms: number, wakeOnAdd: boolean): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        this.wakeUp = undefined;
        this.interrupt = undefined;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, ms));
      if (wakeOnAdd) this.wakeUp = done;
      this.interrupt = done;
    });
  }
}
