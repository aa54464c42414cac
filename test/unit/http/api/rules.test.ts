/**
 * `/api/v1/rules` and `/api/v1/alerts` through the HTTP stack: routing (GET only, as Prometheus registers them),
 * repeated parameters, the error envelope. The answers' shapes and values are compared with a real Prometheus 3.16
 * in test/integration/rules/api/vs-prometheus.test.ts; here the expected shapes are Prometheus's for the same
 * cases (`{"groups":[]}` / `{"alerts":[]}` without rules, `bad_data` with status 400).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../../src/http/server.js';
import { apiBuildInfo } from '../../../../src/http/api/status-info.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { Engine } from '../../../../src/promql/engine/index.js';
import type { RuleGroupRunner, RuleGroupSpec, RuleSpec, RuleStatus } from '../../../../src/rules/types.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { fakeRunner, groupSpec } from '../../rules/fake-runner.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(groups: () => readonly RuleGroupRunner[] | undefined): Promise<string> {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  const engine = new Engine({ store });
  const g = groups();
  const app = createHttpApp({
    store,
    logger: nullLogger,
    ready: () => true,
    restUrl: () => 'http://flink:8081',
    api: {
      store,
      engine: () => engine,
      queryTimeoutMs: () => 120_000,
      buildInfo: () => apiBuildInfo('3'),
      flags: () => ({}),
      configYaml: () => '',
      startTime: new Date(0),
      ...(g !== undefined ? { ruleGroups: () => g } : {}),
    },
  });
  server = await startServer(app, '127.0.0.1', 0);
  return `http://127.0.0.1:${server.address.port}/api/v1`;
}

function withAlert(): RuleGroupRunner {
  const rules: RuleSpec[] = [
    { kind: 'recording', record: 'r:one', expr: 'vector(1)', labels: {}, pos: { line: 4, column: 7 } },
    { kind: 'alerting', alert: 'Up', expr: 'vector(1)', forMs: 60_000, keepFiringForMs: 0, labels: { severity: 'page' }, annotations: {}, pos: { line: 6, column: 7 } },
  ];
  const spec: RuleGroupSpec = { ...groupSpec('/r/a.yml', 'g', { intervalMs: 15_000 }), rules };
  const r = fakeRunner(spec);
  const statuses: RuleStatus[] = [
    { spec: spec.rules[0]!, health: 'ok', lastError: undefined, lastEvaluationMs: 1_700_000_000_000, evaluationDurationMs: 1, alerts: [] },
    {
      spec: spec.rules[1]!,
      health: 'ok',
      lastError: undefined,
      lastEvaluationMs: 1_700_000_000_000,
      evaluationDurationMs: 2,
      alerts: [
        { labels: { alertname: 'Up', severity: 'page' }, annotations: {}, state: 'pending', activeAtMs: 1_700_000_000_000, firedAtMs: undefined, resolvedAtMs: undefined, keepFiringSinceMs: undefined, lastSentAtMs: undefined, validUntilMs: 0, value: 1 },
      ],
    },
  ];
  return { ...r, status: () => statuses };
}

describe('/api/v1/rules and /api/v1/alerts over HTTP', () => {
  it('without rules: empty lists (as Prometheus without rule_files)', async () => {
    const base = await serve(() => undefined);
    expect(await (await fetch(`${base}/rules`)).json()).toEqual({ status: 'success', data: { groups: [] } });
    expect(await (await fetch(`${base}/alerts`)).json()).toEqual({ status: 'success', data: { alerts: [] } });
  });

  it('answers GET with repeated parameters; POST is not routed', async () => {
    const base = await serve(() => [withAlert()]);
    const all = (await (await fetch(`${base}/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
    expect(all.data.groups[0]!.rules.map((r) => r.name)).toEqual(['r:one', 'Up']);
    const two = (await (await fetch(`${base}/rules?rule_name[]=Up&rule_name[]=r:one`)).json()) as typeof all;
    expect(two.data.groups[0]!.rules).toHaveLength(2);
    const alert = (await (await fetch(`${base}/rules?type=alert&exclude_alerts=1`)).json()) as { data: { groups: { rules: { alerts: unknown }[] }[] } };
    expect(alert.data.groups[0]!.rules).toHaveLength(1);
    expect(alert.data.groups[0]!.rules[0]!.alerts).toBeNull();
    const alerts = (await (await fetch(`${base}/alerts`)).json()) as { data: { alerts: { state: string; activeAt: string; value: string }[] } };
    expect(alerts.data.alerts).toEqual([{ labels: { alertname: 'Up', severity: 'page' }, annotations: {}, state: 'pending', activeAt: '2023-11-14T22:13:20Z', value: '1e+00' }]);
    expect((await fetch(`${base}/rules`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses bad parameters with bad_data and status 400', async () => {
    const base = await serve(() => [withAlert()]);
    const r = await fetch(`${base}/rules?type=x`);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "type": not supported value "x"' });
    const m = await fetch(`${base}/rules?match[]=${encodeURIComponent('{a=""}')}`);
    expect(m.status).toBe(400);
  });
});
