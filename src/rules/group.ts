/**
 * A rule group that evaluates like Prometheus 3.16 `rules/group.go` (`Group.Eval`, `CopyState`,
 * `RestoreForState`, `markStale`/`cleanupStaleSeries`): rules run in order, each one's output committed to the store
 * before the next runs; series a rule wrote in its previous evaluation and not now get a staleness marker; alerts that
 * need sending go to the sink. Scheduling (slots, missed iterations) is the rule manager's; this is one iteration.
 */
import { OutOfOrderSampleError } from '../errors.js';
import { LabelSet, type LabelRecord } from '../model/labels.js';
import type { Engine } from '../promql/engine/index.js';
import { formatExpr } from '../promql/parser/index.js';
import type { SeriesStore } from '../store/types.js';
import { toActiveAlert, toPersistedAlert } from './alert-state.js';
import { AlertingRule } from './alerting-rule.js';
import { engineQueryFunc, type RuleQueryFunc } from './query-func.js';
import { RecordingRule } from './recording-rule.js';
import type { RuleSample } from './rule-sample.js';
import type {
  PersistedGroupState,
  RuleGroupOptions,
  RuleGroupRunner,
  RuleGroupSpec,
  RuleHealth,
  RuleSpec,
  RuleStatus,
} from './types.js';

/** The store source every rule group writes through (series of rules belong to no single group, as in Prometheus). */
export const RULES_SOURCE = 'rules';

type Rule = RecordingRule | AlertingRule;

interface RuleSlot {
  readonly spec: RuleSpec;
  readonly rule: Rule;
  health: RuleHealth;
  lastError: string | undefined;
  lastEvaluationMs: number | undefined;
  evaluationDurationMs: number;
  /** Series written by the last successful evaluation, by label-set key (`seriesInPreviousEval`). */
  seriesInPreviousEval: Map<string, LabelSet>;
}

/** A rule group runner with what the rule manager may also call. */
export interface RuleGroup extends RuleGroupRunner {
  /**
   * Writes staleness markers at `tsMs` for every series the group wrote in its last evaluation (Prometheus's
   * `markStale` for a group removed by a reload).
   */
  markStale(tsMs: number): Promise<void>;
  /** The rules, for tools (`test rules` reads alerting rules' alerts). */
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/**
 * Builds the runner of one group.
 *
 * @param store where queries read and output is written (through the {@link RULES_SOURCE} source, `free` policy)
 * @param engine the PromQL engine over `store`; rule expressions are parsed with it (they parsed at load)
 * @throws PromQLParseError when a rule's expression does not parse with the engine's options
 */
export function createRuleGroup(spec: RuleGroupSpec, store: SeriesStore, engine: Engine, options: RuleGroupOptions): RuleGroup {
  return new Group(spec, store, engine, options);
}

function ruleLabels(groupLabels: LabelRecord, ruleLabels: LabelRecord): LabelRecord {
  return { ...groupLabels, ...ruleLabels };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Prometheus's `nameAndLabels`: how `CopyState` pairs old and new rules. */
function nameAndLabels(rule: Rule): string {
  return `${rule.name}\u0001${LabelSet.from(rule.labels).key}`;
}

class Group implements RuleGroup {
  readonly intervalMs: number;
  readonly queryOffsetMs: number;
  lastEvaluationMs: number | undefined;
  lastDurationMs = 0;
  private readonly slots: RuleSlot[];
  private readonly query: RuleQueryFunc;
  /** Series of rules gone after a reload, to be marked stale at the next evaluation (`staleSeries`). */
  private staleSeries: LabelSet[] = [];

  constructor(
    readonly spec: RuleGroupSpec,
    private readonly store: SeriesStore,
    engine: Engine,
    private readonly options: RuleGroupOptions,
  ) {
    this.intervalMs = spec.intervalMs ?? options.defaultIntervalMs;
    this.queryOffsetMs = spec.queryOffsetMs ?? options.defaultQueryOffsetMs;
    this.query = engineQueryFunc(engine);
    store.createSource(RULES_SOURCE, { kind: 'free' });
    this.slots = spec.rules.map((r) => {
      const expr = engine.parse(r.expr);
      const text = formatExpr(expr);
      const labels = ruleLabels(spec.labels, r.labels);
      const rule: Rule =
        r.kind === 'recording'
          ? new RecordingRule(r.record, expr, text, labels)
          : new AlertingRule(r.alert, expr, text, r.forMs, r.keepFiringForMs, labels, r.annotations, {
              templates: options.templates,
              externalLabels: options.externalLabels,
              externalURL: options.externalURL,
              incidentContext: options.incidentContext,
              incidentContextTimeoutMs: options.incidentContextTimeoutMs,
            });
      return {
        spec: r,
        rule,
        health: 'unknown',
        lastError: undefined,
        lastEvaluationMs: undefined,
        evaluationDurationMs: 0,
        seriesInPreviousEval: new Map(),
      };
    });
  }

  get rules(): readonly Rule[] {
    return this.slots.map((s) => s.rule);
  }

  async evaluate(tsMs: number): Promise<void> {
    const started = performance.now();
    for (const slot of this.slots) await this.evalRule(slot, tsMs);
    this.cleanupStaleSeries(tsMs);
    this.lastEvaluationMs = tsMs;
    this.lastDurationMs = performance.now() - started;
  }

  /** One rule of `Group.Eval`. Never throws. */
  private async evalRule(slot: RuleSlot, tsMs: number): Promise<void> {
    const started = performance.now();
    try {
      let vector: RuleSample[];
      try {
        vector = await slot.rule.eval({ tsMs, queryOffsetMs: this.queryOffsetMs, limit: this.spec.limit }, this.query);
      } catch (err) {
        slot.health = 'err';
        slot.lastError = errorText(err);
        return;
      }
      slot.health = 'ok';
      slot.lastError = undefined;

      if (slot.rule instanceof AlertingRule) {
        const alerts = slot.rule.alertsToSend(tsMs, this.options.resendDelayMs, this.intervalMs, this.options.externalURL);
        if (alerts.length > 0) {
          try {
            this.options.sink.send(alerts);
          } catch {
            // A sink that throws must not stop the group; the notifier counts its own failures.
          }
        }
      }

      const app = this.store.appender(RULES_SOURCE);
      const returned = new Map<string, LabelSet>();
      for (const s of vector) {
        try {
          app.append(s.labels, s.t, s.v);
          returned.set(s.labels.key, s.labels);
        } catch (err) {
          if (this.isIdenticalDuplicate(err, s)) {
            returned.set(s.labels.key, s.labels);
            continue;
          }
          slot.health = 'err';
          slot.lastError = errorText(err);
        }
      }
      const staleT = tsMs - this.queryOffsetMs;
      for (const [key, lset] of slot.seriesInPreviousEval) {
        if (returned.has(key)) continue;
        try {
          app.appendStale(lset, staleT);
        } catch {
          // Out of order or too old: expected when another rule writes the series too (Prometheus ignores these).
        }
      }
      try {
        app.commit();
        slot.seriesInPreviousEval = returned;
      } catch (err) {
        app.rollback();
        slot.health = 'err';
        slot.lastError = errorText(err);
      }
    } finally {
      slot.lastEvaluationMs = tsMs;
      slot.evaluationDurationMs = performance.now() - started;
    }
  }

  /** TSDB accepts a sample equal to the stored one at the same timestamp silently; so do we. */
  private isIdenticalDuplicate(err: unknown, s: RuleSample): boolean {
    if (!(err instanceof OutOfOrderSampleError) || err.reason !== 'duplicate') return false;
    const stored = this.store.get(s.labels);
    return stored !== undefined && stored.lastTimestamp === s.t && !stored.isStale && Object.is(stored.lastValue, s.v);
  }

  private cleanupStaleSeries(tsMs: number): void {
    if (this.staleSeries.length === 0) return;
    this.writeStale(this.staleSeries, tsMs - this.queryOffsetMs);
    this.staleSeries = [];
  }

  private writeStale(series: Iterable<LabelSet>, t: number): void {
    const app = this.store.appender(RULES_SOURCE);
    for (const lset of series) {
      try {
        app.appendStale(lset, t);
      } catch {
        // As Prometheus: out-of-order and duplicate markers are expected when another group writes the series.
      }
    }
    try {
      app.commit();
    } catch {
      app.rollback();
    }
  }

  async markStale(tsMs: number): Promise<void> {
    const all: LabelSet[] = [];
    for (const slot of this.slots) all.push(...slot.seriesInPreviousEval.values());
    all.push(...this.staleSeries);
    this.writeStale(all, tsMs);
    await Promise.resolve();
  }

  status(): readonly RuleStatus[] {
    return this.slots.map((s) => ({
      spec: s.spec,
      health: s.health,
      lastError: s.lastError,
      lastEvaluationMs: s.lastEvaluationMs,
      evaluationDurationMs: s.evaluationDurationMs,
      alerts: s.rule instanceof AlertingRule ? [...s.rule.active.values()].map(toActiveAlert) : [],
    }));
  }

  /**
   * `Group.CopyState`: rules paired by name and labels (in order, for rules with equal keys) take over the old
   * rule's series of the previous evaluation and its alerts; series of old rules without a partner are marked stale at
   * the next evaluation.
   */
  copyState(from: RuleGroupRunner): void {
    if (!(from instanceof Group)) return;
    this.lastEvaluationMs = from.lastEvaluationMs;
    this.lastDurationMs = from.lastDurationMs;
    const ruleMap = new Map<string, number[]>();
    from.slots.forEach((s, fi) => {
      const k = nameAndLabels(s.rule);
      ruleMap.set(k, [...(ruleMap.get(k) ?? []), fi]);
    });
    for (const slot of this.slots) {
      const k = nameAndLabels(slot.rule);
      const indexes = ruleMap.get(k) ?? [];
      const fi = indexes[0];
      if (fi === undefined) continue;
      const old = from.slots[fi] as RuleSlot;
      slot.seriesInPreviousEval = old.seriesInPreviousEval;
      ruleMap.set(k, indexes.slice(1));
      if (slot.rule instanceof AlertingRule && old.rule instanceof AlertingRule) {
        for (const [h, a] of old.rule.active) slot.rule.active.set(h, a);
      }
    }
    this.staleSeries = [...from.staleSeries];
    for (const s of from.slots) {
      if ((ruleMap.get(nameAndLabels(s.rule)) ?? []).length !== 0) this.staleSeries.push(...s.seriesInPreviousEval.values());
    }
  }

  snapshot(nowMs: number): PersistedGroupState {
    const rules: { index: number; alert: string; alerts: ReturnType<typeof toPersistedAlert>[] }[] = [];
    this.slots.forEach((s, index) => {
      if (s.rule instanceof AlertingRule && s.rule.active.size > 0) {
        rules.push({ index, alert: s.rule.name, alerts: [...s.rule.active.values()].map(toPersistedAlert) });
      }
    });
    return { file: this.spec.file, name: this.spec.name, savedAtMs: nowMs, rules };
  }

  /**
   * Restores `activeAt` (and the incident context) of every alert that is active now and was pending or firing when
   * the state was saved: the time it was pending before the restart counts, so it fires when it would have without
   * the restart (issue 9 §1 "a restart neither re-pages nor forgets a pending `for`"). A save older than
   * `forOutageToleranceMs` is ignored, as Prometheus ignores `ALERTS_FOR_STATE` older than that.
   * Deliberately not Prometheus 3.16's `Group.RestoreForState`, which moves `activeAt` forward by the downtime and
   * does not restore alerts whose `for` is below `--rules.alert.for-grace-period`: the sidecar saves its state on
   * every change and at shutdown, so what was pending is known, and the issue asks for the original firing time.
   */
  restore(state: PersistedGroupState, nowMs: number): void {
    if (state.file !== this.spec.file || state.name !== this.spec.name) return;
    const downAt = state.savedAtMs;
    if (nowMs - downAt > this.options.forOutageToleranceMs) return;
    for (const saved of state.rules) {
      const slot = this.slots[saved.index];
      if (slot === undefined || !(slot.rule instanceof AlertingRule) || slot.rule.name !== saved.alert) continue;
      const rule = slot.rule;
      const byLabels = new Map(saved.alerts.map((a) => [LabelSet.from(a.labels).key, a]));
      for (const [key, a] of rule.active) {
        const old = byLabels.get(key);
        if (old === undefined || old.state === 'inactive' || a.state === 'inactive') continue;
        if (old.context !== undefined && a.context === undefined) a.context = old.context;
        a.activeAtMs = Math.min(a.activeAtMs, old.activeAtMs);
      }
      rule.restored = true;
    }
  }
}
