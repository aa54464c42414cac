/**
 * Push API against the real Pushgateway 1.5.1 (Debian `prometheus-pushgateway`), same input to both (issue 6 §5):
 * - push latency: PUT of a real Flink 2.3.0 TaskManager registry (bench/fixtures/flink-2.3.0-taskmanager-push.txt,
 *   captured from the e2e Flink: the sidecar's exposition of that group without the grouping label) with 50 groups
 *   present; median of BENCH_RUNS;
 * - scrape time of `/metrics` with ~100 000 pushed series (the fixture under BENCH_GROUPS grouping keys), uncompressed
 *   and gzip; median. The client (node:http) counts the bytes as they arrive and keeps none, so the time is the
 *   server's: time to first byte and to the last. (`fetch().arrayBuffer()` adds ~120 ms of its own for 41 MB to
 *   both sides, which measured the client more than the servers.)
 * - memory per pushed series: the slope of each process's resident set over the pushed series (least squares over
 *   the points at 1/2, 2/3, 5/6 and all of BENCH_GROUPS groups, each taken after an uncompressed and a gzip scrape
 *   and a 500 ms pause) — what one more series costs; and, for comparison, the growth from the idle process to
 *   the last point divided by the series, which also counts one-time costs (V8's young generation growing to its
 *   working size, compiled code, garbage not collected yet).
 * Both servers run as their own processes, as deployed: the Pushgateway binary and the sidecar's CLI (`dist/cli.js`,
 * built by `npm run bench`, pointed at a closed Flink port: its poller fails and adds only its few self-metrics), so
 * neither shares a heap or an event loop with this client, and each RSS is the server's alone.
 * `npx tsx bench/run.ts push`; knobs BENCH_RUNS (default 30), BENCH_GROUPS (default 180).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { freePort, rssKb, startSidecarProcess, stopProcess, waitReady } from './processes.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 180);
const BODY = readFileSync(new URL('./fixtures/flink-2.3.0-taskmanager-push.txt', import.meta.url));
const SERIES_PER_PUSH = BODY.toString().split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
/** Group counts at which the resident set is sampled for the slope. */
const MEMORY_POINTS = [1 / 2, 2 / 3, 5 / 6, 1].map((f) => Math.round(GROUPS * f));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function put(base: string, group: number): Promise<void> {
  const r = await fetch(`${base}/metrics/job/tm${group}`, { method: 'PUT', body: BODY });
  if (r.status >= 300) throw new Error(`${base}: PUT ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
}

interface Scrape {
  readonly firstByteMs: number;
  readonly totalMs: number;
  readonly bytes: number;
}

/** GET /metrics, counting the body's bytes as they arrive (none kept, nothing decompressed). */
function scrape(base: string, encoding: 'identity' | 'gzip'): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    const req = request(`${base}/metrics`, { headers: { 'Accept-Encoding': encoding } }, (res) => {
      res.on('data', (d: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - t0;
        bytes += d.length;
      });
      res.on('end', () => resolve({ firstByteMs, totalMs: performance.now() - t0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

interface Result {
  push: number;
  scrape: Scrape;
  scrapeGzip: Scrape;
  bytesPerSeriesSlope: number;
  bytesPerSeriesFromIdle: number;
  points: [number, number][];
}

async function measure(url: string, rss: () => number): Promise<Result> {
  const rss0 = rss();
  for (let g = 0; g < 50; g++) await put(url, g);
  const pushMs: number[] = [];
  for (let i = 0; i < RUNS; i++) pushMs.push(await timed(() => put(url, i % 50)));
  const points: [number, number][] = [];
  for (let g = 50; g < GROUPS; g++) {
    await put(url, g);
    if (MEMORY_POINTS.includes(g + 1)) {
      await scrape(url, 'identity');
      await scrape(url, 'gzip');
      await new Promise((r) => setTimeout(r, 500));
      points.push([(g + 1) * SERIES_PER_PUSH, rss() * 1024]);
    }
  }
  const plain: Scrape[] = [];
  const gzip: Scrape[] = [];
  for (let i = 0; i < Math.max(5, Math.floor(RUNS / 3)); i++) {
    plain.push(await scrape(url, 'identity'));
    gzip.push(await scrape(url, 'gzip'));
  }
  const byTotal = (xs: Scrape[]): Scrape => [...xs].sort((a, b) => a.totalMs - b.totalMs)[Math.floor(xs.length / 2)] as Scrape;
  const last = points[points.length - 1] as [number, number];
  return {
    push: median(pushMs),
    scrape: byTotal(plain),
    scrapeGzip: byTotal(gzip),
    bytesPerSeriesSlope: slope(points),
    bytesPerSeriesFromIdle: (last[1] - rss0 * 1024) / last[0],
    points,
  };
}

async function main(): Promise<void> {
  const pgPort = await freePort();
  const pg = spawn('/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${pgPort}`, '--persistence.file=', '--log.level=error'], { stdio: 'ignore' });
  const pgUrl = `http://127.0.0.1:${pgPort}`;
  const sidecar = await startSidecarProcess([`--flink.rest-url=http://127.0.0.1:${await freePort()}`, '--log.level=error']);
  await waitReady(`${pgUrl}/-/ready`, pg);
  await waitReady(`${sidecar.url}/-/healthy`, sidecar.proc);
  try {
    const a = await measure(pgUrl, () => rssKb(pg.pid as number));
    const b = await measure(sidecar.url, () => rssKb(sidecar.proc.pid as number));
    const ratio = (x: number, y: number): string => (y / x).toFixed(2);
    console.log(`Flink 2.3.0 TaskManager push: ${SERIES_PER_PUSH} series, ${BODY.length} bytes; ${GROUPS} groups = ${GROUPS * SERIES_PER_PUSH} pushed series; ${RUNS} runs (Node ${process.version})`);
    console.log('| measure | Pushgateway 1.5.1 | sidecar | sidecar / Pushgateway |');
    console.log('|---|---:|---:|---:|');
    console.log(`| PUT latency with 50 groups, median ms | ${a.push.toFixed(2)} | ${b.push.toFixed(2)} | ${ratio(a.push, b.push)} |`);
    console.log(`| GET /metrics uncompressed, median ms (first byte) | ${a.scrape.totalMs.toFixed(1)} (${a.scrape.firstByteMs.toFixed(1)}) | ${b.scrape.totalMs.toFixed(1)} (${b.scrape.firstByteMs.toFixed(1)}) | ${ratio(a.scrape.totalMs, b.scrape.totalMs)} |`);
    console.log(`| GET /metrics gzip (Prometheus's default), median ms (first byte) | ${a.scrapeGzip.totalMs.toFixed(1)} (${a.scrapeGzip.firstByteMs.toFixed(1)}) | ${b.scrapeGzip.totalMs.toFixed(1)} (${b.scrapeGzip.firstByteMs.toFixed(1)}) | ${ratio(a.scrapeGzip.totalMs, b.scrapeGzip.totalMs)} |`);
    console.log(`| /metrics size, MB (gzip) | ${(a.scrape.bytes / 1e6).toFixed(1)} (${(a.scrapeGzip.bytes / 1e6).toFixed(1)}) | ${(b.scrape.bytes / 1e6).toFixed(1)} (${(b.scrapeGzip.bytes / 1e6).toFixed(1)}) | |`);
    console.log(`| RSS per pushed series, bytes (slope over the last ${MEMORY_POINTS.length} points) | ${a.bytesPerSeriesSlope.toFixed(0)} | ${b.bytesPerSeriesSlope.toFixed(0)} | ${ratio(a.bytesPerSeriesSlope, b.bytesPerSeriesSlope)} |`);
    console.log(`| RSS growth from the idle process per pushed series, bytes | ${a.bytesPerSeriesFromIdle.toFixed(0)} | ${b.bytesPerSeriesFromIdle.toFixed(0)} | ${ratio(a.bytesPerSeriesFromIdle, b.bytesPerSeriesFromIdle)} |`);
    const pointsText = (r: Result): string => r.points.map(([n, bytes]) => `${n}: ${(bytes / 2 ** 20).toFixed(0)} MiB`).join(', ');
    console.log(`\nRSS points (series: RSS) — Pushgateway: ${pointsText(a)}; sidecar: ${pointsText(b)}`);
  } finally {
    await stopProcess(pg);
    await sidecar.stop();
  }
}

await main();
