/**
 * Every metric name and label the bundled rules (top-level `rules/`) read is one the sidecar produces (public rule
 * collections use names Flink never emits: reference/pain-points.md §5.4).
 *
 * "Produced" is what the real pipeline writes on the recorded Flink fixtures (test/fixtures/flink-*): the REST
 * poller, the windows stage with the default windows, a push of the reporter's own series (the names in
 * src/windows/pushed.ts REPORTER) so the pushed-data families are derived, and the self-metrics — every family
 * declared in the SelfMetrics registry, including labelled ones without a series yet. Names outside that set must
 * be in the documented allow-list (test/support/bundled-rules.ts) with their source.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_DEFAULTS } from '../../../../src/config/sections/global.js';
import { formatDuration, parseDuration } from '../../../../src/config/duration.js';
import { parseTextExposition } from '../../../../src/exposition/index.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { SelfMetrics } from '../../../../src/self/metrics.js';
import { SelfSource } from '../../../../src/self/self-source.js';
import { FlinkPoller } from '../../../../src/sources/flink/poller.js';
import { parseGroupingKey, type GroupingKey } from '../../../../src/sources/push/grouping-key.js';
import { PushReceiver } from '../../../../src/sources/push/receiver.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { REPORTER } from '../../../../src/windows/pushed.js';
import { WindowsStage } from '../../../../src/windows/stage.js';
import {
  ALLOW_LISTED,
  annotationMetricNames,
  bundledRuleMetricNames,
  bundledRules,
  exprUses,
  RULE_NAME_ALLOW_LIST,
} from '../../../support/bundled-rules.js';
import { FIXTURE_VERSIONS, fixture, FixtureRest, type FixtureVersion } from '../../../support/flink-fixtures.js';

/** A produced family: its label names and, per label, the values seen. */
interface Produced {
  readonly labels: Set<string>;
  readonly values: Map<string, Set<string>>;
}

/** Labels whose values are a fixed vocabulary (JobStatus, ExecutionState, windows, checkpoint status, vertex role). */
const ENUM_LABELS = new Set(['state', 'window', 'status', 'source', 'sink']);

const WINDOWS = GLOBAL_DEFAULTS.windows.map((w) => ({ name: formatDuration(parseDuration(w)), ms: parseDuration(w) }));

/** Runs poller, push receiver, windows stage and self-source on one fixture version; returns what the store holds. */
async function producedBy(version: FixtureVersion): Promise<Map<string, Produced>> {
  let now = 1_700_000_000_000;
  const store = new MemorySeriesStore({ retentionMs: 3_600_000, now: () => now });
  const self = new SelfMetrics({ processMetrics: false });
  const stage = new WindowsStage({ store, self, logger: nullLogger, windows: WINDOWS, minIntervalMs: 1, nowMs: () => now });
  const poller = new FlinkPoller({
    rest: new FixtureRest(version),
    store,
    self,
    logger: nullLogger,
    pollIntervalMs: 15_000,
    exceptionsIntervalMs: 60_000,
    metricNamesRefreshIntervalMs: 300_000,
    nowMs: () => now,
    onCommit: (source, t) => stage.committed(source, t),
  });
  const receiver = new PushReceiver({
    store,
    groupTtlMs: 120_000,
    limits: { maxGroups: 10, maxSeriesPerGroup: 1000, maxSeriesTotal: 1000 },
    now: () => now,
    onCommit: (source, t) => stage.committed(source, t),
  });
  const job = fixture<{ jid: string; name: string; vertices: { id: string; name: string }[] }>(version, 'job.json');
  const vertex = job.vertices[job.vertices.length - 1];
  if (vertex === undefined) throw new Error('fixture job without vertices');
  const op = `job_id="${job.jid}",job_name="${job.name}",task_id="${vertex.id}",task_name="Window",subtask_index="0",operator_id="o1",operator_name="agg"`;
  for (let i = 0; i < 4; i++) {
    await poller.pollOnce();
    receiver.push(
      parseGroupingKey('/job/tm1') as GroupingKey,
      parseTextExposition(
        [REPORTER.recordsIn, REPORTER.recordsOut, REPORTER.lateRecordsDropped, REPORTER.recordsInErrors, REPORTER.recordsOutErrors]
          .map((n) => `# TYPE ${n} gauge\n${n}{${op}} ${100 * i}\n`)
          .join(''),
      ),
      true,
    );
    now += 15_000;
  }
  await new SelfSource(self, store).collect(now);

  const out = new Map<string, Produced>();
  const entry = (name: string): Produced => {
    let p = out.get(name);
    if (p === undefined) out.set(name, (p = { labels: new Set(), values: new Map() }));
    return p;
  };
  for (const family of store.familyNames()) {
    for (const s of store.family(family)) {
      const p = entry(family);
      for (const l of s.labels.names) {
        if (l === '__name__') continue;
        p.labels.add(l);
        let vs = p.values.get(l);
        if (vs === undefined) p.values.set(l, (vs = new Set()));
        vs.add(s.labels.get(l) ?? '');
      }
    }
  }
  // Declared self-metrics, with their label names, also before their first series (labelled counters).
  for (const m of await self.registry.getMetricsAsJSON()) {
    const metric = self.registry.getSingleMetric(m.name) as { labelNames?: readonly string[] } | undefined;
    const p = entry(m.name);
    for (const l of metric?.labelNames ?? []) p.labels.add(l);
  }
  return out;
}

const rules = bundledRules();

describe('the bundled rules', () => {
  it('are the two bundled files, with alerts and recording rules', () => {
    expect(rules.filter((r) => r.kind === 'alert').length).toBeGreaterThan(10);
    expect(rules.filter((r) => r.kind === 'record').length).toBeGreaterThan(5);
  });

  it.each(rules.map((r) => [r.name, r] as const))('%s parses with the Prometheus 2.x and 3.x grammars', (_name, r) => {
    expect(() => exprUses(r.expr, '2')).not.toThrow();
    expect(() => exprUses(r.expr, '3')).not.toThrow();
  });

  it('every alert has a severity label and summary + description annotations; every description has "First checks"', () => {
    for (const r of rules.filter((x) => x.kind === 'alert')) {
      expect(['critical', 'warning'], r.name).toContain(r.labels['severity']);
      expect(Object.keys(r.annotations).sort(), r.name).toEqual(['description', 'summary']);
      expect(r.annotations['description'], r.name).toMatch(/First checks/);
    }
  });
});

for (const version of FIXTURE_VERSIONS) {
  describe(`metric names of the bundled rules vs the sidecar's output on the Flink ${version} fixtures`, () => {
    let produced: Map<string, Produced>;
    beforeAll(async () => {
      produced = await producedBy(version);
    });

    it('the pipeline produced the REST, windowed, pushed-derived and self families (the check is not vacuous)', () => {
      for (const n of ['flink_up', 'flink_job_state', 'flink_task_backpressured_ratio', 'flink_task_late_records_dropped_per_second', 'flink_bridge_poll_cycles_total']) {
        expect(produced.has(n), n).toBe(true);
      }
    });

    it('every metric name in an expression or an annotation is produced or allow-listed', () => {
      const unknown = bundledRuleMetricNames().filter((n) => !produced.has(n) && !ALLOW_LISTED.has(n));
      expect(unknown).toEqual([]);
    });

    it('the allow-list holds only names the rules use and the pipeline does not produce', () => {
      const used = new Set(bundledRuleMetricNames());
      for (const e of RULE_NAME_ALLOW_LIST) {
        expect(used.has(e.name), `${e.name} is allow-listed but unused`).toBe(true);
        expect(e.source.length, e.name).toBeGreaterThan(20);
        if (e.kind === 'pushed') expect(produced.has(e.name), `${e.name} is produced; drop it from the allow-list`).toBe(false);
      }
    });

    it('every label a selector matches on exists on its family, and fixed-vocabulary values are real', () => {
      const problems: string[] = [];
      for (const r of rules) {
        for (const s of exprUses(r.expr).selectors) {
          const p = produced.get(s.name);
          const labels = p?.labels ?? new Set(RULE_NAME_ALLOW_LIST.find((e) => e.name === s.name)?.labels ?? []);
          for (const m of s.matchers) {
            if (!labels.has(m.name)) problems.push(`${r.name}: ${s.name} has no label ${m.name}`);
            const seen = p?.values.get(m.name);
            if (!ENUM_LABELS.has(m.name) || seen === undefined) continue;
            // `=` takes one value, `=~` an alternation of plain values (the only regexes the bundled rules use)
            const wanted = m.op === '=' ? [m.value] : m.op === '=~' ? m.value.split('|') : [];
            for (const v of wanted) if (!seen.has(v)) problems.push(`${r.name}: ${s.name}{${m.name}} never has the value ${v} (seen: ${[...seen].join(',')})`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('every by/without/on/ignoring/group label is a label of a family the expression reads', () => {
      const problems: string[] = [];
      for (const r of rules) {
        const uses = exprUses(r.expr);
        const available = new Set<string>();
        for (const s of uses.selectors) {
          for (const l of produced.get(s.name)?.labels ?? RULE_NAME_ALLOW_LIST.find((e) => e.name === s.name)?.labels ?? []) available.add(l);
        }
        for (const l of uses.groupingLabels) if (!available.has(l)) problems.push(`${r.name}: ${l}`);
      }
      expect(problems).toEqual([]);
    });

    it('every label an annotation template reads ($labels.x) is one the alert has', () => {
      const problems: string[] = [];
      for (const r of rules.filter((x) => x.kind === 'alert')) {
        const uses = exprUses(r.expr);
        const available = new Set<string>(Object.keys(r.labels));
        for (const s of uses.selectors) {
          for (const l of produced.get(s.name)?.labels ?? RULE_NAME_ALLOW_LIST.find((e) => e.name === s.name)?.labels ?? []) available.add(l);
        }
        for (const text of Object.values(r.annotations)) {
          for (const m of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) if (!available.has(m[1] ?? '')) problems.push(`${r.name}: $labels.${m[1]}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
}

describe('annotationMetricNames', () => {
  it('finds flink_ names in runbook text and query templates, not flink.option or flink-prefixed words', () => {
    expect(
      annotationMetricNames(
        'see flink_cluster_slots{state="available"} and flink.rest_url, {{ query "count(flink_job_state == 1)" }}, flink-prometheus-bridge, (flink_bridge_x_total)',
      ),
    ).toEqual(['flink_cluster_slots', 'flink_job_state', 'flink_bridge_x_total']);
  });

  it('property: a metric name set in arbitrary prose is found, whole', () => {
    const name = fc.stringMatching(/^flink_[a-zA-Z0-9_]{1,30}$/);
    const prose = fc.stringMatching(/^[ a-z.,;()'"{}=-]{0,40}$/);
    fc.assert(
      fc.property(prose, name, prose, (before, n, after) => {
        // separators on both sides, as in prose
        expect(annotationMetricNames(`${before} ${n} ${after}`)).toContain(n);
      }),
    );
  });
});
