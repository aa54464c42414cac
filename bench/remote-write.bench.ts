/**
 * Remote-write in and out (issue 7 §4), side by side in one run:
 * - receive: samples/s into the sidecar (the built `dist/cli.js`, its own process, receiver on) and into real
 *   Prometheus 2.42 (Debian) and 3.16 (`.cache/prometheus-3.16` or PROMETHEUS_316_BIN), the same pre-encoded 1.0
 *   requests (2 000 series × 1 sample each, snappy), 4 concurrent senders with their own series;
 * - memory per received series: RSS growth of each receiving process after BENCH_RW_MEMORY_SERIES (default
 *   100 000) new series, one sample each, divided by the series;
 * - send: samples/s the sender sustains into a real Prometheus 3.16 (or 2.42) with the durable log on disk
 *   (`--storage.path` under the OS temp dir) and on a tmpfs (`/dev/shm`), the same appends (the cost of durability).
 * `npm run build && npx tsx bench/run.ts remote-write`; knobs BENCH_RW_REQUESTS (per sender, default 100),
 * BENCH_RW_MEMORY_SERIES, BENCH_RW_SEND_COMMITS (default 500 commits of 2 000 samples).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { nullLogger } from '../src/log/logger.js';
import { labelSet, type LabelSet } from '../src/model/labels.js';
import { SelfMetrics } from '../src/self/metrics.js';
import { RemoteWriteQueue } from '../src/sinks/remote-write/queue.js';
import { MemorySeriesStore } from '../src/store/index.js';
import { MINIMAL_PROMETHEUS_CONFIG, startPrometheus } from '../test/support/prometheus.js';
import { encodeV1, snappyBlock } from '../test/support/remote-write-proto.js';
import { startSidecar } from '../test/support/sidecar.js';
import { rssKb } from './processes.js';

const SENDERS = 4;
const SERIES = 2000;
const REQUESTS = Number(process.env['BENCH_RW_REQUESTS'] ?? 100);
const MEMORY_SERIES = Number(process.env['BENCH_RW_MEMORY_SERIES'] ?? 100_000);
const SEND_COMMITS = Number(process.env['BENCH_RW_SEND_COMMITS'] ?? 500);
const PROM_316 = process.env['PROMETHEUS_316_BIN'] ?? join(import.meta.dirname, '../.cache/prometheus-3.16/bin/prometheus');
const tmp = mkdtempSync(join(tmpdir(), 'fpb-bench-rw-'));

interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<unknown>;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pre-encoded requests: sender s, request k → its 2 000 series (`bench_rw_total{sender,series}`) at t0 + k s. */
function requests(t0: number): Buffer[][] {
  return Array.from({ length: SENDERS }, (_, s) =>
    Array.from({ length: REQUESTS }, (_, k) =>
      snappyBlock(encodeV1(Array.from({ length: SERIES }, (_, i) => ({ labels: [['__name__', 'bench_rw_total'], ['sender', String(s)], ['series', String(i)]] as [string, string][], samples: [{ t: t0 + k * 1000, v: k }] })))),
    ),
  );
}

async function post(url: string, body: Buffer): Promise<void> {
  const r = await fetch(`${url}/api/v1/write`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' }, body });
  if (r.status !== 204 && r.status !== 200) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
}

async function receive(target: Target, bodies: Buffer[][]): Promise<number> {
  const WARMUP = 5;
  await Promise.all(bodies.map(async (b) => {
    for (let k = 0; k < WARMUP; k++) await post(target.url, b[k] as Buffer);
  }));
  const t = performance.now();
  await Promise.all(bodies.map(async (b) => {
    for (let k = WARMUP; k < b.length; k++) await post(target.url, b[k] as Buffer);
  }));
  const s = (performance.now() - t) / 1000;
  return (SENDERS * SERIES * (REQUESTS - WARMUP)) / s;
}

async function memoryPerSeries(target: Target, t: number): Promise<number> {
  await sleep(1000);
  const before = rssKb(target.pid);
  const per = 5000;
  for (let off = 0; off < MEMORY_SERIES; off += per) {
    await post(target.url, snappyBlock(encodeV1(Array.from({ length: per }, (_, i) => ({ labels: [['__name__', 'bench_rw_memory'], ['flink_subtask', String(off + i)], ['job_id', '8f6c2ad1c7c1e8c3c93b1d4b8a2b6c11']] as [string, string][], samples: [{ t, v: i }] })))));
  }
  await sleep(2000);
  return ((rssKb(target.pid) - before) * 1024) / MEMORY_SERIES;
}

async function prometheusTarget(name: string, bin: string, major: number): Promise<Target> {
  const args = major >= 3 ? ['--web.enable-remote-write-receiver', '--web.remote-write-receiver.accepted-protobuf-messages=prometheus.WriteRequest'] : ['--web.enable-remote-write-receiver'];
  const p = await startPrometheus({ bin, configYaml: MINIMAL_PROMETHEUS_CONFIG, args, dataDir: join(tmp, name.replace(/\W/g, '_')) });
  return { name, url: p.url, pid: p.pid, stop: () => p.stop() };
}

async function sidecarTarget(): Promise<Target> {
  const s = await startSidecar({ configYaml: 'remote_write_receiver:\n  enabled: true\n', restUrl: 'http://127.0.0.1:1', args: ['--log.level=warn'] });
  return { name: 'sidecar', url: s.url, pid: s.pid, stop: () => s.stop() };
}

/** Appends SEND_COMMITS × 2 000 samples, then times until the queue has them all acknowledged by Prometheus. */
async function send(promUrl: string, storagePath: string): Promise<number> {
  const config = parseConfig(`remote_write:\n  - url: ${promUrl}/api/v1/write\n    name: bench\n`, 'c.yml').remoteWrite[0]!;
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  const self = new SelfMetrics({ processMetrics: false });
  const queue = new RemoteWriteQueue({ config, externalLabels: {}, storagePath, store, logger: nullLogger, self });
  const labels: LabelSet[] = Array.from({ length: SERIES }, (_, i) => labelSet('bench_rw_sent_total', { storage: storagePath.startsWith('/dev/shm') ? 'tmpfs' : 'disk', series: String(i) }));
  const t0 = Date.now() - 40 * 60_000;
  queue.start();
  const start = performance.now();
  for (let c = 0; c < SEND_COMMITS; c++) {
    const app = store.appender('bench');
    for (const l of labels) app.append(l, t0 + c * 1000, c);
    app.commit();
    if (c % 20 === 0) await sleep(0); // let the sender run, as the poller's event loop would
  }
  const total = SEND_COMMITS * SERIES;
  for (;;) {
    const m = (await self.registry.getMetricsAsJSON()).find((x) => x.name === 'flink_bridge_remote_storage_samples_total');
    const sent = m?.values.filter((v) => v.labels['outcome'] === 'sent').reduce((a, v) => a + v.value, 0) ?? 0;
    if (sent >= total) break;
    await sleep(5);
  }
  const s = (performance.now() - start) / 1000;
  await queue.stop();
  rmSync(storagePath, { recursive: true, force: true });
  return total / s;
}

async function main(): Promise<void> {
  const bodies = requests(Date.now() - 30 * 60_000);
  const makers: [string, () => Promise<Target>][] = [['sidecar', sidecarTarget], ['Prometheus 2.42', () => prometheusTarget('Prometheus 2.42', '/usr/bin/prometheus', 2)]];
  if (existsSync(PROM_316)) makers.push(['Prometheus 3.16', () => prometheusTarget('Prometheus 3.16', PROM_316, 3)]);
  else console.log(`(Prometheus 3.16 not found at ${PROM_316}: run scripts/ci/install-prometheus.sh)`);
  const results: { name: string; rate: number; bytes: number }[] = [];
  for (const [, make] of makers) {
    const target = await make();
    try {
      const rate = await receive(target, bodies);
      const bytes = await memoryPerSeries(target, Date.now() - 60_000);
      results.push({ name: target.name, rate, bytes });
    } finally {
      await target.stop();
    }
  }
  const ours = results[0]!;
  console.log(`Receive: ${SENDERS} senders × ${REQUESTS} requests × ${SERIES} series × 1 sample (1.0, snappy), first 5 requests per sender as warm-up; memory: ${MEMORY_SERIES} new series (Node ${process.version}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  console.log('| receiver | samples/s | sidecar ÷ it | RSS per new series, bytes | sidecar ÷ it |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.name} | ${Math.round(r.rate)} | ${(ours.rate / r.rate).toFixed(2)} | ${Math.round(r.bytes)} | ${(ours.bytes / r.bytes).toFixed(2)} |`);

  const peerBin = existsSync(PROM_316) ? PROM_316 : '/usr/bin/prometheus';
  const peer = await prometheusTarget('send peer', peerBin, existsSync(PROM_316) ? 3 : 2);
  try {
    const disk = await send(peer.url, join(tmp, 'send-disk'));
    const shm = existsSync('/dev/shm') ? await send(peer.url, mkdtempSync('/dev/shm/fpb-bench-rw-')) : NaN;
    console.log(`\nSend: ${SEND_COMMITS} commits × ${SERIES} samples into ${peerBin === PROM_316 ? 'Prometheus 3.16' : 'Prometheus 2.42'} (1.0, default queue_config), from the first append until all acknowledged`);
    console.log('| durable log on | samples/s | disk ÷ tmpfs |');
    console.log('|---|---:|---:|');
    console.log(`| disk (${tmpdir()}) | ${Math.round(disk)} | ${(disk / shm).toFixed(2)} |`);
    console.log(`| tmpfs (/dev/shm) | ${Math.round(shm)} | 1.00 |`);
  } finally {
    await peer.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
