/**
 * Process helpers the benchmarks share: the servers they measure run as their own processes, read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/prometheus.js';

export { freePort };

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** Resident set of `pid` in KiB (VmRSS of /proc/<pid>/status); NaN when unreadable. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

/** utime + stime of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Waits until `url` answers 2xx, polling every 100 ms for at most `timeoutMs`.
 * @throws Error when `proc` exits first or the time is up
 */
export async function waitReady(url: string, proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url}: the server exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** SIGTERM, then waits for the exit: the sidecar writes its state under --storage.path while shutting down. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

export interface SidecarProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  /** Stops the process (waiting for its exit) and removes its --storage.path. */
  stop(): Promise<void>;
}

/**
 * The sidecar's CLI (`dist/cli.js`, built by `npm run bench`) as its own process on a free 127.0.0.1 port with a
 * fresh --storage.path; `args` are appended (e.g. `--flink.rest-url`, `--config.file`). Resolves once it is spawned,
 * not once it answers (see {@link waitReady}).
 */
export async function startSidecarProcess(args: readonly string[], port?: number): Promise<SidecarProcess> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const storage = mkdtempSync(join(tmpdir(), 'fpb-bench-'));
  const p = port ?? (await freePort());
  const proc = spawn(process.execPath, [join(root, 'dist/cli.js'), `--web.listen-address=127.0.0.1:${p}`, `--storage.path=${storage}`, '--log.level=warn', ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
  return {
    proc,
    url: `http://127.0.0.1:${p}`,
    stop: async () => {
      await stopProcess(proc);
      rmSync(storage, { recursive: true, force: true });
    },
  };
}
