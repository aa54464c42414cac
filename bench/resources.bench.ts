/**
 * What the sidecar costs where it runs (issue 11 §3: the resources to request), measured on the real process
 * (`dist/cli.js`, built by `npm run bench`) from /proc: resident set (sampled every second; median and max) and CPU
 * (user + system clock ticks over the measured span, as cores).
 * - `demo`: a real Flink (scripts/flink.sh, FLINK_LINE, REST port BENCH_FLINK_REST_PORT default 18281) running the
 *   demo job with the PushGateway reporter pushing to the sidecar every 10 s, the sidecar with examples/demo.yml
 *   (bundled rules, 10 s polls), scraped every 15 s (gzip, as Prometheus does);
 * - `synthetic`: ~100 000 pushed series: BENCH_GROUPS (default 180) groups of a real Flink 2.3.0 TaskManager
 *   registry (bench/fixtures/flink-2.3.0-taskmanager-push.txt, 566 series) each re-pushed every 10 s, spread over
 *   the interval, and `/metrics` scraped every 15 s with gzip; no Flink (the poller's port is closed).
 * Each runs BENCH_RESOURCES_SECONDS (default 120) after a warm-up of one interval. `npm run bench -- resources`
 * (both) or `BENCH_RESOURCES=synthetic …`. Prints a table; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, freePort, rssKb, startSidecarProcess, waitReady } from './processes.js';

const SECONDS = Number(process.env['BENCH_RESOURCES_SECONDS'] ?? 120);
const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 180);
const WHICH = (process.env['BENCH_RESOURCES'] ?? 'demo,synthetic').split(',');
const FLINK_REST_PORT = process.env['BENCH_FLINK_REST_PORT'] ?? '18281';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BODY = readFileSync(join(ROOT, 'bench/fixtures/flink-2.3.0-taskmanager-push.txt'));

interface Usage {
  readonly rssMedian: number;
  readonly rssMax: number;
  readonly cores: number;
  readonly series: number;
}

/** Samples `pid` every second for SECONDS while `load` runs; `load` gets an abort signal when the span is over. */
async function measure(pid: number, url: string, load: (signal: AbortSignal) => Promise<void>): Promise<Usage> {
  const ac = new AbortController();
  const running = load(ac.signal);
  const rss: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < SECONDS; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    rss.push(rssKb(pid) / 1024);
  }
  const cores = (cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
  ac.abort();
  await running;
  const body = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('count({__name__=~".+"})')}`)).json() as { data: { result: { value: [number, string] }[] } };
  rss.sort((a, b) => a - b);
  return { rssMedian: rss[Math.floor(rss.length / 2)] as number, rssMax: rss[rss.length - 1] as number, cores, series: Number(body.data.result[0]?.value[1] ?? 0) };
}

async function scrapeEvery(url: string, ms: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const r = await fetch(`${url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } });
    await r.arrayBuffer();
    await sleep(ms, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) return r();
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      r();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

async function push(url: string, group: number): Promise<void> {
  const r = await fetch(`${url}/metrics/job/tm${group}`, { method: 'PUT', body: BODY });
  if (r.status >= 300) throw new Error(`PUT ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
}

async function synthetic(): Promise<Usage> {
  const side = await startSidecarProcess([`--flink.rest-url=http://127.0.0.1:${await freePort()}`]);
  const url = side.url;
  try {
    await waitReady(`${url}/-/healthy`, side.proc);
    for (let g = 0; g < GROUPS; g++) await push(url, g);
    const pushAll = async (signal: AbortSignal): Promise<void> => {
      // Reporters push every 10 s, each at its own phase: one group every 10 s / GROUPS.
      for (let g = 0; !signal.aborted; g = (g + 1) % GROUPS) {
        await push(url, g);
        await sleep(10_000 / GROUPS, signal);
      }
    };
    const warm = new AbortController();
    await Promise.all([pushAll(warm.signal), scrapeEvery(url, 15_000, warm.signal), sleep(10_000, new AbortController().signal).then(() => warm.abort())]);
    return await measure(side.proc.pid as number, url, (signal) => Promise.all([pushAll(signal), scrapeEvery(url, 15_000, signal)]).then(() => undefined));
  } finally {
    await side.stop();
  }
}

function flink(cmd: string, env: NodeJS.ProcessEnv): string {
  return execFileSync('bash', [join(ROOT, 'scripts/flink.sh'), ...cmd.split(' ')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function demo(): Promise<Usage & { flink: string }> {
  // The reporter needs the sidecar's address before Flink starts: pick the port first.
  const port = await freePort();
  const env = {
    ...process.env,
    FLINK_REST_PORT,
    FLINK_EXTRA_CONF: [
      'metrics.reporter.push.factory.class: org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory',
      `metrics.reporter.push.hostUrl: http://127.0.0.1:${port}`,
      'metrics.reporter.push.interval: 10 s',
      'metrics.latency.interval: 10000',
    ].join('\n'),
  };
  flink('start', env);
  const side = await startSidecarProcess(['--config.file=examples/demo.yml', `--flink.rest-url=http://127.0.0.1:${FLINK_REST_PORT}`], port);
  const { proc, url } = side;
  try {
    const jid = flink('submit-job', env);
    flink(`wait-running ${jid}`, env);
    await waitReady(`${url}/-/ready`, proc);
    // Warm-up: a few polls and pushes, so the windows and the reporter's groups are in place.
    await new Promise((r) => setTimeout(r, 30_000));
    const usage = await measure(proc.pid as number, url, (signal) => scrapeEvery(url, 15_000, signal));
    return { ...usage, flink: flink('version', env) };
  } finally {
    await side.stop();
    flink('stop', env);
  }
}

const rows: string[] = [];
const row = (what: string, u: Usage): string => `| ${what} | ${u.series} | ${u.rssMedian.toFixed(0)} | ${u.rssMax.toFixed(0)} | ${u.cores.toFixed(3)} |`;
if (WHICH.includes('demo')) {
  const u = await demo();
  rows.push(row(`demo job, Flink ${u.flink}, reporter pushes every 10 s, scraped every 15 s`, u));
}
if (WHICH.includes('synthetic')) {
  const u = await synthetic();
  rows.push(row(`${GROUPS} pushed TaskManager registries (${GROUPS} × 566 series) re-pushed every 10 s, scraped every 15 s`, u));
}
console.log(`${SECONDS} s per load, Node ${process.version}`);
console.log('| load | series in the store | RSS median MiB | RSS max MiB | CPU cores |');
console.log('|---|---:|---:|---:|---:|');
console.log(rows.join('\n'));
