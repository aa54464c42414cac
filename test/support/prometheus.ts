/**
 * Runs a real Prometheus (and promtool) for integration and e2e tests.
 *
 * The binaries come from Debian's `prometheus` package (2.42 on bookworm) unless `PROMETHEUS_BIN` /
 * `PROMTOOL_BIN` name others. Every server is bound to 127.0.0.1 on a free port, and everything this module
 * creates (temp dirs, child processes) is removed by `stop()`; a process-exit hook kills servers a crashed test
 * left behind.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? 'prometheus';
export const PROMTOOL_BIN = process.env['PROMTOOL_BIN'] ?? 'promtool';

/** Minimal config: no scrape targets, default intervals. */
export const MINIMAL_PROMETHEUS_CONFIG = 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n';

export interface StartPrometheusOptions {
  /** Contents of prometheus.yml. */
  readonly configYaml: string;
  /** Extra command-line flags, e.g. `['--storage.tsdb.retention.time=100y']`. */
  readonly args?: readonly string[];
  /** TSDB directory to use (kept on stop); a temp dir (removed on stop) when omitted. */
  readonly dataDir?: string;
  /** How long to wait for `/-/ready`; default 60 s. */
  readonly readyTimeoutMs?: number;
}

/** A value of the HTTP API: `[unix seconds, "value"]`. */
export type PromSamplePair = readonly [number, string];

export interface PromVectorElement {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: PromSamplePair;
}

export interface PromMatrixElement {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly PromSamplePair[];
}

/** `data` of `/api/v1/query` and `/api/v1/query_range` (floats only). */
export type PromQueryData =
  | { readonly resultType: 'vector'; readonly result: readonly PromVectorElement[] }
  | { readonly resultType: 'matrix'; readonly result: readonly PromMatrixElement[] }
  | { readonly resultType: 'scalar' | 'string'; readonly result: PromSamplePair };

export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly configFile: string;
  /** Instant query; `timeSec` is Unix seconds (may have a fractional millisecond part). */
  query(expr: string, timeSec?: number): Promise<PromQueryData>;
  /** Range query. */
  queryRange(expr: string, startSec: number, endSec: number, stepSec: number): Promise<PromQueryData>;
  /** GET an API path (e.g. `/api/v1/targets`) and return its `data`; throws on a non-success answer. */
  api<T>(path: string, params?: Readonly<Record<string, string>>): Promise<T>;
  /** stderr (Prometheus logs there) collected so far, last 256 KiB. */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s), waits for exit, removes temp dirs. Idempotent. */
  stop(): Promise<void>;
}

interface ApiEnvelope {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MAX_LOG = 256 * 1024;

/** Starts Prometheus and resolves once `/-/ready` answers 200. Retries a port taken in the meantime. */
export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && /address already in use/i.test(err.message))) throw err;
    }
  }
  throw lastError;
}

async function startOnce(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  installExitHook();
  const workDir = await mkdtemp(join(tmpdir(), 'fpb-prometheus-'));
  const configFile = join(workDir, 'prometheus.yml');
  await writeFile(configFile, opts.configYaml);
  const dataDir = opts.dataDir ?? join(workDir, 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.path=${dataDir}`,
    ...(opts.args ?? []),
  ];

  const child = spawn(PROMETHEUS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
  live.add(child);
  let log = '';
  const collect = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
    if (log.length > MAX_LOG) log = log.slice(log.length - MAX_LOG);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited = true;
      live.delete(child);
      resolve();
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(workDir, { recursive: true, force: true });
  };

  const tail = (): string => log.split('\n').slice(-30).join('\n');
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      await stop();
      const why = spawnError ? `${spawnError.message}` : `exit code ${String(child.exitCode)}`;
      throw new Error(`prometheus (${PROMETHEUS_BIN}) exited before ready (${why}):\n${tail()}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within ${opts.readyTimeoutMs ?? 60_000} ms:\n${tail()}`);
    }
    await sleep(100);
  }

  const api = async <T>(path: string, params?: Readonly<Record<string, string>>): Promise<T> => {
    const qs = params ? `?${new URLSearchParams(params).toString()}` : '';
    const res = await fetch(`${url}${path}${qs}`);
    const text = await res.text();
    let body: ApiEnvelope;
    try {
      body = JSON.parse(text) as ApiEnvelope;
    } catch {
      throw new Error(`GET ${path}${qs}: HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`);
    }
    if (body.status !== 'success') {
      throw new Error(`GET ${path}${qs}: HTTP ${res.status} ${body.errorType ?? ''}: ${body.error ?? text}`);
    }
    return body.data as T;
  };

  return {
    url,
    port,
    dataDir,
    configFile,
    query: (expr, timeSec) =>
      api<PromQueryData>('/api/v1/query', timeSec === undefined ? { query: expr } : { query: expr, time: formatSec(timeSec) }),
    queryRange: (expr, startSec, endSec, stepSec) =>
      api<PromQueryData>('/api/v1/query_range', {
        query: expr,
        start: formatSec(startSec),
        end: formatSec(endSec),
        step: String(stepSec),
      }),
    api,
    logs: () => log,
    stop,
  };
}

/** Unix seconds with millisecond precision, as Prometheus's `parseTime` expects. */
function formatSec(sec: number): string {
  return Number.isInteger(sec) ? String(sec) : sec.toFixed(3);
}

/** Runs promtool; throws with its output on a non-zero exit. */
export async function runPromtool(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileP(PROMTOOL_BIN, [...args], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message?: string };
    throw new Error(`promtool ${args.join(' ')} failed: ${e.message ?? ''}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/**
 * Writes `openMetricsText` (must end with `# EOF`; sample timestamps in seconds) to a temp file and turns it
 * into TSDB blocks in `dataDir` with `promtool tsdb create-blocks-from openmetrics`. Keep the samples well in
 * the past (hours), or the blocks overlap the head of the Prometheus that opens them.
 */
export async function createBlocksFromOpenMetrics(openMetricsText: string, dataDir: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fpb-openmetrics-'));
  try {
    const file = join(dir, 'input.om');
    await writeFile(file, openMetricsText);
    const { stdout } = await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir]);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `prometheus --version` first line, e.g. `prometheus, version 2.42.0+ds (…)`. */
export async function prometheusVersion(): Promise<string> {
  const { stdout, stderr } = await execFileP(PROMETHEUS_BIN, ['--version']);
  return (stdout || stderr).split('\n')[0] ?? '';
}
