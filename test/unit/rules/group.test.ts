/**
 * One group iteration (`createRuleGroup`), with cases and expected values from Prometheus 3.16's
 * `rules/manager_test.go` and `rules/recording_test.go` (cited per test).
 */
import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../src/model/labels.js';
import { createRuleGroup, RULES_SOURCE } from '../../../src/rules/group.js';
import type { NotifierAlert, PersistedGroupState, RuleGroupSpec, RuleSpec } from '../../../src/rules/types.js';
import type { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import { groupOptions, loadedStore } from './eval-support.js';

const MIN = 60_000;
const POS = { line: 1, column: 1 };

function rec(record: string, expr: string, labels: Record<string, string> = {}): RuleSpec {
  return { kind: 'recording', record, expr, labels, pos: POS };
}
function alert(name: string, expr: string, o: { forMs?: number; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): RuleSpec {
  return { kind: 'alerting', alert: name, expr, forMs: o.forMs ?? 0, keepFiringForMs: 0, labels: o.labels ?? {}, annotations: o.annotations ?? {}, pos: POS };
}
function spec(rules: RuleSpec[], o: Partial<RuleGroupSpec> = {}): RuleGroupSpec {
  return { name: 'default', file: 'rules.yml', intervalMs: undefined, queryOffsetMs: undefined, limit: 0, labels: {}, rules, pos: POS, ...o };
}

/** Samples of one series as `t:v` (`stale` for a staleness marker). */
function samples(store: MemorySeriesStore, record: Record<string, string>): string[] {
  const s = store.get(LabelSet.from(record));
  if (s === undefined) return [];
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(`${s.timestampAt(i)}:${s.isStaleAt(i) ? 'stale' : s.valueAt(i)}`);
  return out;
}

describe('rule group (rules/group.go)', () => {
  for (const offset of [0, MIN]) {
    it(`TestStaleness (query offset ${offset}): a_plus_one follows a and gets a staleness marker when a goes stale`, async () => {
      const { store, engine } = loadedStore(1000, ['a 1 2 stale']);
      const g = createRuleGroup(spec([rec('a_plus_one', 'a + 1')], { intervalMs: 1000, queryOffsetMs: offset }), store, engine, groupOptions());
      for (const t of [0, 1000, 2000]) await g.evaluate(t + offset);
      expect(samples(store, { __name__: 'a_plus_one' })).toEqual(['0:2', '1000:3', '2000:stale']);
      expect(store.get(LabelSet.from({ __name__: 'a_plus_one' }))?.source).toBe(RULES_SOURCE);
    });
  }

  it('TestRuleEval: record name replaces __name__, rule labels override sample labels, group labels under rule labels', async () => {
    const { store, engine } = loadedStore(MIN, ['metric{label_a="1", label_b="3"} 1']);
    const g = createRuleGroup(
      spec([rec('test_rule', 'metric', { label_a: 'from_rule', extra: 'r' })], { labels: { extra: 'group', g: 'x' } }),
      store,
      engine,
      groupOptions(),
    );
    await g.evaluate(0);
    expect(samples(store, { __name__: 'test_rule', label_a: 'from_rule', label_b: '3', extra: 'r', g: 'x' })).toEqual(['0:1']);
    expect(g.status()[0]).toMatchObject({ health: 'ok', lastError: undefined, lastEvaluationMs: 0 });
  });

  it('TestRuleEvalDuplicate: rule labels that make two samples equal fail the rule with Prometheus\'s text', async () => {
    const { store, engine } = loadedStore(MIN, []);
    const g = createRuleGroup(spec([rec('foo', 'label_replace(vector(0) or vector(1) * 0 + 0 * label_replace(vector(1), "x", "y", "", ""), "x", "", "", "") or label_replace(vector(1), "test", "x", "", "")', { test: 'test' })]), store, engine, groupOptions());
    await g.evaluate(0);
    expect(g.status()[0]).toMatchObject({ health: 'err', lastError: 'vector contains metrics with the same labelset after applying rule labels' });
  });

  it('TestRecordingRuleLimit: the group limit fails a rule with more series ("exceeded limit of 1 with 2 series")', async () => {
    for (const [limit, err] of [[0, undefined], [-1, undefined], [2, undefined], [1, 'exceeded limit of 1 with 2 series']] as const) {
      const { store, engine } = loadedStore(MIN, ['metric{label="1"} 1', 'metric{label="2"} 1']);
      const g = createRuleGroup(spec([rec('foo', 'metric > 0', { test: 'test' })], { limit }), store, engine, groupOptions());
      await g.evaluate(0);
      expect(g.status()[0]?.lastError).toBe(err);
      expect(samples(store, { __name__: 'foo', label: '1', test: 'test' })).toEqual(err === undefined ? ['0:1'] : []);
    }
  });

  it('rules run in order, each committed before the next: a later rule reads an earlier one\'s output at the same time', async () => {
    const { store, engine } = loadedStore(MIN, ['x 5']);
    const g = createRuleGroup(spec([rec('x_doubled', 'x * 2'), rec('x_quadrupled', 'x_doubled * 2')]), store, engine, groupOptions());
    await g.evaluate(0);
    expect(samples(store, { __name__: 'x_quadrupled' })).toEqual(['0:20']);
  });

  it('a failing rule records its error and the others still run; its previous series are not marked stale', async () => {
    const { store, engine } = loadedStore(MIN, ['x 1 1', 'y{a="1"} 1 1', 'y{a="2"} 1 1']);
    const g = createRuleGroup(spec([rec('r', 'x'), rec('bad', 'y', {}), rec('after', 'x + 1')], { limit: 1 }), store, engine, groupOptions());
    await g.evaluate(0);
    const st = g.status();
    expect(st.map((s) => s.health)).toEqual(['ok', 'err', 'ok']);
    expect(st[1]?.lastError).toBe('exceeded limit of 1 with 2 series');
    expect(samples(store, { __name__: 'after' })).toEqual(['0:2']);
  });

  it('TestAlertingRule (manager_test.go): ALERTS written with alert labels; notifications for firing alerts only', async () => {
    const { store, engine } = loadedStore(5 * MIN, [
      'http_requests{job="app-server", instance="0", group="canary", severity="overwrite-me"} 75 85 95 105 105 95 85',
      'http_requests{job="app-server", instance="1", group="canary", severity="overwrite-me"} 80 90 100 110 120 130 140',
    ]);
    const sent: NotifierAlert[][] = [];
    const g = createRuleGroup(
      spec([alert('HTTPRequestRateLow', 'http_requests{group="canary", job="app-server"} < 100', { forMs: MIN, labels: { severity: '{{"c"}}ritical' } })]),
      store,
      engine,
      groupOptions(sent, { templates: { check: () => undefined, expand: (_n, t) => Promise.resolve(t.replace('{{"c"}}', 'c')) } }),
    );
    const alertsAt = (t: number): string[] => {
      const out: string[] = [];
      for (const inst of ['0', '1']) {
        for (const st of ['pending', 'firing']) {
          const s = store.get(LabelSet.from({ __name__: 'ALERTS', alertname: 'HTTPRequestRateLow', alertstate: st, group: 'canary', instance: inst, job: 'app-server', severity: 'critical' }));
          if (s !== undefined && s.length > 0) {
            for (let i = 0; i < s.length; i++) if (s.timestampAt(i) === t && !s.isStaleAt(i)) out.push(`${inst}:${st}`);
          }
        }
      }
      return out;
    };
    // Expected states from manager_test.go TestAlertingRule's table (evaluations at 0, 5m, 10m, 15m, 20m, 25m, 30m).
    const want = [['0:pending', '1:pending'], ['0:firing', '1:firing'], ['0:firing'], [], [], ['0:pending'], ['0:firing']];
    for (const [i, w] of want.entries()) {
      await g.evaluate(i * 5 * MIN);
      expect(alertsAt(i * 5 * MIN), `at ${i * 5}m`).toEqual(w);
    }
    // 5m: both start firing and are sent, endsAt = ValidUntil = 5m + 4 × max(interval 1m, resend delay 1m);
    // 10m: instance 1 resolved → sent at once with endsAt = ResolvedAt; instance 0 re-sent (lastSent + 1m < 10m).
    const batch = (i: number): string[] => (sent[i] ?? []).map((a) => `${a.labels['instance'] ?? ''}@${a.startsAtMs}-${a.endsAtMs}`).sort();
    expect(batch(0)).toEqual([`0@${5 * MIN}-${9 * MIN}`, `1@${5 * MIN}-${9 * MIN}`]);
    expect(batch(1)).toEqual([`0@${5 * MIN}-${14 * MIN}`, `1@${5 * MIN}-${10 * MIN}`]);
    expect(sent[0]?.[0]?.generatorURL).toBe('http://localhost:9275/graph?g0.expr=http_requests%7Bgroup%3D%22canary%22%2Cjob%3D%22app-server%22%7D+%3C+100&g0.tab=1');
  });

  it('TestCopyState: rules paired by name and labels take over series and alerts; unpaired old series go stale', async () => {
    const { store, engine } = loadedStore(MIN, ['x{l="a"} 1 1 1']);
    const oldRules = [alert('alert', 'x'), rec('rule1', 'x'), rec('rule3', 'x', { l1: 'v1' }), rec('rule3', 'x', { l1: 'v2' }), rec('rule3', 'x', { l1: 'v3' })];
    const old = createRuleGroup(spec(oldRules), store, engine, groupOptions());
    await old.evaluate(0);
    const newer = createRuleGroup(
      spec([rec('rule3', 'x', { l1: 'v0' }), rec('rule3', 'x', { l1: 'v1' }), rec('rule3', 'x', { l1: 'v2' }), alert('alert', 'x'), rec('rule1', 'x')]),
      store,
      engine,
      groupOptions(),
    );
    newer.copyState(old);
    expect(newer.lastEvaluationMs).toBe(0);
    expect(newer.status()[3]?.alerts.map((a) => a.state)).toEqual(['firing']);
    await newer.evaluate(MIN);
    // rule3{l1="v3"} is gone: its series gets a staleness marker at the next evaluation.
    expect(samples(store, { __name__: 'rule3', l: 'a', l1: 'v3' })).toEqual(['0:1', `${MIN}:stale`]);
    expect(samples(store, { __name__: 'rule3', l: 'a', l1: 'v1' })).toEqual(['0:1', `${MIN}:1`]);
  });

  it('markStale writes staleness markers for every series of the last evaluation (group removed by a reload)', async () => {
    const { store, engine } = loadedStore(MIN, ['x 1']);
    const g = createRuleGroup(spec([rec('r', 'x'), alert('A', 'x')]), store, engine, groupOptions());
    await g.evaluate(0);
    await g.markStale(MIN);
    expect(samples(store, { __name__: 'r' })).toEqual(['0:1', `${MIN}:stale`]);
    expect(samples(store, { __name__: 'ALERTS', alertname: 'A', alertstate: 'firing' })).toEqual(['0:1', `${MIN}:stale`]);
  });

  describe('restore from the state file (issue 9: activeAt kept, unlike Group.RestoreForState which shifts it by the downtime)', () => {
    const FOR = 25 * MIN;
    const setup = async (): Promise<ReturnType<typeof createRuleGroup>> => {
      const { store, engine } = loadedStore(MIN, ['up 0x200']);
      const g = createRuleGroup(spec([alert('Down', 'up == 0', { forMs: FOR })]), store, engine, groupOptions([], { forOutageToleranceMs: 30 * MIN, forGracePeriodMs: 10 * MIN }));
      return g;
    };
    const saved = (activeAtMs: number, savedAtMs: number): PersistedGroupState => ({
      file: 'rules.yml',
      name: 'default',
      savedAtMs,
      rules: [{ index: 0, alert: 'Down', alerts: [{ labels: { alertname: 'Down' }, annotations: {}, state: 'pending', activeAtMs, firedAtMs: undefined, resolvedAtMs: undefined, keepFiringSinceMs: undefined, lastSentAtMs: undefined, value: 0 }] }],
    });
    const activeAt = (g: Awaited<ReturnType<typeof setup>>): number | undefined => g.status()[0]?.alerts[0]?.activeAtMs;

    it('the saved activeAt is kept: the pending time before the restart counts (Prometheus would give 10 min)', async () => {
      const g = await setup();
      await g.evaluate(100 * MIN);
      g.restore(saved(0, 5 * MIN), 15 * MIN); // down 10 min
      expect(activeAt(g)).toBe(0);
    });
    it('outage tolerance: a save older than the tolerance is ignored', async () => {
      const g = await setup();
      await g.evaluate(100 * MIN);
      g.restore(saved(0, 5 * MIN), 5 * MIN + 31 * MIN);
      expect(activeAt(g)).toBe(100 * MIN);
    });
    it('less than the grace period left: still the saved activeAt (no grace period: it fires when it was due)', async () => {
      const g = await setup();
      await g.evaluate(100 * MIN);
      g.restore(saved(0, 20 * MIN), 25 * MIN); // 5 min of `for` left < 10 min grace
      expect(activeAt(g)).toBe(0);
    });
    it('an alert saved pending that is not active after the restart is not restored', async () => {
      const { store, engine } = loadedStore(MIN, ['up 1x200']);
      const g = createRuleGroup(spec([alert('Down', 'up == 0', { forMs: FOR })]), store, engine, groupOptions());
      await g.evaluate(100 * MIN);
      g.restore(saved(0, 5 * MIN), 6 * MIN);
      expect(g.status()[0]?.alerts).toEqual([]);
    });
    it('already past `for`: activeAt kept', async () => {
      const g = await setup();
      await g.evaluate(100 * MIN);
      g.restore(saved(0, 26 * MIN), 30 * MIN);
      expect(activeAt(g)).toBe(0);
    });
    it('snapshot → restore round trip keeps the alert under the same labels', async () => {
      const g = await setup();
      await g.evaluate(0);
      const snap = g.snapshot(5 * MIN);
      expect(snap.rules[0]?.alerts[0]).toMatchObject({ labels: { alertname: 'Down' }, state: 'pending', activeAtMs: 0 });
      const g2 = await setup();
      await g2.evaluate(7 * MIN);
      g2.restore(snap, 7 * MIN);
      expect(activeAt(g2)).toBe(0);
    });
  });
});
