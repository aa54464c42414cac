/**
 * The incident-context hook of alerting rules (ours, issue 9 §3; not in Prometheus): captured once when an alert
 * starts firing, its summary sent as the `flink_context` annotation and kept while the alert lives, persisted with
 * it, never delaying the notification beyond the timeout.
 */
import { describe, expect, it } from 'vitest';
import { createRuleGroup } from '../../../src/rules/group.js';
import type { CapturedContext, IncidentContextProvider, NotifierAlert, RuleGroupSpec, RuleSpec } from '../../../src/rules/types.js';
import { groupOptions, loadedStore } from './eval-support.js';

const POS = { line: 1, column: 1 };
const JOB = 'cb355bd1b43b28a78ec9260f0f500325';

function spec(forMs: number): RuleGroupSpec {
  const rule: RuleSpec = { kind: 'alerting', alert: 'Restarting', expr: 'restarts > 0', forMs, keepFiringForMs: 0, labels: {}, annotations: { summary: 'restarting' }, pos: POS };
  return { name: 'g', file: 'rules.yml', intervalMs: 60_000, queryOffsetMs: undefined, limit: 0, labels: {}, rules: [rule], pos: POS };
}

function provider(answer: (labels: Record<string, string>) => Promise<CapturedContext | undefined>) {
  const calls: { labels: Record<string, string>; t: number }[] = [];
  const p: IncidentContextProvider = {
    capture: (labels, t) => {
      calls.push({ labels: { ...labels }, t });
      return answer(labels);
    },
  };
  return { p, calls };
}

describe('incident context on alerting rules', () => {
  it('captured once when the alert starts firing (after for), sent as flink_context, kept on later sends, persisted', async () => {
    const { store, engine } = loadedStore(60_000, [`restarts{job_id="${JOB}"} 1x10`, 'restarts{job_id="none"} 1x10']);
    const sent: NotifierAlert[][] = [];
    const { p, calls } = provider(async (l) => (l['job_id'] === JOB ? { summary: '2 restarts in the last hour.', details: { jobId: JOB } } : undefined));
    const g = createRuleGroup(spec(60_000), store, engine, groupOptions(sent, { incidentContext: p, resendDelayMs: 60_000 }));
    await g.evaluate(0); // pending
    expect(calls).toEqual([]);
    await g.evaluate(60_000); // firing
    expect(calls.map((c) => [c.labels['job_id'], c.t])).toEqual([
      [JOB, 60_000],
      ['none', 60_000],
    ]);
    const first = sent.flat();
    expect(first.find((a) => a.labels['job_id'] === JOB)?.annotations).toEqual({ summary: 'restarting', flink_context: '2 restarts in the last hour.' });
    expect(first.find((a) => a.labels['job_id'] === 'none')?.annotations).toEqual({ summary: 'restarting' });
    sent.length = 0;
    await g.evaluate(180_000); // resent (lastSent + resendDelay < ts): same context, no new capture
    expect(calls).toHaveLength(2);
    expect(sent.flat().find((a) => a.labels['job_id'] === JOB)?.annotations['flink_context']).toBe('2 restarts in the last hour.');
    const saved = g.snapshot(180_000).rules[0]?.alerts.find((a) => a.labels['job_id'] === JOB);
    expect(saved?.context).toEqual({ summary: '2 restarts in the last hour.', details: { jobId: JOB } });
    expect(g.status()[0]?.alerts.find((a) => a.labels['job_id'] === JOB)?.context?.details).toEqual({ jobId: JOB });
  });

  it('a capture that does not answer in time: the alert goes out without flink_context, on time', async () => {
    const { store, engine } = loadedStore(60_000, [`restarts{job_id="${JOB}"} 1`]);
    const sent: NotifierAlert[][] = [];
    const { p } = provider(() => new Promise(() => {}));
    const g = createRuleGroup(spec(0), store, engine, groupOptions(sent, { incidentContext: p, incidentContextTimeoutMs: 20 }));
    await g.evaluate(0);
    expect(sent.flat().map((a) => a.annotations)).toEqual([{ summary: 'restarting' }]);
  });

  it('a failing capture is ignored', async () => {
    const { store, engine } = loadedStore(60_000, [`restarts{job_id="${JOB}"} 1`]);
    const sent: NotifierAlert[][] = [];
    const { p } = provider(() => Promise.reject(new Error('boom')));
    const g = createRuleGroup(spec(0), store, engine, groupOptions(sent, { incidentContext: p }));
    await g.evaluate(0);
    expect(sent.flat().map((a) => a.annotations)).toEqual([{ summary: 'restarting' }]);
    expect(g.status()[0]?.health).toBe('ok');
  });
});
