/**
 * The rule manager in the real sidecar process (built `dist/cli.js`): rules from `rule_files` evaluate on their
 * interval and show in `/api/v1/rules`; a reload with a broken rule file keeps the running rules and sets
 * `flink_bridge_config_last_reload_successful` to 0 (as Prometheus's `prometheus_config_last_reload_successful`);
 * a pending `for` survives SIGTERM and SIGKILL restarts through the alert state file: the alert keeps its
 * `activeAt`, so the pending time before the restart counts and it fires when it would have without the restart
 * (issue 9; Prometheus's `RestoreForState` would move `activeAt` by the downtime).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSidecar, type RunningSidecar } from '../../../support/sidecar.js';

const RULES = `groups:
  - name: restart
    interval: 1s
    rules:
      - record: restart:one
        expr: vector(1)
      - alert: SlowToFire
        expr: vector(1)
        for: 90s
        labels:
          severity: page
`;

interface ApiAlert {
  labels: Record<string, string>;
  state: string;
  activeAt: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function alerts(s: RunningSidecar): Promise<ApiAlert[]> {
  const r = await s.get('/api/v1/alerts');
  return (JSON.parse(r.body) as { data: { alerts: ApiAlert[] } }).data.alerts;
}

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function metric(s: RunningSidecar, name: string): Promise<number | undefined> {
  const body = (await s.get('/metrics')).body;
  const line = body.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('rules in the sidecar process', () => {
  let dir: string;
  let sidecar: RunningSidecar | undefined;
  afterEach(async () => {
    await sidecar?.kill();
    sidecar = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const config = 'global:\n  poll_interval: 1s\n  evaluation_interval: 1s\n  windows: [2s]\nrule_files:\n  - rules/*.yml\n';
  const args = (d: string): string[] => [`--storage.path=${join(d, 'data')}`, '--rules.alert.for-grace-period=1s', '--web.enable-lifecycle'];

  it('evaluates rule_files, lists them in /api/v1/rules; a broken file on reload keeps the old rules and sets the reload metric to 0', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rules-sidecar-'));
    const rulesDir = join(dir, 'rules');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(rulesDir);
    writeFileSync(join(rulesDir, 'a.yml'), RULES);
    sidecar = await startSidecar({ configYaml: config, restUrl: 'http://127.0.0.1:1', dir, args: args(dir) });
    const s = sidecar;
    await waitFor('a pending alert', async () => ((await alerts(s)).length === 1 ? true : undefined));
    const rules = JSON.parse((await s.get('/api/v1/rules')).body).data.groups;
    expect(rules.map((g: { name: string; file: string }) => [g.file, g.name])).toEqual([[join(rulesDir, 'a.yml'), 'restart']]);
    expect(await metric(s, 'flink_bridge_config_last_reload_successful')).toBe(1);
    // the recording rule's output is in the store
    const q = JSON.parse((await s.get('/api/v1/query?query=restart:one')).body);
    expect(q.data.result).toHaveLength(1);

    writeFileSync(join(rulesDir, 'a.yml'), RULES.replace('expr: vector(1)\n        for', 'expr: vector(1) +\n        for'));
    const r = await fetch(`${s.url}/-/reload`, { method: 'POST' });
    expect(r.status).toBe(500);
    expect(await r.text()).toMatch(/rules\/a\.yml:\d+:\d+: /);
    expect(await metric(s, 'flink_bridge_config_last_reload_successful')).toBe(0);
    expect(s.output()).toMatch(/loading rule groups failed/);
    const before = (await alerts(s))[0];
    await sleep(2_000);
    expect((await alerts(s))[0]).toEqual(before); // still evaluating the old rule, same alert
    const evals = await metric(s, 'flink_bridge_rule_evaluations_total');
    await sleep(1_500);
    expect(await metric(s, 'flink_bridge_rule_evaluations_total')).toBeGreaterThan(evals ?? 0);

    writeFileSync(join(rulesDir, 'a.yml'), RULES);
    expect((await fetch(`${s.url}/-/reload`, { method: 'POST' })).status).toBe(200);
    expect(await metric(s, 'flink_bridge_config_last_reload_successful')).toBe(1);
  });

  for (const how of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a pending for survives a ${how} restart: activeAt kept`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'rules-restart-'));
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'rules'));
      writeFileSync(join(dir, 'rules', 'a.yml'), RULES);
      sidecar = await startSidecar({ configYaml: config, restUrl: 'http://127.0.0.1:1', dir, args: args(dir) });
      const first = sidecar;
      const a1 = await waitFor('a pending alert', async () => (await alerts(first))[0]);
      expect(a1.state).toBe('pending');
      // pending a while, so that the kept activeAt is clearly before the restart, a fresh one after it
      await sleep(5_000);
      if (how === 'SIGTERM') expect(await first.stop()).toBe(0);
      else await first.kill();
      const saved = JSON.parse(readFileSync(join(dir, 'data', 'rules', 'alerts.json'), 'utf8')) as { groups: { savedAtMs: number }[] };
      const savedAt = saved.groups[0]?.savedAtMs as number;
      expect(Date.now() - savedAt).toBeLessThan(5_000); // saved at stop (SIGTERM) or by the last evaluation (SIGKILL)
      await sleep(3_000);
      const downTo = Date.now();
      sidecar = await startSidecar({ configYaml: config, restUrl: 'http://127.0.0.1:1', dir, port: first.port, args: args(dir) });
      const readyAt = Date.now();
      const second = sidecar;
      // restored after the second evaluation; before that the alert is new (activeAt after the restart)
      const restored = await waitFor('the restored alert', async () => {
        const a = (await alerts(second))[0];
        return a !== undefined && Date.parse(a.activeAt) < downTo ? a : undefined;
      });
      expect(restored.state).toBe('pending');
      expect(Date.parse(restored.activeAt)).toBe(Date.parse(a1.activeAt));
      expect(readyAt).toBeGreaterThan(savedAt);
    });
  }
});
