/**
 * `/api/v1/rules` and `/api/v1/alerts` against a real Prometheus 3.16 (issue 9 §1): Prometheus loads two rule files
 * and evaluates them (firing, pending, inactive, failing and recording rules, group labels, limits, intervals); our
 * loader (src/rules/file/) loads the same files, and runners report exactly the state Prometheus reports (health,
 * errors, alerts, times, durations — the evaluator is another branch's). Then every answer — each filter, `type`,
 * `exclude_alerts`, `match[]`, pagination, and each refused parameter — must be Prometheus's, field by field and in
 * its field order. Normalised on both sides: times to milliseconds (the sidecar keeps ms), alerts of a rule sorted
 * by labels (Prometheus lists them in Go map order).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiBadDataError } from '../../../../src/errors.js';
import { alertsData, rulesData, type RulesParams } from '../../../../src/http/api/rules.js';
import { parseMatchSets } from '../../../../src/http/api/matchers.js';
import { loadRuleFiles } from '../../../../src/rules/file/index.js';
import type { ActiveAlert, RuleGroupRunner, RuleStatus } from '../../../../src/rules/types.js';
import { prometheusPeers, reportUnavailablePeer, startPrometheus, type RunningPrometheus } from '../../../support/prometheus.js';

const FILE_A = `groups:
  - name: flink
    interval: 1s
    labels:
      team: streaming
    rules:
      - record: job:one:sum
        expr: sum(vector(1))
        labels:
          kind: rec
      - alert: AlwaysFiring
        expr: label_replace(vector(7.5e-7), "job_id", "j1", "", "") or label_replace(vector(2e6), "job_id", "j2", "", "")
        labels:
          severity: page
          team: override
        annotations:
          summary: 'value {{ $value }} on {{ $labels.job_id }}'
      - alert: LongPending
        expr: vector(3)
        for: 1h
        keep_firing_for: 5m
        labels:
          severity: ticket
      - alert: NeverFires
        expr: vector(1)   <   0
      - alert: Duplicated
        expr: label_replace(vector(1), "__name__", "a", "", "") or label_replace(vector(1), "__name__", "b", "", "")
  - name: other
    interval: 2s
    limit: 1
    rules:
      - record: other:two
        expr: vector(2) * 1
      - alert: OverLimit
        expr: label_replace(vector(1), "x", "1", "", "") or label_replace(vector(1), "x", "2", "", "")
`;

const FILE_B = `groups:
  - name: flink
    rules:
      - alert: SameGroupNameOtherFile
        expr: vector(1)
        annotations:
          description: in file b
`;

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'inactive' | 'pending' | 'firing';
  activeAt: string;
  keepFiringSince?: string;
  value: string;
}
interface PromRule {
  name: string;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  alerts?: PromAlert[] | null;
  type: 'alerting' | 'recording';
}
interface PromGroup {
  name: string;
  file: string;
  rules: PromRule[];
  evaluationTime: number;
  lastEvaluation: string;
}

const timeMs = (s: string): number | undefined => (s.startsWith('0001-') ? undefined : Date.parse(s));

/** Runners whose state is what Prometheus reports for the same groups (times to ms). */
function runnersLike(promGroups: readonly PromGroup[], files: ReturnType<typeof loadRuleFiles>): RuleGroupRunner[] {
  const out: RuleGroupRunner[] = [];
  for (const f of files) {
    for (const spec of f.groups) {
      const pg = promGroups.find((g) => g.file === spec.file && g.name === spec.name);
      if (pg === undefined) throw new Error(`Prometheus has no group ${spec.file};${spec.name}`);
      const statuses: RuleStatus[] = spec.rules.map((rs, i) => {
        const pr = pg.rules[i] as PromRule;
        const alerts: ActiveAlert[] = (pr.alerts ?? []).map((a) => ({
          labels: a.labels,
          annotations: a.annotations,
          state: a.state,
          activeAtMs: Date.parse(a.activeAt),
          firedAtMs: undefined,
          resolvedAtMs: undefined,
          keepFiringSinceMs: a.keepFiringSince !== undefined ? Date.parse(a.keepFiringSince) : undefined,
          lastSentAtMs: undefined,
          validUntilMs: 0,
          value: Number(a.value),
        }));
        return {
          spec: rs,
          health: pr.health,
          lastError: pr.lastError,
          lastEvaluationMs: timeMs(pr.lastEvaluation),
          evaluationDurationMs: pr.evaluationTime * 1000,
          alerts,
        };
      });
      out.push({
        spec,
        intervalMs: spec.intervalMs ?? 1000,
        queryOffsetMs: 0,
        lastEvaluationMs: timeMs(pg.lastEvaluation),
        lastDurationMs: pg.evaluationTime * 1000,
        evaluate: async () => undefined,
        status: () => statuses,
        copyState: () => undefined,
        snapshot: () => ({ file: spec.file, name: spec.name, savedAtMs: 0, rules: [] }),
        restore: () => undefined,
      });
    }
  }
  return out.sort((a, b) => (a.spec.file < b.spec.file ? -1 : a.spec.file > b.spec.file ? 1 : a.spec.name < b.spec.name ? -1 : 1));
}

/** Times to ms precision, durations to ns precision, alerts sorted by labels; key order kept. */
function normalise(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (k, x: unknown) => {
    if ((k === 'lastEvaluation' || k === 'activeAt' || k === 'keepFiringSince') && typeof x === 'string') {
      const ms = timeMs(x);
      return ms === undefined ? x : new Date(ms).toISOString();
    }
    if (k === 'evaluationTime' && typeof x === 'number') return Math.round(x * 1e9) / 1e9;
    if (k === 'alerts' && Array.isArray(x)) {
      return [...x].sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
    }
    return x;
  });
}

function params(q: URLSearchParams): RulesParams {
  const one = (n: string): string => q.get(n) ?? '';
  return {
    ruleNames: q.getAll('rule_name[]'),
    ruleGroups: q.getAll('rule_group[]'),
    files: q.getAll('file[]'),
    matchSets: parseMatchSets(q.getAll('match[]')),
    type: one('type'),
    excludeAlerts: one('exclude_alerts'),
    groupLimit: one('group_limit'),
    groupNextToken: one('group_next_token'),
  };
}

const peer = prometheusPeers().find((p) => p.line === '3.16');

describe('/api/v1/rules and /api/v1/alerts equal Prometheus 3.16', () => {
  if (peer === undefined || !peer.ok) {
    if (peer !== undefined && !peer.ok) reportUnavailablePeer(peer);
    return;
  }
  let prom: RunningPrometheus;
  let dir: string;
  let fileA: string;
  let fileB: string;
  let files: ReturnType<typeof loadRuleFiles>;

  async function raw(path: string, q: URLSearchParams): Promise<{ status: number; body: { status: string; data?: unknown; errorType?: string; error?: string } }> {
    const r = await fetch(`${prom.url}${path}?${q.toString()}`);
    return { status: r.status, body: (await r.json()) as { status: string; data?: unknown } };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rules-api-'));
    fileA = join(dir, 'a.yml');
    fileB = join(dir, 'b.yml');
    writeFileSync(fileA, FILE_A);
    writeFileSync(fileB, FILE_B);
    files = loadRuleFiles([join(dir, '*.yml')], dir);
    prom = await startPrometheus({
      bin: peer.peer.prometheus,
      configYaml: `global:\n  evaluation_interval: 1s\nrule_files:\n  - ${join(dir, '*.yml')}\n`,
    });
    // until every group evaluated at least twice (all rules have a lastEvaluation and the firing alerts fire)
    const deadline = Date.now() + 30_000;
    for (;;) {
      const d = await prom.api<{ groups: PromGroup[] }>('/api/v1/rules');
      const ready = d.groups.length === 3 && d.groups.every((g) => g.rules.every((r) => !r.lastEvaluation.startsWith('0001-')));
      const firing = d.groups.some((g) => g.rules.some((r) => r.name === 'AlwaysFiring' && r.alerts?.length === 2));
      if (ready && firing) break;
      if (Date.now() > deadline) throw new Error(`rules not evaluated in time: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Prometheus's answer and ours for the same parameters; ours is computed from a snapshot of Prometheus's own
   * unfiltered answer taken right after (Prometheus keeps evaluating; a change between the two requests is retried).
   */
  async function both(q: URLSearchParams): Promise<{ theirs: unknown; ours: unknown }> {
    for (let attempt = 0; ; attempt++) {
      const theirs = await raw('/api/v1/rules', q);
      const all = await prom.api<{ groups: PromGroup[] }>('/api/v1/rules');
      const again = await raw('/api/v1/rules', q);
      if (JSON.stringify(theirs.body) !== JSON.stringify(again.body) && attempt < 20) continue;
      const runners = runnersLike(all.groups, files);
      return { theirs: normalise(theirs.body.data), ours: normalise(rulesData(runners, params(q))) };
    }
  }

  const CASES: readonly [string, Record<string, string | string[]>][] = [
    ['everything', {}],
    ['a failing rule (group limit exceeded) has health err and lastError', { 'rule_name[]': 'OverLimit' }],
    ['type=alert', { type: 'alert' }],
    ['type=RECORD (any case)', { type: 'RECORD' }],
    ['exclude_alerts=true', { exclude_alerts: 'true' }],
    ['exclude_alerts=F', { exclude_alerts: 'F' }],
    ['rule_name[]', { 'rule_name[]': ['AlwaysFiring', 'other:two'] }],
    ['rule_group[]', { 'rule_group[]': 'flink' }],
    ['file[] = b', { 'file[]': 'B' }],
    ['match[] on rule labels (group labels merged)', { 'match[]': ['{severity="page"}', '{team="streaming", kind="rec"}'] }],
    ['match[] matching nothing', { 'match[]': '{severity="none"}' }],
    ['group_limit=1', { group_limit: '1' }],
    ['group_limit=2 of type=record', { group_limit: '2', type: 'record' }],
  ];

  for (const [name, p] of CASES) {
    it(`rules: ${name}`, async () => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(p)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x === 'B' ? fileB : x);
      const { theirs, ours } = await both(q);
      expect(JSON.stringify(ours, null, 1)).toBe(JSON.stringify(theirs, null, 1));
      if (name.startsWith('a failing rule')) expect(JSON.stringify(theirs)).toMatch(/"health":"err","lastError":"exceeded limit of 1 with 2 alerts"/);
    });
  }

  it('rules: pagination with the next token, and the last page', async () => {
    const first = await both(new URLSearchParams({ group_limit: '2' }));
    const token = (first.theirs as { groupNextToken?: string }).groupNextToken;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect((first.ours as { groupNextToken?: string }).groupNextToken).toBe(token);
    const second = await both(new URLSearchParams({ group_limit: '2', group_next_token: token as string }));
    expect(JSON.stringify(second.ours, null, 1)).toBe(JSON.stringify(second.theirs, null, 1));
  });

  const BAD: readonly Record<string, string>[] = [
    { type: 'alerts' },
    { exclude_alerts: 'yes' },
    { group_limit: '0' },
    { group_limit: 'abc' },
    { group_limit: '99999999999' },
    { group_next_token: 'x' },
    { group_limit: '1', group_next_token: 'nope' },
  ];
  for (const p of BAD) {
    it(`rules: refuses ${JSON.stringify(p)} with Prometheus's error`, async () => {
      const q = new URLSearchParams(p);
      const theirs = await raw('/api/v1/rules', q);
      expect(theirs.status).toBe(400);
      expect(theirs.body.errorType).toBe('bad_data');
      const all = await prom.api<{ groups: PromGroup[] }>('/api/v1/rules');
      let err: unknown;
      try {
        rulesData(runnersLike(all.groups, files), params(q));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiBadDataError);
      expect((err as Error).message).toBe(theirs.body.error);
    });
  }

  it('alerts: every active alert with Prometheus fields and values', async () => {
    for (let attempt = 0; ; attempt++) {
      const theirs = await prom.api<{ alerts: PromAlert[] }>('/api/v1/alerts');
      const all = await prom.api<{ groups: PromGroup[] }>('/api/v1/rules');
      const ours = alertsData(runnersLike(all.groups, files));
      const sort = (v: { alerts: unknown[] }): unknown => normalise({ alerts: v.alerts });
      const a = JSON.stringify(sort(ours), null, 1);
      const b = JSON.stringify(sort(theirs as { alerts: unknown[] }), null, 1);
      if (a !== b && attempt < 20) continue;
      expect(a).toBe(b);
      expect(theirs.alerts.map((x) => `${x.labels["alertname"]}:${x.state}`).sort()).toEqual([
        'AlwaysFiring:firing',
        'AlwaysFiring:firing',
        'Duplicated:firing',
        'LongPending:pending',
        'SameGroupNameOtherFile:firing',
      ]);
      break;
    }
  });
});
