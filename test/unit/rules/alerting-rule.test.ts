/**
 * The alerting rule's state machine, with the cases and expected values of Prometheus 3.16's own
 * `rules/alerting_test.go` (cited per test).
 */
import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../src/model/labels.js';
import { ZERO_TIME } from '../../../src/rules/alert-state.js';
import { AlertingRule, DUPLICATE_ALERT_LABELSET } from '../../../src/rules/alerting-rule.js';
import { engineQueryFunc, type RuleQueryFunc } from '../../../src/rules/query-func.js';
import type { RuleSample } from '../../../src/rules/rule-sample.js';
import { loadedStore, trivialTemplates } from './eval-support.js';

const MIN = 60_000;
const env = { templates: trivialTemplates, externalLabels: {}, externalURL: '' };

function rule(engineExpr: string, engine: { parse(q: string): unknown }, o: { name?: string; forMs?: number; keepMs?: number; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): AlertingRule {
  return new AlertingRule(
    o.name ?? 'HTTPRequestRateHigh',
    engine.parse(engineExpr) as never,
    engineExpr,
    o.forMs ?? 0,
    o.keepMs ?? 0,
    o.labels ?? {},
    o.annotations ?? {},
    env,
  );
}

function alertsOnly(out: RuleSample[]): string[] {
  for (const s of out) expect(['ALERTS', 'ALERTS_FOR_STATE']).toContain(s.labels.metricName);
  return out.filter((s) => s.labels.metricName === 'ALERTS').map((s) => `${s.labels.toString()} ${s.v} @${s.t}`);
}

describe('AlertingRule (rules/alerting_test.go)', () => {
  it('TestKeepFiringFor: pending, firing, then keeps firing for keep_firing_for after the condition ends', async () => {
    const { engine } = loadedStore(MIN, ['http_requests{job="app-server", instance="0"} 75 85 70 70 10x5']);
    const r = rule('http_requests > 50', engine, { forMs: MIN, keepMs: MIN });
    const q = engineQueryFunc(engine);
    const states = ['pending', 'firing', 'firing', 'firing', 'firing'];
    for (const [i, st] of states.entries()) {
      const out = await r.eval({ tsMs: i * MIN, queryOffsetMs: 0, limit: 0 }, q);
      expect(alertsOnly(out)).toEqual([`ALERTS{alertname="HTTPRequestRateHigh", alertstate="${st}", instance="0", job="app-server"} 1 @${i * MIN}`]);
    }
    expect(await r.eval({ tsMs: states.length * MIN, queryOffsetMs: 0, limit: 0 }, q)).toEqual([]);
  });

  it('TestPendingAndKeepFiringFor: a pending alert that vanishes is dropped, keep_firing_for does not apply', async () => {
    const { engine } = loadedStore(MIN, ['http_requests{job="app-server", instance="0"} 75 10x10']);
    const r = rule('http_requests > 50', engine, { forMs: MIN, keepMs: MIN });
    const q = engineQueryFunc(engine);
    const out = await r.eval({ tsMs: 0, queryOffsetMs: 0, limit: 0 }, q);
    expect(out).toHaveLength(2);
    expect(alertsOnly(out)).toEqual(['ALERTS{alertname="HTTPRequestRateHigh", alertstate="pending", instance="0", job="app-server"} 1 @0']);
    expect(await r.eval({ tsMs: MIN, queryOffsetMs: 0, limit: 0 }, q)).toEqual([]);
    expect(r.active.size).toBe(0);
  });

  it('TestAlertingRuleLimit: limits 0, -1, 2 pass; 1 fails with "exceeded limit of 1 with 2 alerts"', async () => {
    const { engine } = loadedStore(MIN, ['metric{label="1"} 1', 'metric{label="2"} 1']);
    const r = rule('metric > 0', engine, { name: 'foo', forMs: MIN, labels: { test: 'test' } });
    const q = engineQueryFunc(engine);
    for (const limit of [0, -1, 2]) await expect(r.eval({ tsMs: 0, queryOffsetMs: 0, limit }, q)).resolves.toBeDefined();
    await expect(r.eval({ tsMs: 0, queryOffsetMs: 0, limit: 1 }, q)).rejects.toThrow('exceeded limit of 1 with 2 alerts');
    expect(r.active.size).toBe(0);
  });

  it('TestAlertingRuleDuplicate: two samples with one label set after the alert labels fail the rule', async () => {
    const { engine } = loadedStore(MIN, []);
    const r = rule('vector(0) > 0 or label_replace(vector(0), "test", "x", "", "") or vector(0)', engine, { name: 'foo', forMs: MIN, labels: { test: 'test' } });
    const q: RuleQueryFunc = () =>
      Promise.resolve([
        { labels: LabelSet.from({ test: 'x' }), t: 0, v: 0 },
        { labels: LabelSet.from({}), t: 0, v: 0 },
      ]);
    await expect(r.eval({ tsMs: 0, queryOffsetMs: 0, limit: 0 }, q)).rejects.toThrow(DUPLICATE_ALERT_LABELSET);
  });

  it('TestFiringAlertResetToPendingOnHoldDurationIncrease: a raised `for` sends a firing alert back to pending', async () => {
    const { engine } = loadedStore(MIN, []);
    const q: RuleQueryFunc = (_e, t) => Promise.resolve([{ labels: LabelSet.from({}), t, v: 1 }]);
    const short = rule('foo', engine, { name: 'TestResetToPending', forMs: 15_000 });
    await short.eval({ tsMs: 0, queryOffsetMs: 0, limit: 0 }, q);
    const alert = [...short.active.values()][0];
    expect(alert?.state).toBe('pending');
    await short.eval({ tsMs: 15_000, queryOffsetMs: 0, limit: 0 }, q);
    expect(alert?.state).toBe('firing');
    expect(alert?.firedAtMs).toBe(15_000);
    // The reload: a new rule with for: 1h takes over the alerts (as CopyState does).
    const long = rule('foo', engine, { name: 'TestResetToPending', forMs: 3_600_000 });
    long.active = short.active;
    const out = await long.eval({ tsMs: 30_000, queryOffsetMs: 0, limit: 0 }, q);
    expect(alert).toMatchObject({ state: 'pending', firedAtMs: ZERO_TIME, lastSentAtMs: ZERO_TIME, keepFiringSinceMs: ZERO_TIME });
    expect(out.filter((s) => s.labels.metricName === 'ALERTS').map((s) => s.labels.get('alertstate'))).toEqual(['pending']);
    await long.eval({ tsMs: 3_600_000, queryOffsetMs: 0, limit: 0 }, q);
    expect(alert?.state).toBe('firing');
  });

  it('TestAlertingRuleEmptyLabelFromTemplate: a label template expanding to "" removes the label', async () => {
    const { engine } = loadedStore(MIN, ['http_requests{job="app-server", instance="0"} 75 85 70 70']);
    const r = rule('http_requests < 100', engine, { forMs: 0, labels: { empty_label: '' } });
    const out = await r.eval({ tsMs: 0, queryOffsetMs: 0, limit: 0 }, engineQueryFunc(engine));
    // ALERTS carries the rule's raw labels under the alert's (rules/alerting.go `sample`); an empty one is dropped.
    expect(alertsOnly(out)).toEqual(['ALERTS{alertname="HTTPRequestRateHigh", alertstate="firing", instance="0", job="app-server"} 1 @0']);
  });

  it('TestAlertingRuleExternalLabelsInTemplate: $externalLabels reach templates, not the output labels', async () => {
    const { engine } = loadedStore(MIN, ['http_requests{job="app-server", instance="0"} 75 85 70 70']);
    const r = new AlertingRule('ExternalLabelExists', engine.parse('http_requests < 100'), 'http_requests < 100', 0, 0, { templated_label: 'There are {{ $externalLabels.foo }} external Labels, of which foo is {{ $externalLabels.foo }}.' }, {}, {
      templates: trivialTemplates,
      externalLabels: { foo: 'bar', dings: 'bums' },
      externalURL: '',
    });
    const out = await r.eval({ tsMs: 0, queryOffsetMs: 0, limit: 0 }, engineQueryFunc(engine));
    expect(alertsOnly(out)).toEqual([
      'ALERTS{alertname="ExternalLabelExists", alertstate="firing", instance="0", job="app-server", templated_label="There are bar external Labels, of which foo is bar."} 1 @0',
    ]);
  });

  it('ALERTS_FOR_STATE holds ActiveAt in Unix seconds, at ts − query offset (rules/alerting.go forStateSample)', async () => {
    const { engine } = loadedStore(MIN, ['up 0x10']);
    const r = rule('up == 0', engine, { name: 'Down', forMs: 5 * MIN });
    const q = engineQueryFunc(engine);
    await r.eval({ tsMs: 2 * MIN, queryOffsetMs: MIN, limit: 0 }, q);
    const out = await r.eval({ tsMs: 3 * MIN, queryOffsetMs: MIN, limit: 0 }, q);
    const fs = out.find((s) => s.labels.metricName === 'ALERTS_FOR_STATE');
    expect(fs?.labels.toString()).toBe('ALERTS_FOR_STATE{alertname="Down"}');
    expect(fs?.v).toBe(120);
    expect(fs?.t).toBe(2 * MIN);
  });

  it('resolved alerts stay inactive for 15 minutes, then go (resolvedRetention)', async () => {
    const { engine } = loadedStore(MIN, []);
    let on = true;
    const q: RuleQueryFunc = (_e, t) => Promise.resolve(on ? [{ labels: LabelSet.from({ a: 'b' }), t, v: 1 }] : []);
    const r = rule('x', engine, { name: 'R' });
    await r.eval({ tsMs: 0, queryOffsetMs: 0, limit: 0 }, q);
    on = false;
    await r.eval({ tsMs: MIN, queryOffsetMs: 0, limit: 0 }, q);
    const a = [...r.active.values()][0];
    expect(a).toMatchObject({ state: 'inactive', resolvedAtMs: MIN });
    expect(r.state()).toBe('inactive');
    await r.eval({ tsMs: 16 * MIN, queryOffsetMs: 0, limit: 0 }, q);
    expect(r.active.size).toBe(1);
    await r.eval({ tsMs: 16 * MIN + 1, queryOffsetMs: 0, limit: 0 }, q);
    expect(r.active.size).toBe(0);
  });

  it('sendAlerts / needsSending: never pending; firing every resend delay (strictly after); resolved at once; ValidUntil = ts + 4 × max(interval, resend)', async () => {
    const { engine } = loadedStore(MIN, []);
    let on = true;
    const q: RuleQueryFunc = (_e, t) => Promise.resolve(on ? [{ labels: LabelSet.from({ a: 'b' }), t, v: 1 }] : []);
    const r = rule('vector(1)', engine, { name: 'R', forMs: MIN });
    const step = async (ts: number): Promise<ReturnType<AlertingRule['alertsToSend']>> => {
      await r.eval({ tsMs: ts, queryOffsetMs: 0, limit: 0 }, q);
      return r.alertsToSend(ts, 2 * MIN, MIN, 'http://h:9');
    };
    expect(await step(0)).toEqual([]);
    const first = await step(MIN);
    expect(first).toEqual([
      { labels: { a: 'b', alertname: 'R' }, annotations: {}, startsAtMs: MIN, endsAtMs: MIN + 8 * MIN, generatorURL: 'http://h:9/graph?g0.expr=vector%281%29&g0.tab=1' },
    ]);
    expect(await step(2 * MIN)).toEqual([]);
    expect(await step(3 * MIN)).toEqual([]); // lastSent + resend delay == ts: not strictly before
    expect(await step(4 * MIN)).toHaveLength(1);
    on = false;
    const resolved = await step(5 * MIN);
    expect(resolved).toEqual([expect.objectContaining({ startsAtMs: MIN, endsAtMs: 5 * MIN })]);
  });
});
