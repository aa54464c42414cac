/**
 * The `alerting` section: where alerts go (Alertmanagers with Prometheus's keys, `config/config.go`
 * `AlertingConfig` / `AlertmanagerConfig` at v0.316.0; plain webhooks with the Alertmanager webhook payload), how
 * they are relabelled, and the notifier's queue, batch and retry settings (Prometheus's `--rules.alert.resend-delay`,
 * `--alertmanager.notification-queue-capacity` and `--alertmanager.notification-batch-size` flags are keys here).
 * This file owns the keys, defaults, validation and the frozen runtime shape (`AlertingConfig`).
 *
 * ```yaml
 * alerting:
 *   resend_delay: 1m                      # a firing alert is re-sent this often (Prometheus's flag, default 1m)
 *   notification_queue_capacity: 10000    # per Alertmanager / webhook; when full the oldest are dropped (counted)
 *   notification_batch_size: 256          # most alerts per POST to an Alertmanager
 *   min_backoff: 500ms                    # retry of a failed POST: first wait, doubled up to max_backoff
 *   max_backoff: 1m
 *   alert_relabel_configs: [...]          # after external labels, before every destination
 *   alertmanagers:
 *     - static_configs: [{targets: ['am-1:9093', 'am-2:9093']}]   # every target gets every alert (HA pair)
 *       scheme: http
 *       path_prefix: /
 *       api_version: v2                   # the only one (v1 was removed from Prometheus and Alertmanager)
 *       timeout: 10s
 *       alert_relabel_configs: [...]      # only for this entry's targets
 *       basic_auth / authorization / tls_config / headers   # the shared HTTP client block (../http-client.ts)
 *   webhooks:
 *     - url: https://hooks.example/flink  # POSTed the Alertmanager webhook payload (version "4"), one per alertname
 *       name: flink-webhook               # the payload's "receiver"; unique; default webhook-<index>
 *       timeout: 10s
 *       send_resolved: true
 *       max_alerts: 0                     # most alerts in one payload (0: all; the rest counted in truncatedAlerts)
 *       repeat_interval: 4h               # an unchanged firing group is notified again after this long
 *       basic_auth / authorization / tls_config / headers
 * ```
 */
import { posix } from 'node:path';
import { z } from 'zod';
import type { RelabelConfig } from '../../model/relabel.js';
import { durationMs, nullAsAbsent } from '../fields.js';
import type { FileReader } from '../files.js';
import { httpClientFields, refineHttpClient, resolveHttpClient, type HttpClientConfig } from '../http-client.js';
import { relabelSchema, toRelabel } from '../relabel.js';

/** Defaults, written as in the config file (Prometheus's where it has the setting). */
export const ALERTING_DEFAULTS = {
  // cmd/prometheus/main.go --rules.alert.resend-delay
  resend_delay: '1m',
  // --alertmanager.notification-queue-capacity
  notification_queue_capacity: 10_000,
  // --alertmanager.notification-batch-size (notifier.DefaultMaxBatchSize)
  notification_batch_size: 256,
  // Ours (Prometheus does not retry): short enough that a restarted Alertmanager gets the alert within seconds,
  // capped so that an outage costs one attempt a minute per destination.
  min_backoff: '500ms',
  max_backoff: '1m',
  alertmanager: { scheme: 'http', path_prefix: '', api_version: 'v2', timeout: '10s' },
  // Alertmanager's route defaults (dispatch/route.go) for repeat_interval; send_resolved as its webhook_config.
  webhook: { timeout: '10s', send_resolved: true, max_alerts: 0, repeat_interval: '4h' },
} as const;

/** One `alertmanagers` entry, runtime shape: the POST URL of each target and how to reach them. */
export interface AlertmanagerSetConfig extends HttpClientConfig {
  /** `<scheme>://<target><path_prefix>/api/v2/alerts`, one per distinct target, in file order. */
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  /** This entry's `alert_relabel_configs` (applied after the section's). */
  readonly alertRelabelConfigs: readonly RelabelConfig[];
}

/** One `webhooks` entry, runtime shape. */
export interface WebhookConfig extends HttpClientConfig {
  /** The payload's `receiver`; unique among the webhooks. */
  readonly name: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly sendResolved: boolean;
  /** 0: no limit. */
  readonly maxAlerts: number;
  readonly repeatIntervalMs: number;
}

/** The `alerting` section, runtime shape. */
export interface AlertingConfig {
  readonly resendDelayMs: number;
  readonly queueCapacity: number;
  readonly batchSize: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly alertRelabelConfigs: readonly RelabelConfig[];
  readonly alertmanagers: readonly AlertmanagerSetConfig[];
  readonly webhooks: readonly WebhookConfig[];
}

const D = ALERTING_DEFAULTS;

/**
 * A static target `host:port` (Prometheus `config.CheckTargetAddress` refuses a `/`, i.e. a URL written as target).
 */
const targetSchema = z.string().superRefine((t, ctx) => {
  if (t === '' || /[/\s@?#]/.test(t)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(t)} is not a valid target address; write host:port (scheme and path_prefix are separate keys)` });
    return;
  }
  try {
    const u = new URL(`http://${t}`);
    if (u.hostname === '') throw new Error('no host');
  } catch {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(t)} is not a valid target address; write host:port` });
  }
});

const staticConfigSchema = z.strictObject({ targets: nullAsAbsent(z.array(targetSchema).prefault([])) });

const alertmanagerSchema = z
  .strictObject({
    static_configs: nullAsAbsent(z.array(staticConfigSchema).prefault([])),
    scheme: nullAsAbsent(z.enum(['http', 'https']).prefault(D.alertmanager.scheme)),
    path_prefix: nullAsAbsent(z.string().prefault(D.alertmanager.path_prefix)),
    api_version: nullAsAbsent(
      z
        .string()
        .prefault(D.alertmanager.api_version)
        .refine((v) => v === 'v2', { message: 'expected Alertmanager api version to be one of [v2] (v1 was removed in Alertmanager 0.27)' }),
    ),
    timeout: nullAsAbsent(durationMs({ min: 1 }).prefault(D.alertmanager.timeout)),
    alert_relabel_configs: nullAsAbsent(z.array(relabelSchema).prefault([])),
    ...httpClientFields('alerting.alertmanagers', { headers: true, tlsMinVersion: true }),
  })
  .superRefine((e, ctx) => refineHttpClient('alerting.alertmanagers', e, ctx));

/** A webhook URL: http(s), no credentials in it (use basic_auth); a query string is allowed (tokens often live there). */
const webhookUrlSchema = z.string().superRefine((value, ctx) => {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a valid URL (expected e.g. "https://hooks.example/alerts")' });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'is not an http or https URL' });
  if (u.username !== '' || u.password !== '') ctx.addIssue({ code: 'custom', message: 'must not contain credentials; use basic_auth instead' });
});

const webhookSchema = z
  .strictObject({
    url: webhookUrlSchema,
    name: nullAsAbsent(z.string().min(1).optional()),
    timeout: nullAsAbsent(durationMs({ min: 1 }).prefault(D.webhook.timeout)),
    send_resolved: nullAsAbsent(z.boolean().prefault(D.webhook.send_resolved)),
    max_alerts: nullAsAbsent(z.int().min(0).prefault(D.webhook.max_alerts)),
    repeat_interval: nullAsAbsent(durationMs({ min: 1 }).prefault(D.webhook.repeat_interval)),
    ...httpClientFields('alerting.webhooks', { headers: true, tlsMinVersion: true }),
  })
  .superRefine((e, ctx) => refineHttpClient('alerting.webhooks', e, ctx));

export const alertingSectionSchema = z
  .strictObject({
    resend_delay: nullAsAbsent(durationMs({ min: 0 }).prefault(D.resend_delay)),
    notification_queue_capacity: nullAsAbsent(z.int().min(1).prefault(D.notification_queue_capacity)),
    notification_batch_size: nullAsAbsent(z.int().min(1).prefault(D.notification_batch_size)),
    min_backoff: nullAsAbsent(durationMs({ min: 1 }).prefault(D.min_backoff)),
    max_backoff: nullAsAbsent(durationMs({ min: 1 }).prefault(D.max_backoff)),
    alert_relabel_configs: nullAsAbsent(z.array(relabelSchema).prefault([])),
    alertmanagers: nullAsAbsent(z.array(alertmanagerSchema).prefault([])),
    webhooks: nullAsAbsent(z.array(webhookSchema).prefault([])),
  })
  .superRefine((s, ctx) => {
    if (s.min_backoff > s.max_backoff) ctx.addIssue({ code: 'custom', path: ['min_backoff'], message: 'is longer than max_backoff' });
    const seen = new Map<string, number>();
    s.webhooks.forEach((w, i) => {
      const name = webhookName(w.name, i);
      const prev = seen.get(name);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `duplicate webhook name ${JSON.stringify(name)} (also alerting.webhooks[${prev}])` });
      else seen.set(name, i);
    });
  });

export type AlertingSection = z.output<typeof alertingSectionSchema>;

function webhookName(name: string | undefined, index: number): string {
  return name ?? `webhook-${index}`;
}

/**
 * The POST URL of one Alertmanager (notifier `alertmanagerLabels.url` with `postPath`: Go's
 * `path.Join("/", path_prefix, "/api/v2/alerts")`).
 */
export function alertmanagerPostUrl(scheme: string, target: string, pathPrefix: string): string {
  return `${scheme}://${target}${posix.join('/', pathPrefix, '/api/v2/alerts')}`;
}

/** The runtime `alerting` config; secrets and certificates read by `reader` (problems recorded there). */
export function resolveAlerting(s: AlertingSection, reader: FileReader): AlertingConfig {
  return {
    resendDelayMs: s.resend_delay,
    queueCapacity: s.notification_queue_capacity,
    batchSize: s.notification_batch_size,
    minBackoffMs: s.min_backoff,
    maxBackoffMs: s.max_backoff,
    alertRelabelConfigs: s.alert_relabel_configs.map(toRelabel),
    alertmanagers: s.alertmanagers.map((a, i) => {
      // Prometheus de-duplicates the targets of one entry by URL (alertmanagerSet.sync).
      const urls = [...new Set(a.static_configs.flatMap((sc) => sc.targets.map((t) => alertmanagerPostUrl(a.scheme, t, a.path_prefix))))];
      return {
        urls,
        timeoutMs: a.timeout,
        alertRelabelConfigs: a.alert_relabel_configs.map(toRelabel),
        ...resolveHttpClient(a, ['alerting', 'alertmanagers', i], reader),
      };
    }),
    webhooks: s.webhooks.map((w, i) => ({
      name: webhookName(w.name, i),
      url: w.url,
      timeoutMs: w.timeout,
      sendResolved: w.send_resolved,
      maxAlerts: w.max_alerts,
      repeatIntervalMs: w.repeat_interval,
      ...resolveHttpClient(w, ['alerting', 'webhooks', i], reader),
    })),
  };
}
