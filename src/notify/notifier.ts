/**
 * The notifier: the `AlertSink` the rule evaluator hands alerts to (`rules/types.ts`), sending them to every
 * configured Alertmanager (`POST <target><path_prefix>/api/v2/alerts`; an HA pair gets every alert) and webhook
 * (Alertmanager's webhook payload, version "4", one per `alertname` group). Matches Prometheus 3.16
 * `notifier/manager.go` `Send` and `alertmanagerset.go` `send`: external labels are added where an alert lacks
 * them, `alerting.alert_relabel_configs` run, then each Alertmanager entry's own `alert_relabel_configs`; every
 * destination has its own bounded queue and send loop (`delivery-queue.ts`: batching, retries until the alerts
 * expire, drop counting). `send` never blocks; `stop` drains with a deadline.
 */
import type { AlertingConfig, WebhookConfig } from '../config/sections/alerting.js';
import type { LabelRecord } from '../model/labels.js';
import { compileRelabel, type CompiledRelabel } from '../model/relabel.js';
import type { Logger } from '../log/logger.js';
import type { AlertSink, NotifierAlert } from '../rules/types.js';
import type { SelfMetrics } from '../self/metrics.js';
import { postableAlertsBody, toPostableAlert, type PostableAlert } from './alertmanager-payload.js';
import { DeliveryQueue, type DeliveryObserver, type QueueItem } from './delivery-queue.js';
import { alertFingerprint } from './fingerprint.js';
import { HttpPoster } from './http-post.js';
import { relabelAlerts } from './prepare.js';
import { WebhookGroups, type GroupNotification } from './webhook-groups.js';
import { buildWebhookMessage, webhookGroupKey, type WebhookMessage } from './webhook-message.js';

/**
 * How long a resolved alert stays worth delivering: Prometheus keeps resolved alerts 15 minutes
 * (`rules/alerting.go` `resolvedRetention`) and re-sends them meanwhile, so a retry beyond that is pointless.
 */
export const RESOLVED_RETRY_WINDOW_MS = 15 * 60_000;

/** Default time `stop()` gives the queues to drain. */
export const DEFAULT_STOP_DEADLINE_MS = 5_000;

/** How often webhook groups are re-evaluated (alerts whose endsAt passed, repeat_interval). */
const WEBHOOK_TICK_MS = 1_000;

export interface NotifierOptions {
  readonly config: AlertingConfig;
  /** `global.external_labels`. */
  readonly externalLabels: LabelRecord;
  /** The sidecar's external URL (the webhook payload's `externalURL`). */
  readonly externalURL: string;
  readonly logger: Logger;
  readonly self?: SelfMetrics;
  /** Clock, Unix ms (tests); default `Date.now`. */
  readonly now?: () => number;
}

/** One destination, for the status page and tests. */
export interface DestinationStatus {
  /** The self-metrics label: an Alertmanager's POST URL, or `webhook:<name>`. */
  readonly destination: string;
  readonly kind: 'alertmanager' | 'webhook';
  readonly queueLength: number;
}

interface AlertmanagerSet {
  readonly rules: readonly CompiledRelabel[];
  readonly queues: readonly { readonly destination: string; readonly queue: DeliveryQueue<PostableAlert>; readonly poster: HttpPoster }[];
}

interface Webhook {
  readonly config: WebhookConfig;
  readonly destination: string;
  readonly groups: WebhookGroups;
  readonly queue: DeliveryQueue<WebhookMessage>;
  readonly poster: HttpPoster;
}

export class Notifier implements AlertSink {
  private readonly rules: readonly CompiledRelabel[];
  private readonly sets: readonly AlertmanagerSet[];
  private readonly webhooks: readonly Webhook[];
  private readonly now: () => number;
  private tick: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: NotifierOptions) {
    const c = opts.config;
    this.now = opts.now ?? Date.now;
    this.rules = c.alertRelabelConfigs.map(compileRelabel);
    const log = opts.logger;
    this.sets = c.alertmanagers.map((am) => ({
      rules: am.alertRelabelConfigs.map(compileRelabel),
      queues: am.urls.map((url) => {
        const poster = new HttpPoster(url, am.timeoutMs, am);
        const queue = new DeliveryQueue<PostableAlert>({
          name: url,
          capacity: c.queueCapacity,
          batchSize: c.batchSize,
          minBackoffMs: c.minBackoffMs,
          maxBackoffMs: c.maxBackoffMs,
          send: (batch) => poster.post(postableAlertsBody(batch)),
          observer: this.observer(url),
          logger: log,
          now: this.now,
        });
        return { destination: url, queue, poster };
      }),
    }));
    this.webhooks = c.webhooks.map((w) => {
      const destination = `webhook:${w.name}`;
      const poster = new HttpPoster(w.url, w.timeoutMs, w);
      const queue = new DeliveryQueue<WebhookMessage>({
        name: destination,
        capacity: c.queueCapacity,
        batchSize: 1,
        minBackoffMs: c.minBackoffMs,
        maxBackoffMs: c.maxBackoffMs,
        // Go's json.Encoder ends the body with a newline
        send: (batch) => poster.post(`${JSON.stringify(batch[0])}\n`),
        observer: this.observer(destination),
        logger: log,
        now: this.now,
      });
      return { config: w, destination, groups: new WebhookGroups({ sendResolved: w.sendResolved, repeatIntervalMs: w.repeatIntervalMs }), queue, poster };
    });
    opts.self?.notificationsQueueCapacity.set(c.queueCapacity);
    opts.self?.notificationsAlertmanagers.set(this.sets.reduce((n, s) => n + s.queues.length, 0));
  }

  /** Starts the send loops and the webhook tick. */
  start(): void {
    for (const s of this.sets) for (const q of s.queues) q.queue.start();
    for (const w of this.webhooks) w.queue.start();
    if (this.webhooks.length > 0) {
      this.tick = setInterval(() => this.onTick(), WEBHOOK_TICK_MS);
      this.tick.unref();
    }
  }

  /**
   * Queues alerts for every destination (`notifier.Manager.Send`). Synchronous, never blocks, never throws;
   * ignored after `stop`.
   */
  send(alerts: readonly NotifierAlert[]): void {
    if (this.stopped || alerts.length === 0) return;
    const prepared = relabelAlerts(alerts, this.opts.externalLabels, this.rules);
    if (prepared.length === 0) return;
    const now = this.now();
    for (const set of this.sets) {
      const mine = set.rules.length > 0 ? relabelAlerts(prepared, {}, set.rules) : prepared;
      if (mine.length === 0) continue;
      const items = mine.map(
        (a): QueueItem<PostableAlert> => ({ key: alertFingerprint(a.labels), value: toPostableAlert(a), deadlineMs: deadlineOf(a, now), weight: 1 }),
      );
      for (const q of set.queues) q.queue.add(items);
    }
    for (const w of this.webhooks) this.enqueueWebhook(w, w.groups.update(prepared, now), now);
  }

  /**
   * Stops accepting alerts and gives the queues until `deadlineMs` to deliver what they hold (retries included);
   * the rest is dropped and counted. Closes the HTTP clients.
   */
  async stop(deadlineMs: number = DEFAULT_STOP_DEADLINE_MS): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tick) clearInterval(this.tick);
    const all = [...this.sets.flatMap((s) => s.queues), ...this.webhooks];
    await Promise.all(all.map((d) => d.queue.stop(deadlineMs)));
    // a request still in flight after the deadline is abandoned
    await Promise.all(all.map((d) => d.poster.close()));
  }

  /** Every destination and its queue length. */
  destinations(): DestinationStatus[] {
    return [
      ...this.sets.flatMap((s) => s.queues.map((q): DestinationStatus => ({ destination: q.destination, kind: 'alertmanager', queueLength: q.queue.length }))),
      ...this.webhooks.map((w): DestinationStatus => ({ destination: w.destination, kind: 'webhook', queueLength: w.queue.length })),
    ];
  }

  private onTick(): void {
    const now = this.now();
    for (const w of this.webhooks) this.enqueueWebhook(w, w.groups.tick(now), now);
  }

  private enqueueWebhook(w: Webhook, notifications: readonly GroupNotification[], now: number): void {
    if (notifications.length === 0) return;
    w.queue.add(
      notifications.map((n): QueueItem<WebhookMessage> => {
        const message = buildWebhookMessage({
          receiver: w.config.name,
          groupLabels: n.groupLabels,
          alerts: n.alerts,
          nowMs: now,
          externalURL: this.opts.externalURL,
          maxAlerts: w.config.maxAlerts,
        });
        return { key: webhookGroupKey(n.groupLabels), value: message, deadlineMs: Math.max(...n.alerts.map((a) => deadlineOf(a, now))), weight: n.alerts.length };
      }),
    );
  }

  private observer(destination: string): DeliveryObserver {
    const self = this.opts.self;
    const l = { destination };
    if (!self) return { sent: () => undefined, errored: () => undefined, retried: () => undefined, dropped: () => undefined, queueLength: () => undefined };
    self.notificationsSent.inc(l, 0);
    self.notificationsErrors.inc(l, 0);
    self.notificationsRetried.inc(l, 0);
    return {
      sent: (n, seconds) => {
        self.notificationsSent.inc(l, n);
        self.notificationsLatency.observe(l, seconds);
      },
      errored: (n) => self.notificationsErrors.inc(l, n),
      retried: (n) => self.notificationsRetried.inc(l, n),
      dropped: (reason, n) => self.notificationsDropped.inc({ destination, reason }, n),
      queueLength: (n) => self.notificationsQueueLength.set(l, n),
    };
  }
}

/**
 * Until when an alert is worth delivering: a firing alert until its `endsAt` (after it Alertmanager resolves the
 * alert by itself); a resolved one (`endsAt` already past) for {@link RESOLVED_RETRY_WINDOW_MS}.
 */
export function deadlineOf(a: NotifierAlert, nowMs: number): number {
  return a.endsAtMs > nowMs ? a.endsAtMs : nowMs + RESOLVED_RETRY_WINDOW_MS;
}
