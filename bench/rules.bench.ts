/**
 * Rule evaluation (issue 9 §6): one group of 100 recording rules (Flink dashboard shapes: sums of rates by job and
 * vertex, topk, quantile, max_over_time, counts, ratios) over the same 100 000 Flink-shaped series, 5 minutes of
 * samples at 15 s, in the sidecar (`createRuleGroup` over the store, in this process) and in a real Prometheus 3.16
 * (same samples remote-written, the same rule file). The measure is each side's own duration of a group evaluation:
 * ours `RuleGroupRunner.lastDurationMs`, Prometheus's `prometheus_rule_group_last_duration_seconds`; medians of
 * BENCH_RULES_EVALS evaluations (default 5), evaluation times within a minute after the data's end.
 * `npx tsx bench/run.ts rules`; knobs BENCH_RULES_SERIES (100000), BENCH_RULES_EVALS (5).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/promql/engine/index.js';
import { createRuleGroup } from '../src/rules/group.js';
import { createTemplateExpander } from '../src/rules/template/index.js';
import type { RecordingRuleSpec, RuleGroupSpec } from '../src/rules/types.js';
import { MemorySeriesStore } from '../src/store/index.js';
import { startPrometheus } from '../test/support/prometheus.js';
import { encodeV1, snappyBlock } from '../test/support/remote-write-proto.js';
import { FAMILIES, flinkSeries, labelSetOf, valueFor } from './flink-series.js';

const SERIES = Number(process.env['BENCH_RULES_SERIES'] ?? 100_000);
const EVALS = Number(process.env['BENCH_RULES_EVALS'] ?? 5);
const STEP_MS = 15_000;
const POINTS = 20; // 5 minutes
const PROM_316 = process.env['PROMETHEUS_316_BIN'] ?? join(import.meta.dirname, '../.cache/prometheus-3.16/bin/prometheus');
const INTERVAL_S = 10;

/** 20 shapes × the 5 families = 100 rules. */
const SHAPES: readonly ((f: string) => string)[] = [
  (f) => `sum by (job_id) (rate(${f}[1m]))`,
  (f) => `sum by (job_id) (rate(${f}[5m]))`,
  (f) => `sum by (job_id, task_id) (rate(${f}[1m]))`,
  (f) => `sum by (job_name, task_name) (rate(${f}[5m]))`,
  (f) => `max by (job_id, task_id) (${f})`,
  (f) => `min by (job_id, task_id) (${f})`,
  (f) => `avg by (job_name) (${f})`,
  (f) => `topk(5, sum by (task_id) (rate(${f}[1m])))`,
  (f) => `bottomk(3, sum by (job_id) (${f}))`,
  (f) => `count by (job_id) (${f} > 100)`,
  (f) => `quantile by (job_id) (0.9, ${f})`,
  (f) => `sum(increase(${f}[5m]))`,
  (f) => `max by (job_id) (max_over_time(${f}[5m]))`,
  (f) => `avg by (job_id) (avg_over_time(${f}[1m]))`,
  (f) => `stddev by (job_id) (${f})`,
  (f) => `sum by (job_id) (rate(${f}[1m])) / on (job_id) group_left count by (job_id) (${f})`,
  (f) => `sum by (job_id, task_id) (${f}) / ignoring (task_id) group_left sum by (job_id) (${f})`,
  (f) => `max by (job_id) (deriv(${f}[5m]))`,
  (f) => `sum by (job_id) (${f} offset 1m)`,
  (f) => `count(count by (task_id) (${f}))`,
];

const RULES: RecordingRuleSpec[] = FAMILIES.flatMap((f, fi) =>
  SHAPES.map((shape, si) => ({ kind: 'recording' as const, record: `bench:rule_${fi}_${si}`, expr: shape(f), labels: {}, pos: { line: 0, column: 0 } })),
);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ours(series: ReturnType<typeof flinkSeries>, t0: number, evalTimes: number[]): Promise<number[]> {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  const labels = series.map(labelSetOf);
  for (let p = 0; p < POINTS; p++) {
    const app = store.appender('bench');
    for (let i = 0; i < labels.length; i++) app.append(labels[i]!, t0 + p * STEP_MS, valueFor(i, p));
    app.commit();
  }
  const spec: RuleGroupSpec = { name: 'bench', file: 'bench.yml', intervalMs: INTERVAL_S * 1000, queryOffsetMs: 0, limit: 0, labels: {}, rules: RULES, pos: { line: 0, column: 0 } };
  const group = createRuleGroup(spec, store, new Engine({ store }), {
    defaultIntervalMs: 60_000,
    defaultQueryOffsetMs: 0,
    resendDelayMs: 60_000,
    forOutageToleranceMs: 3_600_000,
    forGracePeriodMs: 600_000,
    externalLabels: {},
    externalURL: 'http://localhost',
    templates: createTemplateExpander(),
    sink: { send() {} },
  });
  const out: number[] = [];
  for (const t of evalTimes) {
    await group.evaluate(t);
    for (const st of group.status()) if (st.health !== 'ok') throw new Error(`rule ${JSON.stringify(st.spec)}: ${st.lastError}`);
    out.push(group.lastDurationMs);
  }
  return out;
}

async function prometheus(series: ReturnType<typeof flinkSeries>, t0: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fpb-bench-rules-'));
  const ruleFile = join(dir, 'rules.yml');
  writeFileSync(ruleFile, `groups:\n  - name: bench\n    interval: ${INTERVAL_S}s\n    rules:\n${RULES.map((r) => `      - record: ${r.record}\n        expr: '${r.expr}'\n`).join('')}`);
  // Rules start only after the data is in: the config is written without rule_files, then reloaded.
  const prom = await startPrometheus({ bin: PROM_316, configYaml: `global:\n  evaluation_interval: ${INTERVAL_S}s\n`, args: ['--web.enable-remote-write-receiver', '--web.enable-lifecycle'] });
  try {
    const per = 2000;
    for (let p = 0; p < POINTS; p++) {
      for (let off = 0; off < series.length; off += per) {
        const body = snappyBlock(
          encodeV1(
            series.slice(off, off + per).map((s, k) => ({
              labels: [['__name__', s.family], ...Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1))] as [string, string][],
              samples: [{ t: t0 + p * STEP_MS, v: valueFor(off + k, p) }],
            })),
          ),
        );
        const r = await fetch(`${prom.url}/api/v1/write`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' }, body });
        if (r.status !== 204) throw new Error(`remote-write into Prometheus: ${r.status} ${await r.text()}`);
      }
    }
    writeFileSync(prom.configFile, `global:\n  evaluation_interval: ${INTERVAL_S}s\nrule_files: ['${ruleFile}']\n`);
    const reload = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    if (!reload.ok) throw new Error(`reload: ${reload.status}`);
    const out: number[] = [];
    let last = '';
    const deadline = Date.now() + (EVALS + 3) * INTERVAL_S * 1000;
    while (out.length < EVALS && Date.now() < deadline) {
      const text = await (await fetch(`${prom.url}/metrics`)).text();
      const ts = /prometheus_rule_group_last_evaluation_timestamp_seconds\{[^}]*rule_group="[^"]*;bench"\} (\S+)/.exec(text)?.[1];
      const d = /prometheus_rule_group_last_duration_seconds\{[^}]*rule_group="[^"]*;bench"\} (\S+)/.exec(text)?.[1];
      if (ts !== undefined && d !== undefined && ts !== last && Number(ts) > 0) {
        last = ts;
        out.push(Number(d) * 1000);
      }
      await sleep(500);
    }
    const failures = /prometheus_rule_evaluation_failures_total\{rule_group="[^"]*;bench"\} (\S+)/.exec(await (await fetch(`${prom.url}/metrics`)).text())?.[1];
    if (failures !== undefined && Number(failures) > 0) throw new Error(`Prometheus rule evaluation failures: ${failures}`);
    return out;
  } finally {
    await prom.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(PROM_316)) throw new Error(`Prometheus 3.16 not found at ${PROM_316}: run scripts/ci/install-prometheus.sh`);
  const series = flinkSeries(SERIES);
  const t0 = Date.now() - POINTS * STEP_MS;
  const dataEnd = t0 + (POINTS - 1) * STEP_MS;
  const promMs = await prometheus(series, t0);
  // Ours at the same distance from the data's end as Prometheus's evaluations (a few intervals after loading).
  const evalTimes = Array.from({ length: EVALS }, (_, i) => dataEnd + 20_000 + i * INTERVAL_S * 1000);
  const ourMs = await ours(series, t0, evalTimes);
  const a = median(promMs);
  const b = median(ourMs);
  console.log(`${RULES.length} recording rules over ${series.length} series × ${POINTS} samples (Node ${process.version})`);
  console.log('| group evaluation | Prometheus 3.16 | sidecar | sidecar ÷ Prometheus |');
  console.log('|---|---:|---:|---:|');
  console.log(`| median ms (${EVALS} evaluations) | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b / a).toFixed(2)} |`);
  console.log(`| all, ms | ${promMs.map((x) => x.toFixed(0)).join(' ')} | ${ourMs.map((x) => x.toFixed(0)).join(' ')} | |`);
}

await main();
