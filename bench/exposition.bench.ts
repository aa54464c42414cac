/**
 * Render time of GET /metrics: our store + writeExposition against prom-client's registry.metrics() for the
 * same Flink-shaped series and values, in one process. Prints a table; asserts nothing about time.
 *
 *   npx tsx bench/run.ts exposition            (or: node --expose-gc --import tsx bench/exposition.bench.ts)
 *   BENCH_SIZES=10000,100000 BENCH_RUNS=15 BENCH_COLD_RUNS=5 …   to change sizes / measured runs / first renders
 */
import { performance } from 'node:perf_hooks';
import { Gauge, Registry } from 'prom-client';
import { parseTextExposition } from '../src/exposition/parser.js';
import { writeExposition } from '../src/exposition/writer.js';
import { MemorySeriesStore } from '../src/store/memory-series-store.js';
import { FAMILIES, flinkSeries, LABEL_NAMES, labelSetOf, valueFor } from './flink-series.js';

const SIZES = (process.env['BENCH_SIZES'] ?? '10000,100000').split(',').map(Number);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const WARMUP = 3;
const COLD_RUNS = Number(process.env['BENCH_COLD_RUNS'] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function measure(fn: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    times.push(await time(fn));
  }
  return median(times);
}

interface Row {
  series: number;
  promClient: number;
  promClientBuffer: number;
  ours: number;
  oursBuffer: number;
  oursOmBuffer: number;
  oursColdBuffer: number;
  bytes: number;
}

async function benchSize(n: number): Promise<Row> {
  const series = flinkSeries(n);
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  const registry = new Registry();
  const gauges = new Map<string, Gauge>();
  for (const family of FAMILIES) {
    store.setMetadata('flink-rest', family, { type: 'gauge', help: `Flink metric ${family}.` });
    gauges.set(family, new Gauge({ name: family, help: `Flink metric ${family}.`, labelNames: [...LABEL_NAMES], registers: [registry] }));
  }
  const snapshot = () => series.map((s, i) => ({ labels: labelSetOf(s), value: valueFor(i, 0) }));
  store.appendSnapshot('bench', 1000, snapshot());
  series.forEach((s, i) => gauges.get(s.family)?.set(s.labels, valueFor(i, 0)));

  // Same samples on both sides (checked once, outside the timings).
  const ours = writeExposition(store);
  const theirs = await registry.metrics();
  const count = (text: string) => parseTextExposition(text).reduce((k, f) => k + f.samples.length, 0);
  if (count(ours) !== n || count(theirs) !== n) throw new Error(`sample count mismatch: ${count(ours)} / ${count(theirs)} / ${n}`);

  // First render of new series (a fresh store each time; median of COLD_RUNS, a single sample is too noisy).
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const fresh = new MemorySeriesStore({ retentionMs: 3_600_000 });
    fresh.appendSnapshot('bench', 1000, snapshot());
    (globalThis as { gc?: () => void }).gc?.();
    cold.push(await time(() => writeExposition(fresh, { output: 'buffer' })));
  }
  const oursColdBuffer = median(cold);

  return {
    series: n,
    promClient: await measure(() => registry.metrics()),
    promClientBuffer: await measure(async () => Buffer.from(await registry.metrics(), 'utf8')),
    ours: await measure(() => writeExposition(store)),
    oursBuffer: await measure(() => writeExposition(store, { output: 'buffer' })),
    oursOmBuffer: await measure(() => writeExposition(store, { format: 'openmetrics', output: 'buffer' })),
    oursColdBuffer,
    bytes: Buffer.byteLength(ours),
  };
}

const rows: Row[] = [];
for (const n of SIZES) rows.push(await benchSize(n));

const f = (ms: number) => ms.toFixed(1);
const gcNote = typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'GC forced before each run' : 'GC not exposed';
console.log(`exposition render, median of ${RUNS} runs after ${WARMUP} warm-up, ${gcNote} (Node ${process.version})`);
console.log('');
console.log('| series | prom-client metrics() ms | prom-client + Buffer.from ms | ours Buffer (text) ms | ours Buffer (OpenMetrics) ms | ours string ms | ours first render ms | prom-client / ours (Buffer) | output MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.series} | ${f(r.promClient)} | ${f(r.promClientBuffer)} | ${f(r.oursBuffer)} | ${f(r.oursOmBuffer)} | ${f(r.ours)} | ${f(r.oursColdBuffer)} | ${(r.promClientBuffer / r.oursBuffer).toFixed(1)}× | ${(r.bytes / 1e6).toFixed(2)} |`,
  );
}
