/**
 * Runs a real Alertmanager for integration tests, and a small webhook receiver to see what it (or the sidecar)
 * POSTs.
 *
 * Two versions are tested side by side ({@link alertmanagerPeers}):
 * - **0.25**: Debian's `prometheus-alertmanager` (`/usr/bin/prometheus-alertmanager`), or `ALERTMANAGER_025_BIN`;
 * - **0.35**: built by `scripts/ci/install-alertmanager.sh` into the checkout's `.cache/alertmanager-0.35/bin`, or
 *   `ALERTMANAGER_035_BIN`.
 * Each binary must report its version; a missing one fails under `CI=true` and is skipped elsewhere, like the
 * Prometheus peers (`prometheus.ts`). Servers bind 127.0.0.1 on a free port (or a given one, to restart an
 * Alertmanager where it was), gossip off (`--cluster.listen-address=`), temp config and storage removed by `stop()`
 * (unless the storage was given), stopped by PID (SIGTERM, SIGKILL after 10 s).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { IN_CI, freePort } from './prometheus.js';

const ROOT = resolve(import.meta.dirname, '../..');

export type AlertmanagerLine = '0.25' | '0.35';

export type AlertmanagerLookup =
  | { readonly ok: true; readonly line: AlertmanagerLine; readonly bin: string; readonly versionLine: string }
  | { readonly ok: false; readonly line: AlertmanagerLine; readonly problem: 'missing' | 'wrong-version'; readonly reason: string };

const SOURCES: readonly { line: AlertmanagerLine; env: string; fallback: string; install: string }[] = [
  { line: '0.25', env: 'ALERTMANAGER_025_BIN', fallback: '/usr/bin/prometheus-alertmanager', install: 'apt-get install prometheus-alertmanager (Debian bookworm)' },
  { line: '0.35', env: 'ALERTMANAGER_035_BIN', fallback: join(ROOT, '.cache/alertmanager-0.35/bin/alertmanager'), install: 'bash scripts/ci/install-alertmanager.sh' },
];

let peers: readonly AlertmanagerLookup[] | undefined;

/** Both versions, looked up once (synchronously, so test files can decide at collection time). */
export function alertmanagerPeers(): readonly AlertmanagerLookup[] {
  peers ??= SOURCES.map((src): AlertmanagerLookup => {
    const bin = process.env[src.env] ?? src.fallback;
    let line: string;
    try {
      line = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).split('\n')[0] ?? '';
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, line: src.line, problem: 'missing', reason: `alertmanager ${src.line} (${bin}): ${e.code === 'ENOENT' ? 'not found' : (e.message ?? String(err))}; set ${src.env} or run: ${src.install}` };
    }
    // `alertmanager, version 0.25.0 (branch: debian/sid, …)`
    if (!new RegExp(`^alertmanager, version ${src.line.replace('.', '\\.')}\\.\\d+\\b`).test(line)) {
      return { ok: false, line: src.line, problem: 'wrong-version', reason: `alertmanager at ${bin} reports "${line}", expected ${src.line}.x (${src.env})` };
    }
    return { ok: true, line: src.line, bin, versionLine: line };
  });
  return peers;
}

/** For an unusable version: one failing test under CI (or for a wrong version), a skipped one elsewhere. */
export function reportUnavailableAlertmanager(lookup: Extract<AlertmanagerLookup, { ok: false }>): void {
  if (IN_CI || lookup.problem === 'wrong-version') {
    it(`Alertmanager ${lookup.line} is installed and reports its version`, () => {
      throw new Error(lookup.reason);
    });
  } else {
    it.skip(`Alertmanager ${lookup.line} not installed: ${lookup.reason}`, () => undefined);
  }
}

/** A config whose root route sends everything to one webhook at once (group_by alertname, no waiting). */
export function webhookAlertmanagerConfig(webhookUrl: string, opts: { receiver?: string; groupInterval?: string; repeatInterval?: string } = {}): string {
  const receiver = opts.receiver ?? 'hook';
  return [
    'route:',
    `  receiver: ${receiver}`,
    '  group_by: [alertname]',
    '  group_wait: 0s',
    `  group_interval: ${opts.groupInterval ?? '1s'}`,
    `  repeat_interval: ${opts.repeatInterval ?? '4h'}`,
    'receivers:',
    `  - name: ${receiver}`,
    '    webhook_configs:',
    `      - url: ${JSON.stringify(webhookUrl)}`,
    '        send_resolved: true',
    '',
  ].join('\n');
}

export interface StartAlertmanagerOptions {
  readonly bin: string;
  readonly configYaml: string;
  /** Port to bind (to restart where a previous one ran); default a free one. */
  readonly port?: number;
  /** Storage directory to use and keep; default a temp dir removed by stop(). */
  readonly storageDir?: string;
  /** `--web.external-url`. */
  readonly externalUrl?: string;
}

/** An alert as `GET /api/v2/alerts` lists it (`gettableAlert`). */
export interface GettableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly updatedAt: string;
  readonly generatorURL?: string;
  readonly fingerprint: string;
  readonly receivers: readonly { name: string }[];
  readonly status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

export interface RunningAlertmanager {
  readonly url: string;
  readonly port: number;
  readonly storageDir: string;
  /** `GET /api/v2/alerts` (active and, with `{ active: false }`… as the API's filters; default: all states). */
  alerts(params?: Readonly<Record<string, string>>): Promise<GettableAlert[]>;
  /** `POST /api/v2/alerts` with a raw body; returns the status. */
  post(body: unknown): Promise<number>;
  logs(): string;
  /** SIGTERM by PID (SIGKILL after 10 s), wait for exit, remove temp dirs. Idempotent. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let hook = false;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts an Alertmanager and resolves once `/-/ready` answers 200. */
export async function startAlertmanager(opts: StartAlertmanagerOptions): Promise<RunningAlertmanager> {
  if (!hook) {
    hook = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  const workDir = await mkdtemp(join(tmpdir(), 'fpb-alertmanager-'));
  const configFile = join(workDir, 'alertmanager.yml');
  await writeFile(configFile, opts.configYaml);
  const storageDir = opts.storageDir ?? join(workDir, 'data');
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.path=${storageDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    `--web.external-url=${opts.externalUrl ?? url}`,
    '--log.level=debug',
  ];
  const child = spawn(opts.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
  live.add(child);
  let log = '';
  const collect = (b: Buffer): void => {
    log += b.toString('utf8');
    if (log.length > 256 * 1024) log = log.slice(-256 * 1024);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exitP = new Promise<void>((res) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      res();
    });
    child.once('error', () => {
      exited = true;
      live.delete(child);
      res();
    });
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitP;
      clearTimeout(t);
    }
    await rm(workDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`alertmanager (${opts.bin}) exited before ready:\n${log.split('\n').slice(-30).join('\n')}`);
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
      throw new Error(`alertmanager not ready within 30 s:\n${log.split('\n').slice(-30).join('\n')}`);
    }
    await sleep(100);
  }
  return {
    url,
    port,
    storageDir,
    alerts: async (params) => {
      const qs = params ? `?${new URLSearchParams(params).toString()}` : '';
      const res = await fetch(`${url}/api/v2/alerts${qs}`);
      if (res.status !== 200) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}: ${await res.text()}`);
      return (await res.json()) as GettableAlert[];
    },
    post: async (body) => {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      return res.status;
    },
    logs: () => log,
    stop,
  };
}

/** One request a {@link WebhookReceiver} got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedRequest[];
  /** The answer to the next requests (default 200). */
  respondWith(status: number): void;
  /** Waits until `predicate(received)` holds; throws after `timeoutMs` (default 20 s) with what arrived. */
  waitFor(predicate: (received: readonly ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every request and answers 200 (or what `respondWith` says). */
export async function startWebhookReceiver(port?: number): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.statusCode = status;
      res.end();
    });
  });
  // Go's client reuses connections longer than Node's default 5 s keep-alive (reference prometheus.md §4.2)
  server.keepAliveTimeout = 120_000;
  const p = port ?? (await freePort());
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(p, '127.0.0.1', () => res());
  });
  return {
    url: `http://127.0.0.1:${p}/hook`,
    port: p,
    received,
    respondWith: (s) => {
      status = s;
    },
    waitFor: async (predicate, timeoutMs = 20_000) => {
      const end = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > end) throw new Error(`webhook receiver: condition not met within ${timeoutMs} ms; got ${received.length} requests:\n${received.map((r) => r.body).join('\n')}`);
        await sleep(50);
      }
    },
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}
