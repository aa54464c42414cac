// Requests per poll cycle against a real Flink (scripts/flink.sh) for the demo job at parallelism 1 and 4.
// Run: `npx tsx bench/requests-per-cycle.bench.ts` (FLINK_LINE=1.20|2, default 2). Starts and stops its own cluster
// on REST port 18181. Prints, per parallelism, the HTTP requests of the first cycle (with name discovery) and of the
// steady cycles, next to what the OpenTelemetry flinkmetrics receiver would make for the same cluster
// (5 + 2·TM + 2·J + Σjobs(1 + V + 2·Σparallelism), reference/flink.md §4). No assertions: numbers only.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { FlinkRestClient } from '../src/sources/flink/rest-client.js';
import { runPollCycle } from '../src/sources/flink/poll-cycle.js';
import { createPollState, type PollState } from '../src/sources/flink/poll-state.js';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const PORT = process.env['FLINK_REST_PORT'] ?? '18181';
const env = { ...process.env, FLINK_LINE: process.env['FLINK_LINE'] ?? '2', FLINK_REST_PORT: PORT };
const flink = async (...args: string[]): Promise<string> =>
  (await exec('bash', [resolve(ROOT, 'scripts/flink.sh'), ...args], { env, cwd: ROOT })).stdout.trim();

async function measure(parallelism: number): Promise<{ first: number; steady: number[]; vertices: number; otel: number }> {
  const jid = await flink('submit-job', '--new', '--', '--parallelism', String(parallelism));
  await flink('wait-running', jid);
  await new Promise((r) => setTimeout(r, 12_000)); // let the MetricFetcher fill its store
  const client = new FlinkRestClient({ restUrl: `http://127.0.0.1:${PORT}`, timeoutMs: 5000, concurrency: 4, retries: 0, retryBackoffMs: 100 });
  const state: PollState = createPollState({ metricNamesRefreshIntervalMs: 300_000 });
  const counts: number[] = [];
  let vertices = 0;
  let otel = 0;
  for (let i = 0; i < 4; i++) {
    client.resetRequestCount();
    const outcome = await runPollCycle({ rest: client, state, nowMs: Date.now, exceptionsIntervalMs: 3_600_000 });
    counts.push(client.requestCount);
    const job = outcome.jobs.find((j) => j.id === jid);
    vertices = job?.detail?.vertices.length ?? 0;
    const subtasks = job?.detail?.vertices.reduce((n, v) => n + v.parallelism, 0) ?? 0;
    otel = 5 + 2 * outcome.taskManagers.length + 2 * 1 + (1 + vertices + 2 * subtasks);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await client.close();
  await fetch(`http://127.0.0.1:${PORT}/jobs/${jid}?mode=cancel`, { method: 'PATCH' });
  await new Promise((r) => setTimeout(r, 3000));
  return { first: counts[0] ?? 0, steady: counts.slice(1), vertices, otel };
}

await flink('stop');
await flink('start');
try {
  console.log(`Flink ${await flink('version')}: requests per poll cycle, one job, one TaskManager`);
  console.log('| parallelism | vertices | first cycle (discovery) | steady cycles | OTel flinkmetrics receiver |');
  console.log('|---|---|---|---|---|');
  for (const p of [1, 4]) {
    const r = await measure(p);
    console.log(`| ${p} | ${r.vertices} | ${r.first} | ${r.steady.join(', ')} | ${r.otel} |`);
  }
} finally {
  await flink('stop');
}
