/**
 * Push API against the real Pushgateway 1.5.1 (Debian `prometheus-pushgateway`), same input to both (issue 6 §5):
 * - push latency: PUT of a real Flink 2.3.0 TaskManager registry (bench/fixtures/flink-2.3.0-taskmanager-push.txt,
 *   captured from the e2e Flink: the sidecar's exposition of that group without the grouping label) with 50 groups
 *   present; median of BENCH_RUNS;
 * - scrape time of `/metrics` with ~100 000 pushed series (the fixture under BENCH_GROUPS grouping keys); median;
 * - RSS per pushed series: growth of each process's resident set from before the first push to after the last,
 *   divided by the series pushed.
 * Both servers run as their own processes, as deployed: the Pushgateway binary and the sidecar's CLI (`dist/cli.js`,
 * built by `npm run bench`, pointed at a closed Flink port: its poller fails and adds only its few self-metrics), so
 * neither shares a heap or an event loop with this client, and each RSS is the server's alone.
 * `npx tsx bench/run.ts push`; knobs BENCH_RUNS (default 30), BENCH_GROUPS (default 180).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, rssKb, startSidecarProcess, stopProcess, waitReady } from './processes.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 180);
const BODY = readFileSync(new URL('./fixtures/flink-2.3.0-taskmanager-push.txt', import.meta.url));
const SERIES_PER_PUSH = BODY.toString().split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

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

async function scrape(base: string, encoding: string): Promise<number> {
  const r = await fetch(`${base}/metrics`, { headers: { 'Accept-Encoding': encoding } });
  return (await r.arrayBuffer()).byteLength;
}

async function main(): Promise<void> {
  const pgPort = await freePort();
  const pg = spawn('/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${pgPort}`, '--persistence.file=', '--log.level=error'], { stdio: 'ignore' });
  const pgUrl = `http://127.0.0.1:${pgPort}`;
  const sidecar = await startSidecarProcess([`--flink.rest-url=http://127.0.0.1:${await freePort()}`, '--log.level=error']);
  const ourUrl = sidecar.url;
  await waitReady(`${pgUrl}/-/ready`, pg);
  await waitReady(`${ourUrl}/-/healthy`, sidecar.proc);
  try {
    const sides = [
      { name: 'Pushgateway 1.5.1', url: pgUrl, rss: () => rssKb(pg.pid as number) },
      { name: 'sidecar', url: ourUrl, rss: () => rssKb(sidecar.proc.pid as number) },
    ];
    const rows: string[] = [];
    const results: Record<string, { push: number; scrape: number; scrapeGzip: number; bytesPerSeries: number; scrapeMb: number }> = {};
    for (const side of sides) {
      const rss0 = side.rss();
      for (let g = 0; g < 50; g++) await put(side.url, g);
      const pushMs: number[] = [];
      for (let i = 0; i < RUNS; i++) pushMs.push(await timed(() => put(side.url, i % 50)));
      for (let g = 50; g < GROUPS; g++) await put(side.url, g);
      const scrapeMs: number[] = [];
      const scrapeGzipMs: number[] = [];
      let bytes = 0;
      for (let i = 0; i < Math.max(5, Math.floor(RUNS / 3)); i++) {
        scrapeMs.push(await timed(async () => (bytes = await scrape(side.url, 'identity'))));
        scrapeGzipMs.push(await timed(() => scrape(side.url, 'gzip')));
      }
      await new Promise((r) => setTimeout(r, 500));
      const rss1 = side.rss();
      results[side.name] = { push: median(pushMs), scrape: median(scrapeMs), scrapeGzip: median(scrapeGzipMs), bytesPerSeries: ((rss1 - rss0) * 1024) / (GROUPS * SERIES_PER_PUSH), scrapeMb: bytes / 1e6 };
    }
    const a = results['Pushgateway 1.5.1'];
    const b = results['sidecar'];
    if (a === undefined || b === undefined) throw new Error('missing results');
    console.log(`Flink 2.3.0 TaskManager push: ${SERIES_PER_PUSH} series, ${BODY.length} bytes; ${GROUPS} groups = ${GROUPS * SERIES_PER_PUSH} pushed series; ${RUNS} runs (Node ${process.version})`);
    console.log('| measure | Pushgateway 1.5.1 | sidecar | sidecar / Pushgateway |');
    console.log('|---|---:|---:|---:|');
    rows.push(`| PUT latency with 50 groups, median ms | ${a.push.toFixed(2)} | ${b.push.toFixed(2)} | ${(b.push / a.push).toFixed(2)} |`);
    rows.push(`| GET /metrics uncompressed, median ms | ${a.scrape.toFixed(1)} | ${b.scrape.toFixed(1)} | ${(b.scrape / a.scrape).toFixed(2)} |`);
    rows.push(`| GET /metrics gzip (Prometheus's default), median ms | ${a.scrapeGzip.toFixed(1)} | ${b.scrapeGzip.toFixed(1)} | ${(b.scrapeGzip / a.scrapeGzip).toFixed(2)} |`);
    rows.push(`| /metrics size, MB | ${a.scrapeMb.toFixed(1)} | ${b.scrapeMb.toFixed(1)} | |`);
    rows.push(`| RSS growth per pushed series, bytes | ${a.bytesPerSeries.toFixed(0)} | ${b.bytesPerSeries.toFixed(0)} | ${(b.bytesPerSeries / a.bytesPerSeries).toFixed(2)} |`);
    console.log(rows.join('\n'));
  } finally {
    await stopProcess(pg);
    await sidecar.stop();
  }
}

await main();
