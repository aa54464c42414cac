/**
 * Heap bytes per stored series: our MemorySeriesStore holding 1, 8 and 64 samples per series (label values
 * interned and not), and prom-client's Registry holding the same series as Gauges, for reference. Memory is
 * `heapUsed + arrayBuffers` after forced GCs, so typed-array backing stores outside the V8 heap count too.
 *
 *   npx tsx bench/run.ts store-memory        (or: npx tsx bench/store-memory.bench.ts)
 *   BENCH_SERIES=100000 …                    to change the number of series
 * Each row runs in its own `node --expose-gc --import tsx` child process, after a small warm-up build.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Gauge, Registry } from 'prom-client';
import { writeExposition } from '../src/exposition/writer.js';
import { MemorySeriesStore } from '../src/store/memory-series-store.js';
import { FAMILIES, flinkSeries, LABEL_NAMES, labelSetOf, valueFor } from './flink-series.js';

const N = Number(process.env['BENCH_SERIES'] ?? 100_000);

interface Case {
  readonly what: string;
  readonly build: (n: number) => unknown;
}

const CASES: Record<string, Case> = {
  ours1: { what: 'MemorySeriesStore, 1 sample/series, label values interned', build: (n) => ourStore(n, 1, true) },
  ours8: { what: 'MemorySeriesStore, 8 samples/series, label values interned', build: (n) => ourStore(n, 8, true) },
  ours64: { what: 'MemorySeriesStore, 64 samples/series, label values interned', build: (n) => ourStore(n, 64, true) },
  ours8render: {
    what: 'MemorySeriesStore, 8 samples/series, after one /metrics render (nothing cached since issue 5)',
    build: (n) => {
      const store = ourStore(n, 8, true);
      writeExposition(store, { output: 'buffer' });
      return store;
    },
  },
  ours1raw: { what: 'MemorySeriesStore, 1 sample/series, label values NOT interned', build: (n) => ourStore(n, 1, false) },
  ours64raw: { what: 'MemorySeriesStore, 64 samples/series, label values NOT interned', build: (n) => ourStore(n, 64, false) },
  promClient: { what: 'prom-client Registry (Gauge with 5 labels, 1 value)', build: promClient },
};

function ourStore(n: number, samplesPerSeries: number, intern: boolean): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: 24 * 3_600_000, internLabelValues: intern });
  for (let round = 0; round < samplesPerSeries; round++) {
    // A source builds fresh label sets every poll, as the Flink mapping does.
    const snapshot = flinkSeries(n).map((s, i) => ({ labels: labelSetOf(s), value: valueFor(i, round) }));
    store.appendSnapshot('bench', 1000 * (round + 1), snapshot);
  }
  return store;
}

function promClient(n: number): Registry {
  const registry = new Registry();
  const gauges = new Map<string, Gauge>();
  for (const family of FAMILIES) {
    gauges.set(family, new Gauge({ name: family, help: `Flink metric ${family}.`, labelNames: [...LABEL_NAMES], registers: [registry] }));
  }
  flinkSeries(n).forEach((s, i) => gauges.get(s.family)?.set(s.labels, valueFor(i, 0)));
  return registry;
}

/** Runs one case in this process (a fresh one per case, so earlier cases cannot distort the heap). */
function measureCase(name: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const c = CASES[name];
  if (gc === undefined || c === undefined) throw new Error(`usage: node --expose-gc --import tsx ${process.argv[1]} [${Object.keys(CASES).join('|')}]`);
  const used = (): number => {
    for (let i = 0; i < 4; i++) gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // Warm-up at a small size: compiled code, caches and one-time allocations are not per-series costs.
  c.build(1000);
  const before = used();
  const kept = c.build(N);
  const after = used();
  process.stdout.write(`${JSON.stringify({ name, bytesPerSeries: (after - before) / N, alive: kept !== undefined })}\n`);
}

const caseName = process.argv[2];
if (caseName !== undefined) {
  measureCase(caseName);
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`heap + array buffers per series, ${N} series with 5 Flink labels, one process per row (Node ${process.version})`);
  console.log('| what | bytes/series |');
  console.log('|---|---:|');
  for (const [name, c] of Object.entries(CASES)) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, name], { encoding: 'utf8', env: process.env });
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    const { bytesPerSeries } = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { bytesPerSeries: number };
    console.log(`| ${c.what} | ${bytesPerSeries.toFixed(0)} |`);
  }
}
