/**
 * The Alertmanager webhook payload, version "4" (Alertmanager `notify/webhook/webhook.go` `Message` embedding
 * `template.Data`, `template/template.go` `Data`; field set of Alertmanager 0.25, which later versions extend with
 * `notification_reason` (0.32) and `routeLabels` (0.34)), built for one group of alerts:
 * - `alerts` sorted as Alertmanager's `AlertSlice` (by `job`, then `instance`, then `LabelSet.Before`), cut to
 *   `maxAlerts` (the rest counted in `truncatedAlerts`) before anything else is computed, as webhook.go does;
 * - an alert is `resolved` when its `endsAt` is not after now (`Alert.ResolvedAt`), else `firing` with `endsAt`
 *   shown as Go's zero time (`dispatch.go` `flush` hides an end that has not come yet);
 * - the group is `firing` if any alert is; `commonLabels`/`commonAnnotations` are the pairs all alerts share;
 * - `receiver` is `regexp.QuoteMeta(name)`; `groupKey` is `{}:{alertname="X"}` (the root route's key, then the
 *   group labels as `model.LabelSet.String()`); times as Go's `time.Time` JSON; `fingerprint` as Alertmanager's.
 */
import type { LabelRecord } from '../model/labels.js';
import { goQuote } from '../promql/parser/lexer.js';
import type { NotifierAlert } from '../rules/types.js';
import { alertFingerprint } from './fingerprint.js';
import { GO_ZERO_TIME, formatGoTime } from './go-time.js';

export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: LabelRecord;
  readonly annotations: LabelRecord;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface WebhookMessage {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly WebhookAlert[];
  readonly groupLabels: LabelRecord;
  readonly commonLabels: LabelRecord;
  readonly commonAnnotations: LabelRecord;
  readonly externalURL: string;
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
}

export interface WebhookMessageInput {
  /** The webhook's name (the payload's `receiver`, regex-quoted). */
  readonly receiver: string;
  readonly groupLabels: LabelRecord;
  readonly alerts: readonly NotifierAlert[];
  /** Unix ms: decides which alerts are resolved. */
  readonly nowMs: number;
  /** The sidecar's external URL (Alertmanager puts its own there). */
  readonly externalURL: string;
  /** 0: no limit. */
  readonly maxAlerts: number;
}

/** Builds the message (pure). */
export function buildWebhookMessage(input: WebhookMessageInput): WebhookMessage {
  const sorted = [...input.alerts].sort(compareAlerts);
  const truncated = input.maxAlerts > 0 && sorted.length > input.maxAlerts ? sorted.length - input.maxAlerts : 0;
  const alerts = truncated > 0 ? sorted.slice(0, input.maxAlerts) : sorted;
  const out = alerts.map((a): WebhookAlert => {
    const resolved = a.endsAtMs <= input.nowMs;
    return {
      status: resolved ? 'resolved' : 'firing',
      labels: sortedRecord(a.labels),
      annotations: sortedRecord(a.annotations),
      startsAt: formatGoTime(a.startsAtMs),
      endsAt: resolved ? formatGoTime(a.endsAtMs) : GO_ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: alertFingerprint(a.labels),
    };
  });
  return {
    receiver: goQuoteMeta(input.receiver),
    status: out.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: out,
    groupLabels: sortedRecord(input.groupLabels),
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: input.externalURL,
    version: '4',
    groupKey: webhookGroupKey(input.groupLabels),
    truncatedAlerts: truncated,
  };
}

/** `{}:{alertname="X"}`: the root route's key (`Route.Key()`, `{}`), then `model.LabelSet.String()` of the group labels. */
export function webhookGroupKey(groupLabels: LabelRecord): string {
  const names = Object.keys(groupLabels).sort(compareGoStrings);
  return `{}:{${names.map((n) => `${n}=${goQuote(groupLabels[n] as string)}`).join(', ')}}`;
}

/** Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`. */
export function goQuoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/** Go's `<` on strings: bytewise over UTF-8. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Alertmanager's `AlertSlice.Less` (alert/alert.go): `job`, then `instance` (present first), then `LabelSet.Before`. */
export function compareAlerts(x: NotifierAlert, y: NotifierAlert): number {
  for (const key of ['job', 'instance']) {
    const xv = x.labels[key];
    const yv = y.labels[key];
    if (xv === undefined && yv === undefined) continue;
    if (xv === undefined) return 1;
    if (yv === undefined) return -1;
    if (xv !== yv) return compareGoStrings(xv, yv);
  }
  return labelSetBefore(x.labels, y.labels) ? -1 : labelSetBefore(y.labels, x.labels) ? 1 : 0;
}

/** prometheus/common `model.LabelSet.Before`: fewer labels first, then by the merged sorted names. */
function labelSetBefore(ls: LabelRecord, o: LabelRecord): boolean {
  const a = Object.keys(ls);
  const b = Object.keys(o);
  if (a.length !== b.length) return a.length < b.length;
  const names = [...a, ...b].sort(compareGoStrings);
  for (const n of names) {
    const mv = ls[n];
    if (mv === undefined) return true;
    const ov = o[n];
    if (ov === undefined) return false;
    const c = compareGoStrings(mv, ov);
    if (c !== 0) return c < 0;
  }
  return false;
}

/** The pairs every record has with the same value; keys sorted (Go marshals maps sorted). */
function common(records: readonly LabelRecord[]): LabelRecord {
  const first = records[0];
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const k of Object.keys(first).sort(compareGoStrings)) {
    if (records.every((r) => r[k] === first[k])) out[k] = first[k] as string;
  }
  return out;
}

function sortedRecord(r: LabelRecord): LabelRecord {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort(compareGoStrings)) out[k] = r[k] as string;
  return out;
}
