/**
 * Appends per second through the store's appender for batches shaped like remote-write requests: 2 000 series ×
 * 1 sample per commit, timestamps advancing by 15 s per request. Three ways of naming the series:
 * - refs: the SeriesRef returned by the first append of each series (the remote-write/push fast path);
 * - labels: a LabelSet built once per series and passed every time (lookup by its key);
 * - labels, built per sample: `LabelSet.from(record)` per sample, as a receiver decoding each request does.
 * One process, one core; prints a table, asserts nothing about time.
 *
 *   npx tsx bench/run.ts store-append      BENCH_APPEND_SERIES=2000 BENCH_APPEND_COMMITS=500
 */
import { performance } from 'node:perf_hooks';
import { LabelSet } from '../src/model/labels.js';
import { MemorySeriesStore } from '../src/store/memory-series-store.js';
import { flinkSeries, labelSetOf } from './flink-series.js';

const SERIES = Number(process.env['BENCH_APPEND_SERIES'] ?? 2000);
const COMMITS = Number(process.env['BENCH_APPEND_COMMITS'] ?? 500);
const STEP_MS = 15_000;

type Mode = 'refs' | 'labels' | 'labels, built per sample';

function run(mode: Mode): { samplesPerSecond: number; msPerCommit: number } {
  const series = flinkSeries(SERIES);
  const records = series.map((s) => ({ ...s.labels, __name__: s.family }));
  const sets = series.map(labelSetOf);
  // 10 minutes of retention: at 15 s steps the rings stop growing after 40 samples, as in steady state.
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  const refs = new Array<number>(SERIES);
  let t = 1_000_000;
  const first = store.appender('remote-write');
  for (let i = 0; i < SERIES; i++) refs[i] = first.append(sets[i] as LabelSet, t, i);
  first.commit();
  const commit = (): void => {
    t += STEP_MS;
    const app = store.appender('remote-write');
    if (mode === 'refs') for (let i = 0; i < SERIES; i++) app.append(refs[i] as number, t, i);
    else if (mode === 'labels') for (let i = 0; i < SERIES; i++) app.append(sets[i] as LabelSet, t, i);
    else for (let i = 0; i < SERIES; i++) app.append(LabelSet.from(records[i] as Record<string, string>), t, i);
    app.commit();
  };
  for (let i = 0; i < 50; i++) commit(); // warm-up: JIT, ring growth
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  for (let i = 0; i < COMMITS; i++) commit();
  const ms = performance.now() - t0;
  if (store.sampleCount === 0) throw new Error('nothing stored');
  return { samplesPerSecond: (COMMITS * SERIES) / (ms / 1000), msPerCommit: ms / COMMITS };
}

console.log(`appender throughput, ${SERIES} series × 1 sample per commit, ${COMMITS} commits after 50 warm-up (Node ${process.version})`);
console.log('');
console.log('| series named by | samples/s | ms per commit |');
console.log('|---|---:|---:|');
for (const mode of ['refs', 'labels', 'labels, built per sample'] as const) {
  const r = run(mode);
  console.log(`| ${mode} | ${Math.round(r.samplesPerSecond).toLocaleString('en-US')} | ${r.msPerCommit.toFixed(2)} |`);
}
