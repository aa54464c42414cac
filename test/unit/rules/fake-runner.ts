/** A RuleGroupRunner that records what the rule manager asks of it (the real one lives in rules/group.ts). */
import type { PersistedGroupState, RuleFile, RuleGroupRunner, RuleGroupSpec, RuleStatus } from '../../../src/rules/types.js';

export interface FakeRunner extends RuleGroupRunner {
  readonly evaluations: number[];
  readonly copiedFrom: RuleGroupRunner[];
  readonly restored: { state: PersistedGroupState; nowMs: number }[];
  readonly staleMarked: number[];
  /** How long each evaluation takes (fake time, via setTimeout), ms. */
  durationMs: number;
  /** Alerts the next snapshots report (per alerting rule index 0). */
  alertsActiveAt: number[];
  failing: boolean;
}

export function fakeRunner(spec: RuleGroupSpec, defaultIntervalMs = 60_000): FakeRunner {
  const r: FakeRunner = {
    spec,
    intervalMs: spec.intervalMs ?? defaultIntervalMs,
    queryOffsetMs: spec.queryOffsetMs ?? 0,
    evaluations: [],
    copiedFrom: [],
    restored: [],
    staleMarked: [],
    durationMs: 0,
    alertsActiveAt: [],
    failing: false,
    lastEvaluationMs: undefined,
    lastDurationMs: 0,
    async evaluate(tsMs: number) {
      r.evaluations.push(tsMs);
      const start = Date.now();
      if (r.durationMs > 0) await new Promise((res) => setTimeout(res, r.durationMs));
      (r as { lastEvaluationMs: number | undefined }).lastEvaluationMs = start;
      (r as { lastDurationMs: number }).lastDurationMs = Date.now() - start;
    },
    status(): RuleStatus[] {
      return spec.rules.map((s) => ({
        spec: s,
        health: r.failing ? 'err' : 'ok',
        lastError: r.failing ? 'boom' : undefined,
        lastEvaluationMs: r.lastEvaluationMs,
        evaluationDurationMs: 0,
        alerts: [],
      }));
    },
    copyState(from: RuleGroupRunner) {
      r.copiedFrom.push(from);
    },
    snapshot(nowMs: number): PersistedGroupState {
      return {
        file: spec.file,
        name: spec.name,
        savedAtMs: nowMs,
        rules: r.alertsActiveAt.length === 0 ? [] : [
          {
            index: 0,
            alert: 'A',
            alerts: r.alertsActiveAt.map((t) => ({
              labels: { alertname: 'A' },
              annotations: {},
              state: 'pending' as const,
              activeAtMs: t,
              firedAtMs: undefined,
              resolvedAtMs: undefined,
              keepFiringSinceMs: undefined,
              lastSentAtMs: undefined,
              value: 1,
            })),
          },
        ],
      };
    },
    restore(state: PersistedGroupState, nowMs: number) {
      r.restored.push({ state, nowMs });
    },
    async markStale(tsMs: number) {
      r.staleMarked.push(tsMs);
    },
  };
  return r;
}

/** A group spec with `n` recording rules. */
export function groupSpec(file: string, name: string, opts: { intervalMs?: number; exprs?: string[] } = {}): RuleGroupSpec {
  return {
    name,
    file,
    intervalMs: opts.intervalMs,
    queryOffsetMs: undefined,
    limit: 0,
    labels: {},
    rules: (opts.exprs ?? ['vector(1)']).map((expr, i) => ({ kind: 'recording' as const, record: `r${i}`, expr, labels: {}, pos: { line: 3 + i, column: 5 } })),
    pos: { line: 2, column: 3 },
  };
}

export function ruleFile(path: string, ...groups: RuleGroupSpec[]): RuleFile {
  return { path, groups };
}
