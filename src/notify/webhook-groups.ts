/**
 * When a webhook is notified: Alertmanager's aggregation group (`dispatch/dispatch.go`, grouped by `alertname`) and
 * notification dedup (`notify/dedup_stage.go` `needsUpdate`), without Alertmanager's `group_wait`/`group_interval`
 * timers (a group is evaluated when its alerts arrive and on a periodic tick). Per group:
 * - the latest version of each alert (by fingerprint) is kept; an alert is resolved once its `endsAt` is not after
 *   now, so alerts the sidecar stops re-sending resolve by themselves, as in Alertmanager;
 * - a notification goes out when: nothing was notified yet and something fires; a firing alert is not in the last
 *   notification's firing set; everything resolved after a notification with firing alerts; with `send_resolved`,
 *   a resolved alert is not in the last notification's resolved set; or `repeat_interval` has passed;
 * - after each evaluation resolved alerts leave the group (Alertmanager deletes them after a flush), and a group with
 *   no alerts left is forgotten;
 * - without `send_resolved` the resolved alerts are left out of the payload, and a payload that would be empty is
 *   not sent (Alertmanager's RetryStage).
 */
import type { LabelRecord } from '../model/labels.js';
import type { NotifierAlert } from '../rules/types.js';
import { alertFingerprint } from './fingerprint.js';

export interface WebhookGroupOptions {
  readonly sendResolved: boolean;
  readonly repeatIntervalMs: number;
}

/** A notification to send: the group's labels and the alerts to put in the payload. */
export interface GroupNotification {
  readonly groupLabels: LabelRecord;
  readonly alerts: readonly NotifierAlert[];
}

/** The last notification of a group (Alertmanager's notification log entry, `nflogpb.Entry`). */
export interface NotificationLogEntry {
  /** Fingerprints of the alerts that were firing / resolved in it. */
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  /** When it was sent, Unix ms. */
  readonly atMs: number;
}

interface Group {
  readonly labels: LabelRecord;
  readonly alerts: Map<string, NotifierAlert>;
  entry: NotificationLogEntry | undefined;
}

export class WebhookGroups {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly opts: WebhookGroupOptions) {}

  /** Number of groups held. */
  get size(): number {
    return this.groups.size;
  }

  /**
   * Takes in alerts and evaluates the groups they belong to.
   * @returns the notifications due now, one per group at most
   */
  update(alerts: readonly NotifierAlert[], nowMs: number): GroupNotification[] {
    const touched = new Set<string>();
    for (const a of alerts) {
      const name = a.labels['alertname'] ?? '';
      let g = this.groups.get(name);
      if (g === undefined) {
        g = { labels: name === '' ? {} : { alertname: name }, alerts: new Map(), entry: undefined };
        this.groups.set(name, g);
      }
      g.alerts.set(alertFingerprint(a.labels), a);
      touched.add(name);
    }
    const out: GroupNotification[] = [];
    for (const name of touched) {
      const n = this.evaluate(name, nowMs);
      if (n) out.push(n);
    }
    return out;
  }

  /** Evaluates every group (expiry of alerts no longer re-sent, `repeat_interval`). */
  tick(nowMs: number): GroupNotification[] {
    const out: GroupNotification[] = [];
    for (const name of [...this.groups.keys()]) {
      const n = this.evaluate(name, nowMs);
      if (n) out.push(n);
    }
    return out;
  }

  private evaluate(name: string, nowMs: number): GroupNotification | undefined {
    const g = this.groups.get(name);
    if (g === undefined) return undefined;
    const firing = new Set<string>();
    const resolved = new Set<string>();
    for (const [fp, a] of g.alerts) (a.endsAtMs <= nowMs ? resolved : firing).add(fp);
    let result: GroupNotification | undefined;
    if (needsUpdate(g.entry, firing, resolved, this.opts, nowMs)) {
      g.entry = { firing, resolved, atMs: nowMs };
      const alerts = [...g.alerts.values()].filter((a) => this.opts.sendResolved || a.endsAtMs > nowMs);
      if (alerts.length > 0) result = { groupLabels: g.labels, alerts };
    }
    for (const fp of resolved) g.alerts.delete(fp);
    if (g.alerts.size === 0 && (g.entry === undefined || g.entry.firing.size === 0)) this.groups.delete(name);
    return result;
  }
}

/**
 * Whether a group needs a notification: Alertmanager 0.35 `DedupStage.needsUpdate` (notify/dedup_stage.go).
 *
 * @param entry the group's last notification; undefined if none
 * @param firing fingerprints of the group's firing alerts now
 * @param resolved fingerprints of its resolved alerts now
 */
export function needsUpdate(
  entry: NotificationLogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  opts: WebhookGroupOptions,
  nowMs: number,
): boolean {
  if (entry === undefined) return firing.size > 0;
  // new alerts in the group
  if (![...firing].every((fp) => entry.firing.has(fp))) return true;
  // everything resolved: notified irrespective of send_resolved, so that the firing ones are cleared
  if (firing.size === 0) return entry.firing.size > 0;
  if (opts.sendResolved && ![...resolved].every((fp) => entry.resolved.has(fp))) return true;
  return entry.atMs < nowMs - opts.repeatIntervalMs;
}
