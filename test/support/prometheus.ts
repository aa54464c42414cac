/**
 * Runs a real Prometheus (and promtool) for integration and e2e tests.
 *
 * Two generations are tested side by side ("peers", see {@link prometheusPeers}):
 * - **2.42**: Debian's `prometheus` package (bookworm), found through PATH, or `PROMETHEUS_242_BIN` /
 *   `PROMTOOL_242_BIN`;
 * - **3.16**: built from the Go module proxy by `scripts/ci/install-prometheus.sh` into the checkout's
 *   `.cache/prometheus-3.16/bin`, or `PROMETHEUS_316_BIN` / `PROMTOOL_316_BIN`.
 * Each binary must report its line's version (`--version`); a missing peer fails its tests under `CI=true` and is
 * skipped (with the reason in the test name) elsewhere, a wrong version always fails.
 *
 * Helpers that take no binary use `PROMETHEUS_BIN` / `PROMTOOL_BIN`, else `prometheus` / `promtool` on PATH (the
 * e2e tests). Every server is bound to 127.0.0.1 on a free port, and everything this module creates (temp dirs,
 * child processes) is removed by `stop()`; a process-exit hook kills servers a crashed test left behind.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { it } from 'vitest';

const execFileP = promisify(execFile);

export const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? 'prometheus';
export const PROMTOOL_BIN = process.env['PROMTOOL_BIN'] ?? 'promtool';

const ROOT = resolve(import.meta.dirname, '../..');

/** `CI=true` (or `1`): a Prometheus peer that is not installed fails its tests instead of skipping them. */
export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** The Prometheus release lines the integration tests compare against. */
export type PrometheusLine = '2.42' | '3.16';

/** One installed Prometheus release: server and promtool of the same version. */
export interface PrometheusPeer {
  readonly line: PrometheusLine;
  /** Major version (2 or 3): selects the PromQL semantics to expect. */
  readonly major: number;
  /** Paths (or PATH names) of the binaries. */
  readonly prometheus: string;
  readonly promtool: string;
  /** First line of `prometheus --version`, for test logs. */
  readonly versionLine: string;
}

export type PeerLookup =
  | { readonly ok: true; readonly line: PrometheusLine; readonly peer: PrometheusPeer }
  /** `missing`: a binary is not installed; `wrong-version`: it is, but reports another version. */
  | { readonly ok: false; readonly line: PrometheusLine; readonly problem: 'missing' | 'wrong-version'; readonly reason: string };

interface PeerSource {
  readonly line: PrometheusLine;
  readonly major: number;
  readonly prometheus: { readonly env: string; readonly fallback: string };
  readonly promtool: { readonly env: string; readonly fallback: string };
  readonly install: string;
}

const PEER_SOURCES: readonly PeerSource[] = [
  {
    line: '2.42',
    major: 2,
    prometheus: { env: 'PROMETHEUS_242_BIN', fallback: 'prometheus' },
    promtool: { env: 'PROMTOOL_242_BIN', fallback: 'promtool' },
    install: 'apt-get install prometheus (Debian bookworm)',
  },
  {
    line: '3.16',
    major: 3,
    prometheus: { env: 'PROMETHEUS_316_BIN', fallback: join(ROOT, '.cache/prometheus-3.16/bin/prometheus') },
    promtool: { env: 'PROMTOOL_316_BIN', fallback: join(ROOT, '.cache/prometheus-3.16/bin/promtool') },
    install: 'bash scripts/ci/install-prometheus.sh',
  },
];

/** First line of `<bin> --version`, or an Error when the binary cannot be run. */
function versionLineOf(bin: string): string | Error {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    return out.split('\n')[0] ?? '';
  } catch (err) {
    const e = err as { code?: string; stdout?: string; stderr?: string; message?: string };
    // it ran but exited non-zero: its output (stdout or stderr) still says what it is, and the version check decides
    if (e.code !== 'ENOENT' && (e.stdout || e.stderr)) return (e.stdout || e.stderr || '').split('\n')[0] ?? '';
    return new Error(e.code === 'ENOENT' ? 'not found' : (e.message ?? String(err)));
  }
}

function lookupPeer(src: PeerSource): PeerLookup {
  const bins = { prometheus: process.env[src.prometheus.env] ?? src.prometheus.fallback, promtool: process.env[src.promtool.env] ?? src.promtool.fallback };
  const lines: Record<string, string> = {};
  for (const [tool, bin] of Object.entries(bins)) {
    const env = tool === 'prometheus' ? src.prometheus.env : src.promtool.env;
    const line = versionLineOf(bin);
    if (line instanceof Error) {
      return { ok: false, line: src.line, problem: 'missing', reason: `${tool} ${src.line} (${bin}): ${line.message}; set ${env} or run: ${src.install}` };
    }
    // `prometheus, version 3.16.0 (branch: …)`, `promtool, version 2.42.0+ds (…)`
    if (!new RegExp(`^${tool}, version ${src.line.replace('.', '\\.')}\\.\\d+\\b`).test(line)) {
      return { ok: false, line: src.line, problem: 'wrong-version', reason: `${tool} at ${bin} reports "${line}", expected version ${src.line}.x (${env})` };
    }
    lines[tool] = line;
  }
  return {
    ok: true,
    line: src.line,
    peer: { line: src.line, major: src.major, prometheus: bins.prometheus, promtool: bins.promtool, versionLine: lines['prometheus'] ?? '' },
  };
}

let peers: readonly PeerLookup[] | undefined;
/**
 * Both peers, looked up on first call (synchronously, so test files can decide at collection time) and then
 * remembered.
 */
export function prometheusPeers(): readonly PeerLookup[] {
  peers ??= PEER_SOURCES.map(lookupPeer);
  return peers;
}

/**
 * For a peer that cannot be used, registers the one test that says why: failing under CI or for a wrong
 * version, skipped (reason in its name) on a developer machine without the binary. Call inside a `describe`.
 */
export function reportUnavailablePeer(lookup: Extract<PeerLookup, { ok: false }>): void {
  if (IN_CI || lookup.problem === 'wrong-version') {
    it(`Prometheus ${lookup.line} is installed and reports its version`, () => {
      throw new Error(lookup.reason);
    });
  } else {
    it.skip(`Prometheus ${lookup.line} not installed: ${lookup.reason}`, () => undefined);
  }
}

/** Minimal config: no scrape targets, default intervals. */
export const MINIMAL_PROMETHEUS_CONFIG = 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n';

export interface StartPrometheusOptions {
  /** The `prometheus` binary; default {@link PROMETHEUS_BIN}. */
  readonly bin?: string;
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
  /** Process id (benchmarks read its RSS). */
  readonly pid: number;
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

  const bin = opts.bin ?? PROMETHEUS_BIN;
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
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
      throw new Error(`prometheus (${bin}) exited before ready (${why}):\n${tail()}`);
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
    pid: child.pid as number,
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

/** Runs promtool (default {@link PROMTOOL_BIN}); throws with its output on a non-zero exit. */
export async function runPromtool(args: readonly string[], bin: string = PROMTOOL_BIN): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileP(bin, [...args], { maxBuffer: 64 * 1024 * 1024 });
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
export async function createBlocksFromOpenMetrics(openMetricsText: string, dataDir: string, promtool: string = PROMTOOL_BIN): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fpb-openmetrics-'));
  try {
    const file = join(dir, 'input.om');
    await writeFile(file, openMetricsText);
    const { stdout } = await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], promtool);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `prometheus --version` first line, e.g. `prometheus, version 2.42.0+ds (…)`. */
export async function prometheusVersion(bin: string = PROMETHEUS_BIN): Promise<string> {
  const { stdout, stderr } = await execFileP(bin, ['--version']);
  return (stdout || stderr).split('\n')[0] ?? '';
}
