import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { nullLogger } from '../../src/log/logger.js';
import { labelSet } from '../../src/model/labels.js';
import { FixtureRest, fixture, serveFixtures } from '../support/flink-fixtures.js';

/**
 * Issue 5 §3 defect 5: `/-/reload` and SIGHUP built a new poller with a new poll state, so
 * `flink_job_exceptions_total` restarted from the number of entries Flink still lists (a false counter reset),
 * and per-job caches were read again.
 */
const job = fixture<{ jid: string; name: string }>('2.3.0', 'job.json');
const rest = new FixtureRest('2.3.0');
let flink: Awaited<ReturnType<typeof serveFixtures>>;
beforeAll(async () => {
  flink = await serveFixtures(rest);
});
afterAll(async () => {
  await flink.close();
});

const history = (...timestamps: number[]) => ({
  exceptionHistory: { entries: timestamps.map((timestamp) => ({ timestamp, exceptionName: 'java.lang.RuntimeException' })), truncated: false },
});

describe('regression: reload keeps the poll state', () => {
  it('flink_job_exceptions_total does not fall back to the listed count, and the checkpoint config is not re-read', async () => {
    rest.overrides.set('/jobs/:jid/exceptions', () => history(1000, 2000));
    const config = parseConfig(`global:\n  poll_interval: 1h\n  windows: [2h]\nflink:\n  rest_url: ${flink.url}\n  retries: 0\n  exceptions_interval: 1h\n`, 'test.yml');
    const app = new App({
      config,
      listenAddress: { host: '127.0.0.1', port: 0 },
      enableLifecycle: true,
      storagePath: '.',
      logger: nullLogger,
      loadConfig: () => config,
    });
    const exceptions = labelSet('flink_job_exceptions_total', { job_id: job.jid, job_name: job.name.replace(/[^a-zA-Z0-9:_]/g, '_') });
    const up = labelSet('flink_up');
    const cycles = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && (app.store.get(up)?.length ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(app.store.get(up)?.length).toBe(n);
    };
    await app.start();
    try {
      await cycles(1);
      expect(app.store.get(exceptions)?.lastValue).toBe(2);
      // Flink's bounded history rotated: only a newer entry is listed now
      rest.overrides.set('/jobs/:jid/exceptions', () => history(3000));
      await app.reload();
      await cycles(2);
      expect(app.store.get(exceptions)?.lastValue).toBeGreaterThanOrEqual(2);
      expect(rest.calls.filter((c) => c.endsWith('/checkpoints/config'))).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });
});
