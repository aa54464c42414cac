/**
 * PromQL query latency (issue 8 §4), side by side in one run: the same Flink-shaped series and samples
 * - in the sidecar's store (through its appender), queried in-process (`Engine.instantQuery` / `rangeQuery`) and
 *   through the sidecar's HTTP API (`createHttpApp` with the `/api/v1` router, served in this process);
 * - in a real Prometheus 3.16 (`.cache/prometheus-3.16` from scripts/ci/install-prometheus.sh, or
 *   PROMETHEUS_316_BIN / PROMTOOL_316_BIN), from a TSDB block built with `promtool tsdb create-blocks-from
 *   openmetrics`, queried through its HTTP API.
 * Series: BENCH_PROMQL_SERIES (default 100 000): bench/flink-series.ts' task-level families (counters numRecordsIn,
 * numRecordsOut, numBytesIn; gauges busy/backpressured ms per second) plus 5 % classic histogram buckets
 * (`flink_taskmanager_job_latency_seconds_bucket{job_id,job_name,operator_id,le}`, 10 buckets), one sample per
 * 15 s over BENCH_PROMQL_MINUTES (default 60). Queries: instant at the last sample and range over the whole span
 * at 15 s steps; medians of BENCH_PROMQL_RUNS (instant, default 7) and BENCH_PROMQL_RANGE_RUNS (default 3) after one
 * warm-up each. Memory: peak RSS growth of each process (sampled every 50 ms) while it runs the range queries.
 * `npx tsx bench/run.ts promql`.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApp } from '../src/http/routes.js';
import { startServer } from '../src/http/server.js';
import { nullLogger } from '../src/log/logger.js';
import { labelSet, type LabelSet } from '../src/model/labels.js';
import { Engine } from '../src/promql/engine/index.js';
import { MemorySeriesStore } from '../src/store/index.js';
import { MINIMAL_PROMETHEUS_CONFIG, runPromtool, startPrometheus } from '../test/support/prometheus.js';
import { flinkSeries } from './flink-series.js';
import { rssKb } from './processes.js';

const SERIES = Number(process.env['BENCH_PROMQL_SERIES'] ?? 100_000);
const MINUTES = Number(process.env['BENCH_PROMQL_MINUTES'] ?? 60);
const RUNS = Number(process.env['BENCH_PROMQL_RUNS'] ?? 7);
const RANGE_RUNS = Number(process.env['BENCH_PROMQL_RANGE_RUNS'] ?? 3);
const ONLY = process.env['BENCH_PROMQL_ONLY']; // comma-separated query names, for profiling one
const CACHE = join(import.meta.dirname, '../.cache/prometheus-3.16/bin');
const PROM_316 = process.env['PROMETHEUS_316_BIN'] ?? join(CACHE, 'prometheus');
const PROMTOOL_316 = process.env['PROMTOOL_316_BIN'] ?? join(CACHE, 'promtool');
const STEP_MS = 15_000;
const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

const QUERIES: readonly { readonly name: string; readonly q: string }[] = [
  { name: 'sum by rate', q: 'sum by (job_name) (rate(flink_taskmanager_job_task_numRecordsIn[1m]))' },
  { name: 'topk', q: 'topk(5, rate(flink_taskmanager_job_task_numRecordsOut[1m]))' },
  { name: 'histogram_quantile', q: 'histogram_quantile(0.99, sum by (job_name, le) (rate(flink_taskmanager_job_latency_seconds_bucket[5m])))' },
  {
    name: 'group_left join',
    q: 'rate(flink_taskmanager_job_task_numRecordsIn[1m]) / on (job_id, task_id) group_left () sum by (job_id, task_id) (rate(flink_taskmanager_job_task_numRecordsIn[1m]))',
  },
  { name: 'gauge avg by', q: 'avg by (job_name, task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond)' },
];

interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly counter: boolean;
  /** Value at sample `k` (0-based). */
  value(k: number): number;
}

/** The input: Flink task-level families and a classic histogram, deterministic. */
function buildSeries(): Series[] {
  const histograms = Math.floor(SERIES * 0.05 / LE.length);
  const out: Series[] = [];
  flinkSeries(SERIES - histograms * LE.length).forEach((s, i) => {
    const counter = !/TimeMsPerSecond$/.test(s.family);
    const rate = (i % 97) + 1;
    out.push({
      name: s.family, labels: s.labels, counter,
      value: counter ? (k) => i * 13 + k * 15 * rate : (k) => (i * 31 + k * 7) % 1000,
    });
  });
  for (let h = 0; h < histograms; h++) {
    const job = h % 10;
    for (let b = 0; b < LE.length; b++) {
      out.push({
        name: 'flink_taskmanager_job_latency_seconds_bucket',
        labels: { job_id: `job${job}`, job_name: `Kafka_to_Iceberg_pipeline_${job}`, operator_id: `op${Math.floor(h / 10)}`, le: LE[b] as string },
        counter: true,
        value: (k) => k * (b + 1) * (1 + (h % 5)) * 3,
      });
    }
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;


/** Runs `f` while sampling `pid`'s RSS; returns f's result and the peak growth in MB. */
async function withPeakRss<T>(pid: number, f: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  const base = rssKb(pid);
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, rssKb(pid)); }, 50);
  try {
    const result = await f();
    peak = Math.max(peak, rssKb(pid));
    return { result, peakMb: (peak - base) / 1024 };
  } finally {
    clearInterval(timer);
  }
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Writes the OpenMetrics input of promtool (series by series, samples in time order), streaming. */
async function writeOpenMetrics(file: string, series: readonly Series[], t0: number, samples: number): Promise<void> {
  const w = createWriteStream(file);
  let buf = '';
  for (const s of series) {
    const ls = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
    const prefix = `${s.name}{${ls}} `;
    for (let k = 0; k < samples; k++) buf += `${prefix}${s.value(k)} ${(t0 + k * STEP_MS) / 1000}\n`;
    if (buf.length > 1 << 20) {
      if (!w.write(buf)) await once(w, 'drain');
      buf = '';
    }
  }
  w.end(`${buf}# EOF\n`);
  await once(w, 'finish');
}

interface Side {
  readonly name: string;
  readonly pid: number;
  instant(q: string, tMs: number): Promise<number>;
  range(q: string, startMs: number, endMs: number): Promise<number>;
}

/** Number of result series of an API answer (and a check that it succeeded). */
async function apiQuery(base: string, path: string, params: Record<string, string>): Promise<number> {
  const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  const body = (await r.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`${base}${path}: ${body.error}`);
  return body.data?.result.length ?? 0;
}

function httpSide(name: string, base: string, pid: number): Side {
  return {
    name, pid,
    instant: (q, t) => apiQuery(base, '/api/v1/query', { query: q, time: String(t / 1000) }),
    range: (q, s, e) => apiQuery(base, '/api/v1/query_range', { query: q, start: String(s / 1000), end: String(e / 1000), step: String(STEP_MS / 1000) }),
  };
}

async function main(): Promise<void> {
  if (!existsSync(PROM_316) || !existsSync(PROMTOOL_316)) {
    console.log(`Prometheus 3.16 not found (${PROM_316}): run scripts/ci/install-prometheus.sh or set PROMETHEUS_316_BIN/PROMTOOL_316_BIN`);
    process.exit(1);
  }
  const samples = MINUTES * 4 + 1;
  // Far enough in the past that the block does not overlap Prometheus's head, on a 15 s grid.
  const tEnd = Math.floor((Date.now() - 3 * 3600_000) / STEP_MS) * STEP_MS;
  const t0 = tEnd - (samples - 1) * STEP_MS;
  const series = buildSeries();
  console.log(`${series.length} series × ${samples} samples (${(series.length * samples / 1e6).toFixed(1)} M), 15 s apart, Node ${process.version}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

  // --- Prometheus 3.16 from a block --------------------------------------------------------------------------------
  const tmp = mkdtempSync(join(tmpdir(), 'fpb-bench-promql-'));
  const dataDir = join(tmp, 'data');
  let t = performance.now();
  await writeOpenMetrics(join(tmp, 'input.om'), series, t0, samples);
  console.log(`OpenMetrics written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', join(tmp, 'input.om'), dataDir], PROMTOOL_316);
  rmSync(join(tmp, 'input.om'));
  console.log(`promtool tsdb create-blocks-from openmetrics: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const prom = await startPrometheus({ bin: PROM_316, configYaml: MINIMAL_PROMETHEUS_CONFIG, dataDir, args: ['--storage.tsdb.retention.time=100y'] });

  // --- the sidecar's store -----------------------------------------------------------------------------------------
  t = performance.now();
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const sets: LabelSet[] = series.map((s) => labelSet(s.name, s.labels));
  // One commit per 15 s round, as a poll or a remote-write stream appends.
  for (let k = 0; k < samples; k++) {
    const app = store.appender('bench');
    for (let i = 0; i < series.length; i++) app.append(sets[i] as LabelSet, t0 + k * STEP_MS, (series[i] as Series).value(k));
    app.commit();
  }
  console.log(`sidecar store filled through its appender in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const engine = new Engine({ store });
  const http = createHttpApp({
    store, logger: nullLogger, ready: () => true, restUrl: () => '',
    api: {
      store, engine: () => engine, queryTimeoutMs: () => 600_000, buildInfo: () => ({}), flags: () => ({}),
      configYaml: () => '', startTime: new Date(),
    },
  });
  const server = await startServer(http, '127.0.0.1', 0);

  const sides: Side[] = [
    {
      name: 'sidecar in-process', pid: process.pid,
      instant: async (q, tq) => { const r = await engine.instantQuery(q, tq); return r.value.type === 'vector' ? r.value.vector.length : 1; },
      range: async (q, s, e) => (await engine.rangeQuery(q, s, e, STEP_MS)).value.length,
    },
    httpSide('sidecar HTTP API', `http://127.0.0.1:${server.address.port}`, process.pid),
    httpSide('Prometheus 3.16 HTTP API', prom.url, prom.pid),
  ];

  try {
    const rows: string[] = [];
    const memRows: string[] = [];
    for (const { name, q } of QUERIES) {
      if (ONLY !== undefined && !ONLY.split(',').includes(name)) continue;
      const res: Record<string, { instant: number; range: number; n: number; rn: number; peakMb: number }> = {};
      for (const side of sides) {
        const n = await side.instant(q, tEnd);
        const inst: number[] = [];
        for (let r = 0; r < RUNS; r++) inst.push(await timed(() => side.instant(q, tEnd)));
        globalThis.gc?.();
        const { result: rangeRes, peakMb } = await withPeakRss(side.pid, async () => {
          const rn = await side.range(q, t0, tEnd);
          const times: number[] = [];
          for (let r = 0; r < RANGE_RUNS; r++) times.push(await timed(() => side.range(q, t0, tEnd)));
          return { rn, times };
        });
        res[side.name] = { instant: median(inst), range: median(rangeRes.times), n, rn: rangeRes.rn, peakMb };
        console.log(`  ${name} / ${side.name}: instant ${median(inst).toFixed(1)} ms (${n} series), range ${median(rangeRes.times).toFixed(0)} ms (${rangeRes.rn} series), peak RSS +${peakMb.toFixed(0)} MB`);
      }
      const p = res['Prometheus 3.16 HTTP API']!;
      const o = res['sidecar in-process']!;
      const h = res['sidecar HTTP API']!;
      if (o.n !== p.n || o.rn !== p.rn || h.n !== p.n || h.rn !== p.rn) console.log(`  !! result series differ: ours ${o.n}/${o.rn}, HTTP ${h.n}/${h.rn}, Prometheus ${p.n}/${p.rn}`);
      rows.push(`| \`${name}\` | ${o.instant.toFixed(1)} | ${h.instant.toFixed(1)} | ${p.instant.toFixed(1)} | ${(h.instant / p.instant).toFixed(2)} | ${o.range.toFixed(0)} | ${h.range.toFixed(0)} | ${p.range.toFixed(0)} | ${(h.range / p.range).toFixed(2)} | ${p.n} / ${p.rn} |`);
      memRows.push(`| \`${name}\` | ${o.peakMb.toFixed(0)} | ${h.peakMb.toFixed(0)} | ${p.peakMb.toFixed(0)} |`);
    }
    console.log('\nLatency, median ms (ratio = sidecar HTTP / Prometheus HTTP; < 1 is faster than Prometheus)\n');
    console.log('| query | ours in-process instant | ours HTTP instant | Prometheus instant | ratio | ours in-process 1 h range | ours HTTP range | Prometheus range | ratio | result series (instant / range) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log('\nPeak RSS growth during the range queries, MB\n');
    console.log('| query | sidecar in-process | sidecar HTTP | Prometheus 3.16 |');
    console.log('|---|---:|---:|---:|');
    for (const r of memRows) console.log(r);
    console.log(`\nRSS after loading: sidecar process ${(rssKb(process.pid) / 1024).toFixed(0)} MB, Prometheus ${(rssKb(prom.pid) / 1024).toFixed(0)} MB; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  } finally {
    await server.close();
    await prom.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
