/**
 * The real Prometheus clients against the sidecar's query API: `promtool query instant|range|series|labels` of every
 * installed Prometheus generation (Debian's 2.42, 3.16 from `scripts/ci/install-prometheus.sh`), JSON output
 * (`-o json`, the client's decoding of our answer re-encoded by Go).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { apiBuildInfo } from '../../../src/http/api/status-info.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { Engine } from '../../../src/promql/engine/index.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { prometheusPeers, reportUnavailablePeer } from '../../support/prometheus.js';

const T0 = 1_700_000_000_000;
const run = promisify(execFile);
/** promtool's default series/labels window is around "now"; the test data is from T0. */
const window = [`--start=${T0 / 1000}`, `--end=${(T0 + 600_000) / 1000}`];
let server: RunningServer;
let url: string;

beforeAll(async () => {
  const store = new MemorySeriesStore({ retentionMs: 10 * 365 * 86_400_000 });
  store.setMetadata('test', 'flink_records_total', { type: 'counter', help: 'Records.' });
  const appender = store.appender('test');
  for (let i = 0; i <= 40; i++) {
    appender.append(labelSet('flink_records_total', { job_name: 'a', task: 'src' }), T0 + i * 15_000, i);
    appender.append(labelSet('flink_records_total', { job_name: 'b', task: 'sink' }), T0 + i * 15_000, 10 * i);
  }
  appender.commit();
  const engine = new Engine({ store });
  const app = createHttpApp({
    store,
    logger: nullLogger,
    ready: () => true,
    restUrl: () => '',
    api: { store, engine: () => engine, queryTimeoutMs: () => 120_000, buildInfo: () => apiBuildInfo('3'), flags: () => ({}), configYaml: () => '', startTime: new Date() },
  });
  server = await startServer(app, '127.0.0.1', 0);
  url = `http://127.0.0.1:${server.address.port}`;
});
afterAll(async () => {
  await server.close();
});

for (const lookup of prometheusPeers()) {
  describe(`promtool query of Prometheus ${lookup.line}`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const promtool = async (...args: string[]): Promise<unknown> => {
      const { stdout } = await run(lookup.peer.promtool, ['query', ...args], { timeout: 60_000 });
      return JSON.parse(stdout) as unknown;
    };

    it('instant: a vector', async () => {
      expect(await promtool('instant', '-o', 'json', `--time=${(T0 + 600_000) / 1000}`, url, 'flink_records_total{job_name="b"}')).toEqual([
        { metric: { __name__: 'flink_records_total', job_name: 'b', task: 'sink' }, value: [1700000600, '400'] },
      ]);
    });
    it('instant: a scalar', async () => {
      expect(await promtool('instant', '-o', 'json', '--time=1700000000', url, '1+1')).toEqual([1700000000, '2']);
    });
    it('range: a matrix', async () => {
      expect(
        await promtool('range', '-o', 'json', `--start=${(T0 + 60_000) / 1000}`, `--end=${(T0 + 90_000) / 1000}`, '--step=15s', url, 'sum by (job_name) (flink_records_total)'),
      ).toEqual([
        { metric: { job_name: 'a' }, values: [[1700000060, '4'], [1700000075, '5'], [1700000090, '6']] },
        { metric: { job_name: 'b' }, values: [[1700000060, '40'], [1700000075, '50'], [1700000090, '60']] },
      ]);
    });
    it('series', async () => {
      expect(await promtool('series', '-o', 'json', ...window, '--match=flink_records_total{task=~"s.*"}', url)).toEqual([
        { __name__: 'flink_records_total', job_name: 'a', task: 'src' },
        { __name__: 'flink_records_total', job_name: 'b', task: 'sink' },
      ]);
    });
    it('labels (values of one label)', async () => {
      expect(await promtool('labels', '-o', 'json', ...window, url, 'task')).toEqual(['sink', 'src']);
    });
    it('a bad query is reported as the server\'s bad_data error', async () => {
      const r = await run(lookup.peer.promtool, ['query', 'instant', url, 'sum('], { timeout: 60_000 }).then(
        () => undefined,
        (e: { stderr: string }) => e.stderr,
      );
      expect(r).toMatch(/bad_data: invalid parameter "query": 1:5: parse error/);
    });
  });
}
