/**
 * An alerting rule and its alerts (Prometheus 3.16 `rules/alerting.go` `AlertingRule`): the state machine
 * inactive → pending → firing with `for` and `keep_firing_for`, resolved alerts kept 15 minutes, the `ALERTS` and
 * `ALERTS_FOR_STATE` samples, label and annotation templates, and which alerts go to the notifier.
 */
import { RuleEvalError } from '../errors.js';
import { LabelSet, type LabelRecord } from '../model/labels.js';
import type { Expr } from '../promql/ast.js';
import { queryEscape } from './template/builtins.js';
import {
  RESOLVED_RETENTION_MS,
  ZERO_TIME,
  needsSending,
  toNotifierAlert,
  type MutableAlert,
} from './alert-state.js';
import type { RuleQueryFunc } from './query-func.js';
import type { RuleEvalContext, RuleSample } from './rule-sample.js';
import { CONTEXT_ANNOTATION, type AlertState, type CapturedContext, type IncidentContextProvider, type NotifierAlert, type TemplateEnv, type TemplateExpander } from './types.js';

/** `ErrDuplicateAlertLabelSet`. */
export const DUPLICATE_ALERT_LABELSET = 'vector contains metrics with the same labelset after applying alert labels';

const STATE_ORDER: Readonly<Record<AlertState, number>> = { inactive: 1, pending: 2, firing: 3 };

/** What an alerting rule needs besides its spec. */
export interface AlertingRuleEnv {
  readonly templates: TemplateExpander;
  readonly externalLabels: LabelRecord;
  readonly externalURL: string;
  /** Incident context for alerts that start firing (ours, issue 9 §3); absent in `test rules`. */
  readonly incidentContext?: IncidentContextProvider | undefined;
  readonly incidentContextTimeoutMs?: number | undefined;
}

export class AlertingRule {
  readonly kind = 'alerting';
  /** Alerts by label-set key (Prometheus's `active`, resolved ones included until retention ends). */
  active = new Map<string, MutableAlert>();
  /**
   * False until the for-state restore ran; no `ALERTS`/`ALERTS_FOR_STATE` output meanwhile. We start restored:
   * our restore comes from the state file, not from `ALERTS_FOR_STATE`, so the series are not needed for it.
   */
  restored = true;

  /**
   * @param labels group labels merged with the rule's (rule wins); values are templates
   * @param annotations annotation templates
   */
  constructor(
    readonly name: string,
    private readonly expr: Expr,
    readonly exprText: string,
    readonly holdMs: number,
    readonly keepFiringForMs: number,
    readonly labels: LabelRecord,
    readonly annotations: LabelRecord,
    private readonly env: AlertingRuleEnv,
  ) {}

  /**
   * One evaluation (`AlertingRule.Eval`). Returns the `ALERTS`/`ALERTS_FOR_STATE` samples to write (at
   * `ts − queryOffset`).
   * @throws (rejects) the query's error; RuleEvalError for duplicate alert label sets or the limit (then every
   *   alert is dropped, as Prometheus does)
   */
  async eval(ctx: RuleEvalContext, query: RuleQueryFunc): Promise<RuleSample[]> {
    const { tsMs: ts, queryOffsetMs } = ctx;
    const res = await query(this.expr, ts - queryOffsetMs, this.exprText);
    const tenv: TemplateEnv = {
      evalTimeMs: ts,
      externalURL: this.env.externalURL,
      query: async (q, t) => (await query(q, t)).map((s) => ({ labels: s.labels.toRecord(), value: s.v })),
    };

    const fresh = new Map<string, MutableAlert>();
    for (const smpl of res) {
      const sampleLabels = smpl.labels.toRecord();
      const data = { labels: sampleLabels, externalLabels: this.env.externalLabels, externalURL: this.env.externalURL, value: smpl.v };
      const expand = (text: string): Promise<string> => this.env.templates.expand(this.name, text, data, tenv);

      const rec: Record<string, string> = { ...sampleLabels };
      delete rec['__name__'];
      // Labels in the rule's (sorted) order: a later template never sees an earlier one's output anyway.
      for (const [k, v] of Object.entries(this.labels)) rec[k] = await expand(v);
      rec['alertname'] = this.name;
      const ann: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.annotations)) ann[k] = await expand(v);

      const labels = LabelSet.from(rec);
      if (fresh.has(labels.key)) throw new RuleEvalError(DUPLICATE_ALERT_LABELSET);
      fresh.set(labels.key, {
        state: 'pending',
        labels,
        annotations: LabelSet.from(ann),
        value: smpl.v,
        activeAtMs: ts,
        firedAtMs: ZERO_TIME,
        resolvedAtMs: ZERO_TIME,
        lastSentAtMs: ZERO_TIME,
        validUntilMs: ZERO_TIME,
        keepFiringSinceMs: ZERO_TIME,
      });
    }

    for (const [h, a] of fresh) {
      const alert = this.active.get(h);
      if (alert !== undefined && alert.state !== 'inactive') {
        alert.value = a.value;
        alert.annotations = withContext(a.annotations, alert.context);
        continue;
      }
      this.active.set(h, a);
    }

    const out: RuleSample[] = [];
    let numActivePending = 0;
    for (const [fp, a] of [...this.active]) {
      if (!fresh.has(fp)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringForMs > 0) {
          if (a.keepFiringSinceMs === ZERO_TIME) a.keepFiringSinceMs = ts;
          if (ts - a.keepFiringSinceMs < this.keepFiringForMs) keepFiring = true;
        }
        // Pending alerts go at once; resolved ones once the retention has passed.
        if (a.state === 'pending' || (a.resolvedAtMs !== ZERO_TIME && ts - a.resolvedAtMs > RESOLVED_RETENTION_MS)) {
          this.active.delete(fp);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAtMs = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSinceMs = ZERO_TIME;
      }
      numActivePending++;

      if (a.state === 'pending' && ts - a.activeAtMs >= this.holdMs) {
        a.state = 'firing';
        a.firedAtMs = ts;
        if (a.context === undefined) await this.captureContext(a, ts);
      }
      // A raised `for` (after a reload) sends a firing alert back to pending.
      if (a.state === 'firing' && ts - a.activeAtMs < this.holdMs) {
        a.state = 'pending';
        a.firedAtMs = ZERO_TIME;
        a.lastSentAtMs = ZERO_TIME;
        a.keepFiringSinceMs = ZERO_TIME;
      }

      if (this.restored) {
        const t = ts - queryOffsetMs;
        out.push({ labels: this.alertsLabels(a), t, v: 1 });
        out.push({ labels: this.forStateLabels(a), t, v: Math.floor(a.activeAtMs / 1000) });
      }
    }

    if (ctx.limit > 0 && numActivePending > ctx.limit) {
      this.active = new Map();
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${numActivePending} alerts`);
    }
    return out;
  }

  /**
   * Captures the incident context of an alert that starts firing (not part of Prometheus), waiting at most
   * `incidentContextTimeoutMs` so that a slow Flink never delays the notification much; a failed or late capture
   * leaves the alert without `flink_context`.
   */
  private async captureContext(a: MutableAlert, ts: number): Promise<void> {
    const provider = this.env.incidentContext;
    if (provider === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.env.incidentContextTimeoutMs ?? 5000);
    });
    try {
      const c = await Promise.race([provider.capture(a.labels.toRecord(), ts).catch(() => undefined), timeout]);
      if (c === undefined) return;
      a.context = c;
      a.annotations = withContext(a.annotations, c);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `ALERTS{alertstate, alertname, …}`: rule labels (raw), then the alert's labels over them. */
  private alertsLabels(a: MutableAlert): LabelSet {
    return LabelSet.from({ ...this.labels, ...a.labels.toRecord(), __name__: 'ALERTS', alertname: this.name, alertstate: a.state });
  }

  private forStateLabels(a: MutableAlert): LabelSet {
    return LabelSet.from({ ...this.labels, ...a.labels.toRecord(), __name__: 'ALERTS_FOR_STATE', alertname: this.name });
  }

  /** The rule's state: the highest of its alerts' (`inactive` when none). */
  state(): AlertState {
    let max: AlertState = 'inactive';
    for (const a of this.active.values()) if (STATE_ORDER[a.state] > STATE_ORDER[max]) max = a.state;
    return max;
  }

  /** Alerts not resolved (`ActiveAlerts`). */
  activeAlerts(): MutableAlert[] {
    return [...this.active.values()].filter((a) => a.resolvedAtMs === ZERO_TIME);
  }

  /**
   * The alerts to send now (`sendAlerts`), stamping `lastSent = ts` and `validUntil = ts + 4 × max(interval,
   * resendDelay)` on each.
   */
  alertsToSend(tsMs: number, resendDelayMs: number, intervalMs: number, externalURL: string): NotifierAlert[] {
    const out: NotifierAlert[] = [];
    const url = `${externalURL}/graph?g0.expr=${queryEscape(this.exprText)}&g0.tab=1`;
    for (const a of this.active.values()) {
      if (!needsSending(a, tsMs, resendDelayMs)) continue;
      a.lastSentAtMs = tsMs;
      a.validUntilMs = tsMs + 4 * Math.max(intervalMs, resendDelayMs);
      out.push(toNotifierAlert(a, url));
    }
    return out;
  }
}

/** The annotations with the captured context's summary as `flink_context` (a rule's own annotation of that name wins). */
function withContext(annotations: LabelSet, context: CapturedContext | undefined): LabelSet {
  if (context === undefined || annotations.get(CONTEXT_ANNOTATION) !== undefined) return annotations;
  return LabelSet.from({ ...annotations.toRecord(), [CONTEXT_ANNOTATION]: context.summary });
}
