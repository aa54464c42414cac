import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RuleFileError } from '../../../src/errors.js';
import { nullLogger } from '../../../src/log/logger.js';
import { RuleManager, groupKey } from '../../../src/rules/manager.js';
import { evalSlotAtOrBefore, groupOffsetNs, msToNs, slotMs } from '../../../src/rules/schedule.js';
import { alertStatePath } from '../../../src/rules/state-file.js';
import type { RuleFile, RuleGroupSpec } from '../../../src/rules/types.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { fakeRunner, groupSpec, ruleFile, type FakeRunner } from './fake-runner.js';

const T0 = 1_700_000_000_000;

/** A manager over fake runners; `files` is what the next `load` returns (or the error it throws). */
function setup(opts: { statePath?: string } = {}) {
  const made: FakeRunner[] = [];
  const self = new SelfMetrics({ processMetrics: false });
  let next: readonly RuleFile[] | Error = [];
  const m = new RuleManager({
    loadRules: () => {
      if (next instanceof Error) throw next;
      return next;
    },
    createGroup: (spec: RuleGroupSpec) => {
      const r = fakeRunner(spec);
      made.push(r);
      return r;
    },
    logger: nullLogger,
    self,
    ...(opts.statePath !== undefined ? { statePath: opts.statePath } : {}),
  });
  return {
    m,
    made,
    self,
    setFiles(f: readonly RuleFile[] | Error) {
      next = f;
    },
    runner(name: string): FakeRunner {
      const rs = made.filter((r) => r.spec.name === name);
      return rs[rs.length - 1] as FakeRunner;
    },
  };
}

/** The slots (ms) Prometheus would evaluate a group at, the first after `startMs`. */
function expectedSlots(file: string, name: string, intervalMs: number, startMs: number, n: number): number[] {
  const iv = msToNs(intervalMs);
  const first = evalSlotAtOrBefore(msToNs(startMs), iv, groupOffsetNs(file, name, intervalMs)) + iv;
  return Array.from({ length: n }, (_, i) => slotMs(first + BigInt(i) * iv));
}

async function metricValue(self: SelfMetrics, name: string, group: string): Promise<number | undefined> {
  const m = (await self.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.find((v) => v.labels['rule_group'] === group)?.value;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RuleManager scheduling', () => {
  it('evaluates each group on its own slots, at exact multiples of the interval (no drift even when evaluations take time)', async () => {
    const s = setup();
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'fast', { intervalMs: 10_000 }), groupSpec('a.yml', 'slow', { intervalMs: 60_000 }))]);
    await s.m.load(['*.yml'], '/cfg');
    s.runner('fast').durationMs = 3_000;
    await s.m.start();
    await vi.advanceTimersByTimeAsync(125_000);
    expect(s.runner('fast').evaluations).toEqual(expectedSlots('a.yml', 'fast', 10_000, T0, s.runner('fast').evaluations.length));
    expect(s.runner('fast').evaluations.length).toBeGreaterThanOrEqual(12);
    expect(s.runner('slow').evaluations).toEqual(expectedSlots('a.yml', 'slow', 60_000, T0, s.runner('slow').evaluations.length));
    expect(await metricValue(s.self, 'flink_bridge_rule_group_iterations_missed_total', 'a.yml;fast')).toBe(0);
    expect(await metricValue(s.self, 'flink_bridge_rule_group_interval_seconds', 'a.yml;fast')).toBe(10);
    expect(await metricValue(s.self, 'flink_bridge_rule_group_last_duration_seconds', 'a.yml;fast')).toBe(3);
    await s.m.stop();
  });

  it('does not evaluate before start and not after stop', async () => {
    const s = setup();
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000 }))]);
    await s.m.load(['a.yml'], '/');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.runner('g').evaluations).toEqual([]);
    await s.m.start();
    await vi.advanceTimersByTimeAsync(20_000);
    const n = s.runner('g').evaluations.length;
    expect(n).toBe(2);
    await s.m.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.runner('g').evaluations.length).toBe(n);
  });

  it('an evaluation that overruns skips the slots it missed and counts them (Group.run)', async () => {
    const s = setup();
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000 }))]);
    await s.m.load(['a.yml'], '/');
    const r = s.runner('g');
    r.durationMs = 25_000;
    await s.m.start();
    const slots = expectedSlots('a.yml', 'g', 10_000, T0, 10);
    // Like Go's ticker loop: slot 0 runs until +25 s, the tick then evaluates the latest slot (2, slot 1 missed);
    // that runs until +50 s = slot 5 exactly (3 and 4 missed); then until +75 s → slot 7 (6 missed).
    await vi.advanceTimersByTimeAsync(slots[7]! - T0 + 9_000);
    expect(r.evaluations).toEqual([slots[0], slots[2], slots[5], slots[7]]);
    expect(await metricValue(s.self, 'flink_bridge_rule_group_iterations_missed_total', 'a.yml;g')).toBe(4);
    expect(await metricValue(s.self, 'flink_bridge_rule_group_iterations_total', 'a.yml;g')).toBe(8);
    // stop waits for the evaluation in flight
    const stopped = s.m.stop();
    await vi.advanceTimersByTimeAsync(25_000);
    await stopped;
  });

  it('an interval longer than a Node timer can wait (30d) still evaluates once per interval, on its slot', async () => {
    const s = setup();
    const D30 = 30 * 86_400_000;
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'monthly', { intervalMs: D30 }))]);
    await s.m.load(['a.yml'], '/');
    await s.m.start();
    await vi.advanceTimersByTimeAsync(2 * D30);
    expect(s.runner('monthly').evaluations).toEqual(expectedSlots('a.yml', 'monthly', D30, T0, 2));
    await s.m.stop();
  });

  it('counts rule evaluations and failures per group', async () => {
    const s = setup();
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000, exprs: ['vector(1)', 'vector(2)'] }))]);
    await s.m.load(['a.yml'], '/');
    s.runner('g').failing = true;
    await s.m.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await metricValue(s.self, 'flink_bridge_rule_evaluations_total', 'a.yml;g')).toBe(4);
    expect(await metricValue(s.self, 'flink_bridge_rule_evaluation_failures_total', 'a.yml;g')).toBe(4);
    expect(await metricValue(s.self, 'flink_bridge_rule_group_rules', 'a.yml;g')).toBe(2);
    await s.m.stop();
  });
});

describe('RuleManager reload (Manager.Update)', () => {
  it('keeps an unchanged group running, replaces a changed one with copied state, removes a gone one and marks its series stale two intervals later', async () => {
    const s = setup();
    const keep = groupSpec('a.yml', 'keep', { intervalMs: 10_000 });
    const change = groupSpec('a.yml', 'change', { intervalMs: 10_000 });
    const gone = groupSpec('b.yml', 'gone', { intervalMs: 10_000 });
    s.setFiles([ruleFile('a.yml', keep, change), ruleFile('b.yml', gone)]);
    await s.m.load(['*.yml'], '/');
    await s.m.start();
    await vi.advanceTimersByTimeAsync(25_000);
    const [keepR, changeR, goneR] = [s.runner('keep'), s.runner('change'), s.runner('gone')];

    // moved in the file (positions differ) but the same definition: not replaced
    const keepMoved: RuleGroupSpec = { ...keep, pos: { line: 40, column: 3 }, rules: keep.rules.map((r) => ({ ...r, pos: { line: 41, column: 5 } })) };
    const changed = groupSpec('a.yml', 'change', { intervalMs: 10_000, exprs: ['vector(2)'] });
    s.setFiles([ruleFile('a.yml', keepMoved, changed)]);
    const reloadAt = Date.now();
    await s.m.load(['*.yml'], '/');

    expect(s.made.filter((r) => r.spec.name === 'keep')).toHaveLength(1);
    const newChange = s.runner('change');
    expect(newChange).not.toBe(changeR);
    expect(newChange.copiedFrom).toEqual([changeR]);
    expect(s.m.groups().map((g) => g.spec.name)).toEqual(['change', 'keep']);

    const before = { keep: keepR.evaluations.length, change: changeR.evaluations.length, gone: goneR.evaluations.length };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(keepR.evaluations.length).toBe(before.keep + 3);
    expect(changeR.evaluations.length).toBe(before.change);
    expect(goneR.evaluations.length).toBe(before.gone);
    // the replacement keeps the group's slots (same file and name)
    expect(newChange.evaluations).toEqual(expectedSlots('a.yml', 'change', 10_000, reloadAt, newChange.evaluations.length));
    expect(goneR.staleMarked).toEqual([reloadAt]);
    expect(await metricValue(s.self, 'flink_bridge_rule_group_interval_seconds', 'b.yml;gone')).toBeUndefined();
    await s.m.stop();
  });

  it('a rule file that does not load keeps the old groups running and rethrows', async () => {
    const s = setup();
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000 }))]);
    await s.m.load(['a.yml'], '/');
    await s.m.start();
    s.setFiles(new RuleFileError('a.yml', 3, 7, 'bad expr'));
    await expect(s.m.load(['a.yml'], '/')).rejects.toThrow('a.yml:3:7: bad expr');
    const r = s.runner('g');
    const n = r.evaluations.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(r.evaluations.length).toBe(n + 2);
    expect(s.made).toHaveLength(1);
    await s.m.stop();
  });

  it('a changed options fingerprint (e.g. evaluation_interval) replaces every group', async () => {
    const s = setup();
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g'))]);
    await s.m.load(['a.yml'], '/', 'interval=60000');
    await s.m.load(['a.yml'], '/', 'interval=60000');
    expect(s.made).toHaveLength(1);
    await s.m.load(['a.yml'], '/', 'interval=30000');
    expect(s.made).toHaveLength(2);
    expect(s.made[1]!.copiedFrom).toEqual([s.made[0]]);
  });

  it('groups of the same name in different files are different groups, ordered by file then name', async () => {
    const s = setup();
    s.setFiles([ruleFile('b.yml', groupSpec('b.yml', 'x'), groupSpec('b.yml', 'a')), ruleFile('a.yml', groupSpec('a.yml', 'x'))]);
    await s.m.load(['*.yml'], '/');
    expect(s.m.groups().map((g) => groupKey(g.spec.file, g.spec.name))).toEqual(['a.yml;x', 'b.yml;a', 'b.yml;x']);
  });
});

describe('RuleManager alert state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rulemgr-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the state after evaluations with alerts and at stop; a restarted manager restores it once, after the second evaluation', async () => {
    const path = alertStatePath(dir);
    const s = setup({ statePath: path });
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000 }))]);
    await s.m.load(['a.yml'], '/');
    await s.m.start();
    s.runner('g').alertsActiveAt = [T0 + 1234];
    await vi.advanceTimersByTimeAsync(10_000);
    await s.m.flush();
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written.version).toBe(1);
    expect(written.groups).toHaveLength(1);
    expect(written.groups[0].rules[0].alerts[0].activeAtMs).toBe(T0 + 1234);
    await vi.advanceTimersByTimeAsync(10_000);
    await s.m.stop();
    const atStop = JSON.parse(readFileSync(path, 'utf8'));
    expect(atStop.groups[0].savedAtMs).toBe(Date.now());

    // restart 2 minutes later
    vi.setSystemTime(Date.now() + 120_000);
    const s2 = setup({ statePath: path });
    s2.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000 }), groupSpec('a.yml', 'other', { intervalMs: 10_000 }))]);
    await s2.m.load(['a.yml'], '/');
    await s2.m.start();
    const r2 = s2.runner('g');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r2.evaluations).toHaveLength(1);
    expect(r2.restored).toHaveLength(0);
    // the saved state is not overwritten before it was restored
    await s2.m.flush();
    expect(JSON.parse(readFileSync(path, 'utf8')).groups[0].rules[0].alerts[0].activeAtMs).toBe(T0 + 1234);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r2.restored).toHaveLength(1);
    expect(r2.restored[0]!.state).toEqual(atStop.groups[0]);
    expect(s2.runner('other').restored).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(r2.restored).toHaveLength(1);
    await s2.m.stop();
  });

  it('a corrupt state file is ignored (start does not fail)', async () => {
    const path = alertStatePath(dir);
    // a manager without alerting rules leaves no state file behind
    const s0 = setup({ statePath: path });
    s0.setFiles([]);
    await s0.m.load([], '/');
    await s0.m.start();
    await s0.m.stop();
    expect(existsSync(path)).toBe(false);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '{"version":1,"groups":[{"file":3}]');
    const s = setup({ statePath: path });
    s.setFiles([ruleFile('a.yml', groupSpec('a.yml', 'g', { intervalMs: 10_000 }))]);
    await s.m.load(['a.yml'], '/');
    await s.m.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.runner('g').restored).toHaveLength(0);
    await s.m.stop();
  });
});
