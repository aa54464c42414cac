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
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env['BENCH_RESOURCES_SECONDS'] ?? 120);
const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 180);
const WHICH = (process.env['BENCH_RESOURCES'] ?? 'demo,synthetic').split(',');
const FLINK_REST_PORT = process.env['BENCH_FLINK_REST_PORT'] ?? '18281';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BODY = readFileSync(join(ROOT, 'bench/fixtures/flink-2.3.0-taskmanager-push.txt'));
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) / 1024;
}

/** utime + stime of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function waitOk(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${url}: the sidecar exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 30 s`);
}

/** The sidecar's CLI as its own process on a free port, with a fresh --storage.path removed by `stop`. */
async function startSidecar(args: string[]): Promise<{ proc: ChildProcess; url: string; stop: () => Promise<void> }> {
  const storage = mkdtempSync(join(tmpdir(), 'fpb-bench-resources-'));
  const port = await freePort();
  const proc = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), `--web.listen-address=127.0.0.1:${port}`, `--storage.path=${storage}`, '--log.level=warn', ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
  const stop = async (): Promise<void> => {
    await stopProcess(proc);
    rmSync(storage, { recursive: true, force: true });
  };
  return { proc, url: `http://127.0.0.1:${port}`, stop };
}

/** SIGTERM, then waits for the exit: the sidecar writes its state under --storage.path while shutting down. */
async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

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
    rss.push(rssMiB(pid));
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
  const side = await startSidecar([`--flink.rest-url=http://127.0.0.1:${await freePort()}`]);
  const url = side.url;
  try {
    await waitOk(`${url}/-/healthy`, side.proc);
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
  const storage = mkdtempSync(join(tmpdir(), 'fpb-bench-resources-'));
  const proc = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), '--config.file=examples/demo.yml', `--flink.rest-url=http://127.0.0.1:${FLINK_REST_PORT}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.path=${storage}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
  const url = `http://127.0.0.1:${port}`;
  try {
    const jid = flink('submit-job', env);
    flink(`wait-running ${jid}`, env);
    await waitOk(`${url}/-/ready`, proc);
    // Warm-up: a few polls and pushes, so the windows and the reporter's groups are in place.
    await new Promise((r) => setTimeout(r, 30_000));
    const usage = await measure(proc.pid as number, url, (signal) => scrapeEvery(url, 15_000, signal));
    return { ...usage, flink: flink('version', env) };
  } finally {
    await stopProcess(proc);
    rmSync(storage, { recursive: true, force: true });
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
