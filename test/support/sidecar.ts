import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './prometheus.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface RunningSidecar {
  readonly url: string;
  readonly port: number;
  /** Process id (benchmarks read its RSS). */
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far (logfmt logs). */
  output(): string;
  /** GET a path; resolves with status and body text. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Headers }>;
  /** Sends SIGTERM and resolves with the exit code once the process ended. */
  stop(): Promise<number | null>;
  /** Sends SIGKILL (a crash: no shutdown hooks run) and resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the built sidecar (`dist/cli.js`, so `npm run build` must have run) on 127.0.0.1 with a config written to
 * `dir` (default: a new temp dir; it is also the working directory, so a relative `--storage.path` lands there);
 * resolves once `/-/healthy` answers. Extra CLI args are appended. `port` reuses a port (a restart after a kill).
 */
export async function startSidecar(opts: { configYaml: string; restUrl: string; args?: string[]; dir?: string; port?: number }): Promise<RunningSidecar> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'fpb-sidecar-'));
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, opts.configYaml);
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'dist/cli.js'),
      `--config.file=${configFile}`,
      `--flink.rest-url=${opts.restUrl}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=debug',
      ...(opts.args ?? []),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = `http://127.0.0.1:${port}`;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, { headers });
    return { status: r.status, body: await r.text(), headers: r.headers };
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sidecar exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await get('/-/healthy')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sidecar did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid as number,
    output: () => out,
    get,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
