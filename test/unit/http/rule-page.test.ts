import { describe, expect, it } from 'vitest';
import { renderRulePage } from '../../../src/http/rule-page.js';
import { createRuleGroup } from '../../../src/rules/group.js';
import type { NotifierAlert, RuleGroupSpec } from '../../../src/rules/types.js';
import { groupOptions, loadedStore } from '../rules/eval-support.js';

const POS = { line: 1, column: 1 };
const JOB = 'cb355bd1b43b28a78ec9260f0f500325';

describe('the page behind generatorURL', () => {
  it('shows the rule of the URL\'s expression, its alert and the incident context; another expression shows none', async () => {
    const { store, engine } = loadedStore(60_000, [`restarts{job_id="${JOB}"} 3`]);
    const spec: RuleGroupSpec = {
      name: 'flink-jobs',
      file: 'rules/flink-alerts.yml',
      intervalMs: 60_000,
      queryOffsetMs: undefined,
      limit: 0,
      labels: {},
      rules: [{ kind: 'alerting', alert: 'Restarting', expr: 'restarts   >  0', forMs: 0, keepFiringForMs: 0, labels: {}, annotations: { summary: 'a <b>restart</b>' }, pos: POS }],
      pos: POS,
    };
    const sent: NotifierAlert[][] = [];
    const details = { capturedAtMs: 0, restartsLastHour: 3, rootExceptions: [{ timestampMs: 0, exceptionName: 'java.lang.RuntimeException', message: 'boom', taskName: 'Map (1/2)', location: '10.0.0.7:3012' }], lastFailedCheckpoint: { id: 12, failureTimestampMs: 0, reason: 'Checkpoint expired' }, vertices: [{ taskName: 'Window', backpressuredRatio: 0.9, busyRatio: 0.4 }], errors: [] };
    const g = createRuleGroup(spec, store, engine, groupOptions(sent, { incidentContext: { capture: async () => ({ summary: '3 restarts in the last hour.', details }) } }));
    await g.evaluate(0);
    const url = new URL(sent.flat()[0]!.generatorURL);
    expect(url.pathname).toBe('/graph');
    const html = renderRulePage([g], url.searchParams.get('g0.expr') ?? '');
    expect(html).toContain('alert Restarting');
    expect(html).toContain('rules/flink-alerts.yml');
    expect(html).toContain('a &#60;b&#62;restart&#60;/b&#62;'); // escaped
    expect(html).toContain('3 restarts in the last hour.');
    expect(html).toContain('<code>java.lang.RuntimeException</code>: boom — Map (1/2) on 10.0.0.7:3012');
    expect(html).toContain('Last failed checkpoint #12');
    expect(html).toContain('<td>Window</td><td>0.9</td><td>0.4</td>');
    expect(renderRulePage([g], 'up == 0')).toContain('No rule of the running rule files has this expression');
  });
});
