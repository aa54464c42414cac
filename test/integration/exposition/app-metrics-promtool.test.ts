/**
 * The sidecar's real `/metrics` body through the real Prometheus tools, for each Prometheus peer (2.42 and 3.16,
 * test/support/prometheus.ts) and each recorded Flink version (1.20.5, 2.3.0).
 *
 * The built CLI (`dist/cli.js`, test/support/sidecar.ts) polls a local HTTP server that answers with the recorded
 * responses of test/support/flink-fixtures.ts, until its body holds the Flink families (cluster, job, vertex with
 * windowed rates, TaskManager, JobManager) and the `flink_bridge_*` self-metrics. Then:
 *
 * 1. text 0.0.4 (no `Accept`): `promtool check metrics` — expfmt's text parser plus promlint — finds no error
 *    (exit 1 and "error while linting") and no lint problem except the {@link ACCEPTED_LINT} ones (exit 3 when
 *    any is reported, else 0). A new lint problem fails the test and must be looked at.
 * 2. OpenMetrics 1.0 (`Accept: application/openmetrics-text`): `promtool check metrics` reads only the text format,
 *    so the body goes through promtool's OpenMetrics parser instead (`promtool tsdb create-blocks-from
 *    openmetrics`, which is Prometheus's scrape-time `textparse.OpenMetricsParser`). That command wants a
 *    timestamp on every sample, which an exporter must not send, so one is appended to each sample line (before
 *    an exemplar, if any) and nothing else is changed; it must exit 0, and the block it writes must hold one
 *    series per sample of the text body (same series in both formats).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_VERSIONS, FixtureRest, type FixtureVersion } from '../../support/flink-fixtures.js';
import { parseSamples } from '../../support/metrics.js';
import { createBlocksFromOpenMetrics, prometheusPeers, type PrometheusPeer, reportUnavailablePeer, runPromtool } from '../../support/prometheus.js';
import { type RunningSidecar, startSidecar } from '../../support/sidecar.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0';

/** Families the recorded fixtures must produce (README "What it exports"), and the self-metrics. */
const EXPECTED_FAMILIES = [
  'flink_up',
  'flink_build_info',
  'flink_cluster_taskmanagers',
  'flink_cluster_slots',
  'flink_cluster_jobs',
  'flink_job_state',
  'flink_job_restarts_total',
  'flink_job_checkpoints_total',
  'flink_task_records_in_total',
  'flink_task_records_in_per_second',
  'flink_task_busy_ratio',
  'flink_job_source_records_per_second',
  'flink_taskmanager_heap_used_bytes',
  'flink_jobmanager_heap_used_bytes',
  'flink_bridge_poll_cycles_total',
  'flink_bridge_rest_requests_total',
  'flink_bridge_rest_request_duration_seconds_bucket',
];

/**
 * Lint problems accepted, exactly as promtool prints them. All three are gauges of prom-client's
 * `collectDefaultMetrics` (the sidecar's process metrics, prefixed `flink_bridge_`) that prom-client names with a
 * `_total` suffix; every Node.js exporter exposes them under these names and dashboards use them, so renaming
 * them only for us would break those dashboards. promtool 2.42 and 3.16 report the same.
 */
const ACCEPTED_LINT = new Set([
  'flink_bridge_nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'flink_bridge_nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'flink_bridge_nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
]);

/** The newest mtime under `dir` (files ending in `ext`). */
function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(ext)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** A Flink JobManager stand-in on 127.0.0.1: the recorded REST answers of one version, Flink's 404 shape otherwise. */
async function startFixtureFlink(version: FixtureVersion): Promise<{ url: string; close: () => Promise<void> }> {
  const rest = new FixtureRest(version);
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    rest
      .getJson(path, path.split('?')[0] ?? path)
      .then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)))
      .catch((e: unknown) => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [String(e)] })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function promtoolStdin(bin: string, args: readonly string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Appends ` <timestampSec>` to every sample line of an OpenMetrics body (before ` # ` exemplars). */
function withTimestamps(openMetrics: string, timestampSec: number): string {
  return openMetrics
    .split('\n')
    .map((line) => {
      if (line === '' || line.startsWith('#')) return line;
      const exemplar = line.indexOf(' # ');
      return exemplar < 0 ? `${line} ${timestampSec}` : `${line.slice(0, exemplar)} ${timestampSec}${line.slice(exemplar)}`;
    })
    .join('\n');
}

/** Series count of the blocks in `dataDir`, from `promtool tsdb list` (columns: ULID, times, samples, chunks, series). */
async function seriesInBlocks(promtool: string, dataDir: string): Promise<number> {
  const { stdout } = await runPromtool(['tsdb', 'list', dataDir], promtool);
  const lines = stdout.trim().split('\n');
  const header = (lines[0] ?? '').split(/\t+|\s{2,}/).map((h) => h.trim());
  const col = header.indexOf('NUM SERIES');
  expect(col, `promtool tsdb list header: ${lines[0]}`).toBeGreaterThan(0);
  return lines.slice(1).reduce((sum, l) => sum + Number(l.split(/\t+|\s{2,}/)[col]), 0);
}

const peers: readonly PrometheusPeer[] = prometheusPeers().flatMap((l) => (l.ok ? [l.peer] : []));

/**
 * prom-client's process collector reports Node's active handles and resources by type (Timeout, PipeWrap,
 * Immediate, …): which types exist changes from one scrape to the next with what the process is doing, so these
 * series are left out when two scrapes' series sets are compared.
 */
const VOLATILE_PROCESS_SERIES = /^flink_bridge_nodejs_active_/;

/** The series (name and labels) of a text body, as comparable keys, without {@link VOLATILE_PROCESS_SERIES}. */
function seriesKeys(text: string): string[] {
  return parseSamples(text)
    .filter((s) => !VOLATILE_PROCESS_SERIES.test(s.name))
    .map((s) => JSON.stringify([s.name, Object.entries(s.labels).sort()]))
    .sort();
}

describe('the real /metrics body of the sidecar through promtool', () => {
  for (const lookup of prometheusPeers()) {
    if (!lookup.ok) describe(`promtool ${lookup.line}`, () => reportUnavailablePeer(lookup));
  }

  it('runs the current build (dist/ is not older than src/)', () => {
    // startSidecar runs dist/cli.js; a stale build would test yesterday's code. `npm ci` builds it (prepare).
    expect(newestMtime(join(ROOT, 'dist'), '.js'), 'dist/ is older than src/: run `npm run build`').toBeGreaterThanOrEqual(
      newestMtime(join(ROOT, 'src'), '.ts'),
    );
  });

  for (const version of FIXTURE_VERSIONS) {
    describe(`sidecar polling recorded Flink ${version}`, () => {
      let flink: { url: string; close: () => Promise<void> } | undefined;
      let sidecar: RunningSidecar | undefined;
      let text = '';
      let openMetrics = '';
      let textAfterOpenMetrics = '';

      beforeAll(async () => {
        flink = await startFixtureFlink(version);
        sidecar = await startSidecar({
          restUrl: flink.url,
          configYaml: 'global:\n  poll_interval: 1s\nflink:\n  fetcher_update_interval: 1s\n  exceptions_interval: 1s\n',
        });
        // Windowed rates need two polls; wait for them (1 s apart) rather than for a fixed time, and then for a
        // steady series set (two text scrapes across a poll with the same series), so the formats can be compared.
        const deadline = Date.now() + 30_000;
        let previous: string[] = [];
        for (;;) {
          const r = await sidecar.get('/metrics');
          const names = new Set(parseSamples(r.body).map((s) => s.name));
          const keys = seriesKeys(r.body);
          if (EXPECTED_FAMILIES.every((n) => names.has(n)) && JSON.stringify(keys) === JSON.stringify(previous)) {
            text = r.body;
            break;
          }
          previous = keys;
          if (Date.now() > deadline) {
            throw new Error(`missing families ${EXPECTED_FAMILIES.filter((n) => !names.has(n)).join(', ')} or series still changing:\n${sidecar.output().slice(-4000)}`);
          }
          await new Promise((r) => setTimeout(r, 1100));
        }
        expect(text).not.toBe('');
        const om = await sidecar.get('/metrics', { Accept: OPENMETRICS_ACCEPT });
        expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
        openMetrics = om.body;
        textAfterOpenMetrics = (await sidecar.get('/metrics')).body;
      });

      afterAll(async () => {
        const code = await sidecar?.stop();
        if (code !== 0 && sidecar) console.error(sidecar.output().slice(-4000));
        await flink?.close();
        expect(code).toBe(0);
      });

      it('serves the Flink families of the recording and the self-metrics', () => {
        const samples = parseSamples(text);
        expect(samples.find((s) => s.name === 'flink_up')?.value).toBe(1);
        expect(samples.find((s) => s.name === 'flink_build_info')?.labels['version']).toBe(version);
        expect(samples.filter((s) => s.name === 'flink_task_records_in_per_second').map((s) => s.labels['window'])).toEqual(
          expect.arrayContaining(['1m', '5m', '15m']),
        );
        expect(openMetrics.endsWith('# EOF\n')).toBe(true);
      });

      // Regression: the self-metric counters were shared by a text and an OpenMetrics prom-client Registry, and
      // prom-client's OpenMetrics `metrics()` renamed the shared metric object, so after the first OpenMetrics scrape
      // text 0.0.4 served `flink_bridge_poll_cycles{...}` instead of `…_total`. The self-metrics now go through the
      // series store (src/self/self-source.ts) and one writer renders both formats.
      // Except the GC histogram, which gains a `kind` series the first time V8 runs that kind of collection (a scrape
      // between the two may be what triggers the first minor GC of a young process).
      it('text 0.0.4 after an OpenMetrics scrape has the same series as before', () => {
        const stable = (keys: string[]): string[] => keys.filter((k) => !k.startsWith('["flink_bridge_nodejs_gc_duration_seconds'));
        expect(stable(seriesKeys(textAfterOpenMetrics))).toEqual(stable(seriesKeys(text)));
        expect(seriesKeys(textAfterOpenMetrics)).toEqual(expect.arrayContaining(seriesKeys(text)));
      });

      for (const peer of peers) {
        it(`text 0.0.4: promtool ${peer.line} check metrics finds no error and only the accepted lint problems`, async () => {
          const r = await promtoolStdin(peer.promtool, ['check', 'metrics'], text);
          const problems = r.stderr.split('\n').filter((l) => l !== '');
          expect(problems.filter((p) => !ACCEPTED_LINT.has(p)), 'errors and lint problems not accepted').toEqual([]);
          // exit 3 = lint problems only (a parse error exits 1)
          expect({ code: r.code, stdout: r.stdout }).toEqual({ code: problems.length > 0 ? 3 : 0, stdout: '' });
        });

        it(`OpenMetrics: promtool ${peer.line} parses every sample (tsdb create-blocks-from openmetrics)`, async () => {
          const dir = await mkdtemp(join(tmpdir(), 'fpb-om-blocks-'));
          try {
            const at = Math.floor(Date.now() / 1000) - 3 * 3600; // in the past, like a backfill
            await createBlocksFromOpenMetrics(withTimestamps(openMetrics, at), dir, peer.promtool);
            // every sample line of this very body (not of an earlier scrape: process series come and go)
            const sampleLines = openMetrics.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
            expect(await seriesInBlocks(peer.promtool, dir)).toBe(sampleLines);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        });
      }
    });
  }
});
