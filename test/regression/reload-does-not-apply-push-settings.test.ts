/**
 * Defect (issue 6 §2): a config reload (`App.reload`, SIGHUP, `POST /-/reload`) left the push receiver as it was
 * built at start: a new `push.group_ttl`, new `push.limits` and `push.enable_admin_api` were ignored until a
 * restart, silently. Now the running receiver takes them (its groups stay), and a flipped `push.enabled`, which
 * needs a restart, is logged as a warning.
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { PushRejectedError } from '../../src/errors.js';
import { parseTextExposition } from '../../src/exposition/index.js';
import { nullLogger, type Logger } from '../../src/log/logger.js';
import { parseGroupingKey, type GroupingKey } from '../../src/sources/push/grouping-key.js';

// A closed port: the poller fails fast and harmlessly; only the push receiver matters here.
const base = 'global:\n  poll_interval: 1h\n  windows: [3h]\nflink:\n  rest_url: http://127.0.0.1:9\n  retries: 0\n  exceptions_interval: 1h\n';

function app(first: string, reloaded: () => string, logger: Logger = nullLogger): App {
  return new App({
    config: parseConfig(base + first, 'first.yml'),
    listenAddress: { host: '127.0.0.1', port: 0 },
    enableLifecycle: true,
    storagePath: '.',
    logger,
    loadConfig: () => parseConfig(base + reloaded(), 'reloaded.yml'),
  });
}

const key = (path: string) => parseGroupingKey(path) as GroupingKey;

describe('regression: reload did not apply the push settings', () => {
  it('applies group_ttl, limits and enable_admin_api to the running receiver, keeping its groups', async () => {
    const a = app(
      'push:\n  group_ttl: 1h\n  limits:\n    max_groups: 10\n',
      () => 'push:\n  group_ttl: 5s\n  enable_admin_api: true\n  limits:\n    max_body_size: 64B\n    max_groups: 1\n',
    );
    const push = a.push!;
    await a.start();
    try {
      push.receiver.push(key('/job/tm1'), parseTextExposition('up 1\n'), true);
      await a.reload();
      expect(push.receiver.groupCount).toBe(1);
      // max_groups 1: a second group is refused now (10 before the reload)
      expect(() => push.receiver.push(key('/job/tm2'), parseTextExposition('up 1\n'), true)).toThrow(PushRejectedError);
      const url = `http://127.0.0.1:${a.address!.port}`;
      const big = await fetch(`${url}/metrics/job/tm1`, { method: 'PUT', body: `up ${'1'.repeat(100)}\n` });
      expect(big.status).toBe(413);
      expect((await fetch(`${url}/api/v1/admin/wipe`, { method: 'PUT' })).status).toBe(202);
      push.receiver.push(key('/job/tm1'), parseTextExposition('up 1\n'), true);
      // group_ttl 5s: the group is gone 6 s after its push (with the 1 h of the start it would stay)
      expect(push.receiver.sweep(Date.now() + 6000)).toBe(1);
    } finally {
      await a.stop();
    }
  });

  it('applies group_by_body_labels: after the reload a new random job suffix of one TaskManager replaces its group', async () => {
    const a = app('', () => 'push:\n  group_by_body_labels: [host, tm_id]\n');
    const push = a.push!;
    const body = parseTextExposition('flink_taskmanager_Status_JVM_CPU_Load{host="h1",tm_id="tm_1"} 0.5\n');
    await a.start();
    try {
      push.receiver.push(key('/job/0123456789abcdef0123456789abcdef'), body, true);
      push.receiver.push(key('/job/11111111111111111111111111111111'), body, true);
      expect(push.receiver.groupCount).toBe(2);
      await a.reload();
      push.receiver.push(key('/job/22222222222222222222222222222222'), body, true);
      push.receiver.push(key('/job/33333333333333333333333333333333'), body, true);
      expect(push.receiver.view().map((g) => g.labels.job)).toEqual(['0123456789abcdef0123456789abcdef', '11111111111111111111111111111111', '33333333333333333333333333333333']);
    } finally {
      await a.stop();
    }
  });

  it('logs a warning that a flipped push.enabled needs a restart, and keeps the running receiver', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...nullLogger, warn: (f: unknown, m?: string) => warnings.push(typeof f === 'string' ? f : (m ?? '')), child: () => logger };
    const a = app('', () => 'push:\n  enabled: false\n', logger);
    await a.start();
    try {
      await a.reload();
      expect(warnings.filter((w) => w.includes('push.enabled') && w.includes('restart'))).toHaveLength(1);
      expect(a.push).toBeDefined();
    } finally {
      await a.stop();
    }
  });
});
