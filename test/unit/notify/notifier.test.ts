/**
 * The notifier end to end over HTTP to a local receiver. Expected label sets are those of Prometheus 3.16's own
 * tests (`notifier/manager_test.go`: TestExternalLabels, TestHandlerRelabel, TestHandlerSendAllRemapPerAm,
 * TestAlerstRelabelingIsIsolated) and its request shape (`sendloop.go` sendOne: POST, JSON, any 2xx is success).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { nullLogger } from '../../../src/log/logger.js';
import { Notifier } from '../../../src/notify/notifier.js';
import type { NotifierAlert } from '../../../src/rules/types.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/alertmanager.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  cleanups.push(() => r.close());
  return r;
}

function notifier(yaml: string, self?: SelfMetrics): Notifier {
  const c = parseConfig(yaml, 'config.yml');
  const n = new Notifier({ config: c.alerting, externalLabels: c.global.externalLabels, externalURL: 'http://sidecar:9275', logger: nullLogger, ...(self ? { self } : {}) });
  n.start();
  cleanups.push(() => n.stop(200));
  return n;
}

const alert = (labels: Record<string, string>): NotifierAlert => ({ labels, annotations: {}, startsAtMs: 1_000, endsAtMs: Date.now() + 600_000, generatorURL: '' });

/** The label sets a receiver got, in arrival order. */
const labelsOf = (r: { readonly received: readonly { body: string }[] }): Record<string, string>[] =>
  r.received.flatMap((req) => (JSON.parse(req.body) as { labels: Record<string, string> }[]).map((a) => a.labels));

const target = (r: WebhookReceiver, prefix = ''): string => `{static_configs: [{targets: ['127.0.0.1:${r.port}']}], path_prefix: '${prefix}'`;

describe('Notifier → Alertmanager API', () => {
  it('external labels are added where missing, then alert_relabel_configs run (TestExternalLabels)', async () => {
    const r = await receiver();
    const n = notifier(`
global: {external_labels: {a: b}}
alerting:
  alert_relabel_configs: [{source_labels: [alertname], target_label: a, action: replace, regex: externalrelabelthis, replacement: c}]
  alertmanagers: [${target(r, '/')}}]
`);
    n.send([alert({ alertname: 'test' })]);
    n.send([alert({ alertname: 'externalrelabelthis' })]);
    await r.waitFor((rs) => labelsOf({ received: rs }).length === 2);
    expect(labelsOf(r)).toEqual([
      { alertname: 'test', a: 'b' },
      { alertname: 'externalrelabelthis', a: 'c' },
    ]);
    expect(r.received[0]?.path).toBe('/api/v2/alerts');
    expect(r.received[0]?.method).toBe('POST');
    expect(r.received[0]?.headers['content-type']).toBe('application/json');
  });

  it('drop and rename by relabelling (TestHandlerRelabel)', async () => {
    const r = await receiver();
    const n = notifier(`
alerting:
  alert_relabel_configs:
    - {source_labels: [alertname], action: drop, regex: drop}
    - {source_labels: [alertname], target_label: alertname, action: replace, regex: rename, replacement: renamed}
  alertmanagers: [${target(r)}}]
`);
    n.send([alert({ alertname: 'drop' })]);
    n.send([alert({ alertname: 'rename' })]);
    await r.waitFor((rs) => rs.length >= 1);
    await new Promise((res) => setTimeout(res, 100));
    expect(labelsOf(r)).toEqual([{ alertname: 'renamed' }]);
  });

  it('per-entry alert_relabel_configs apply to that entry only (TestHandlerSendAllRemapPerAm, TestAlerstRelabelingIsIsolated)', async () => {
    const [r1, r2, r3] = [await receiver(), await receiver(), await receiver()];
    const n = notifier(`
alerting:
  alertmanagers:
    - ${target(r1)}, alert_relabel_configs: [{source_labels: [alertname], regex: '(.*)', target_label: parasite, action: replace, replacement: 'yes'}]}
    - ${target(r2)}, alert_relabel_configs: [{source_labels: [alertnamedrop], action: drop, regex: '.+'}]}
    - ${target(r3)}}
`);
    n.send([alert({ alertname: 'test' }), alert({ alertname: 'test', alertnamedrop: '1' })]);
    await r1.waitFor((rs) => rs.length >= 1);
    await r2.waitFor((rs) => rs.length >= 1);
    await r3.waitFor((rs) => rs.length >= 1);
    expect(labelsOf(r1)).toEqual([
      { alertname: 'test', parasite: 'yes' },
      { alertname: 'test', alertnamedrop: '1', parasite: 'yes' },
    ]);
    expect(labelsOf(r2)).toEqual([{ alertname: 'test' }]);
    expect(labelsOf(r3)).toEqual([{ alertname: 'test' }, { alertname: 'test', alertnamedrop: '1' }]);
  });

  it('path_prefix, basic auth and extra headers reach the request', async () => {
    const r = await receiver();
    const n = notifier(`
alerting:
  alertmanagers:
    - ${target(r, '/am/')}, basic_auth: {username: u, password: p}, headers: {X-Scope-OrgID: team-a}}
`);
    n.send([alert({ alertname: 'x' })]);
    await r.waitFor((rs) => rs.length >= 1);
    const req = r.received[0];
    expect(req?.path).toBe('/am/api/v2/alerts');
    expect(req?.headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(req?.headers['x-scope-orgid']).toBe('team-a');
  });

  it('the body: annotations, startsAt, endsAt (RFC 3339 ms), generatorURL, labels; empty ones left out', async () => {
    const r = await receiver();
    const n = notifier(`alerting: {alertmanagers: [${target(r)}}]}`);
    const endsAtMs = Date.UTC(2099, 0, 2, 3, 4, 5, 6);
    n.send([
      { labels: { alertname: 'test', severity: 'critical' }, annotations: { summary: 'Test alert' }, startsAtMs: Date.UTC(2026, 0, 2, 3, 4, 5, 0), endsAtMs, generatorURL: 'http://prometheus:9090/graph' },
      { labels: { alertname: 'bare' }, annotations: {}, startsAtMs: 0, endsAtMs, generatorURL: '' },
    ]);
    await r.waitFor((rs) => rs.length >= 1);
    expect(JSON.parse(r.received[0]?.body ?? '')).toEqual([
      {
        annotations: { summary: 'Test alert' },
        endsAt: '2099-01-02T03:04:05.006Z',
        startsAt: '2026-01-02T03:04:05.000Z',
        generatorURL: 'http://prometheus:9090/graph',
        labels: { alertname: 'test', severity: 'critical' },
      },
      { endsAt: '2099-01-02T03:04:05.006Z', startsAt: '1970-01-01T00:00:00.000Z', labels: { alertname: 'bare' } },
    ]);
  });

  it('counts sent alerts per destination', async () => {
    const r = await receiver();
    const self = new SelfMetrics({ processMetrics: false });
    const n = notifier(`alerting: {alertmanagers: [${target(r)}}]}`, self);
    n.send([alert({ alertname: 'a' }), alert({ alertname: 'b' })]);
    await r.waitFor((rs) => rs.length >= 1);
    await new Promise((res) => setTimeout(res, 50));
    const text = await self.registry.metrics();
    expect(text).toContain(`flink_bridge_notifications_sent_total{destination="http://127.0.0.1:${r.port}/api/v2/alerts"} 2`);
    expect(text).toContain('flink_bridge_notifications_queue_capacity 10000');
    expect(text).toContain('flink_bridge_notifications_alertmanagers_discovered 1');
  });

  it('a server that never answers: the timeout makes it a retry, other destinations are not held up', async () => {
    const good = await receiver();
    const { createServer } = await import('node:http');
    const hanging = createServer(() => undefined);
    await new Promise<void>((res) => hanging.listen(0, '127.0.0.1', () => res()));
    cleanups.push(
      () =>
        new Promise<void>((res) => {
          hanging.closeAllConnections();
          hanging.close(() => res());
        }),
    );
    const port = (hanging.address() as { port: number }).port;
    const self = new SelfMetrics({ processMetrics: false });
    const n = notifier(`
alerting:
  min_backoff: 10ms
  max_backoff: 50ms
  alertmanagers:
    - {static_configs: [{targets: ['127.0.0.1:${port}']}], timeout: 100ms}
    - ${target(good)}}
`, self);
    n.send([alert({ alertname: 'a' })]);
    await good.waitFor((rs) => rs.length >= 1, 1000);
    await new Promise((res) => setTimeout(res, 400));
    const text = await self.registry.metrics();
    expect(text).toMatch(new RegExp(`flink_bridge_notifications_errors_total\\{destination="http://127.0.0.1:${port}/api/v2/alerts"\\} [2-9]`));
  });
});

describe('Notifier → webhook', () => {
  it('POSTs the v4 payload with external labels and relabelling applied, one per alertname, and the resolution', async () => {
    const r = await receiver();
    const n = notifier(`
global: {external_labels: {site: eu1}}
alerting:
  alert_relabel_configs: [{action: labeldrop, regex: tmp}]
  webhooks: [{url: '${r.url}?token=secret', name: oncall}]
`);
    const endsAtMs = Date.now() + 600_000;
    n.send([
      { labels: { alertname: 'A', tmp: 'x', id: '1' }, annotations: {}, startsAtMs: 1_000, endsAtMs, generatorURL: 'http://g' },
      { labels: { alertname: 'B', id: '1' }, annotations: {}, startsAtMs: 1_000, endsAtMs, generatorURL: 'http://g' },
    ]);
    await r.waitFor((rs) => rs.length === 2);
    const msgs = r.received.map((q) => JSON.parse(q.body) as { groupKey: string; receiver: string; status: string; alerts: { labels: Record<string, string> }[] });
    expect(msgs.map((m) => [m.groupKey, m.receiver, m.status, m.alerts.map((a) => a.labels)])).toEqual([
      ['{}:{alertname="A"}', 'oncall', 'firing', [{ alertname: 'A', id: '1', site: 'eu1' }]],
      ['{}:{alertname="B"}', 'oncall', 'firing', [{ alertname: 'B', id: '1', site: 'eu1' }]],
    ]);
    expect(r.received[0]?.path).toBe('/hook?token=secret');
    n.send([{ labels: { alertname: 'A', tmp: 'x', id: '1' }, annotations: {}, startsAtMs: 1_000, endsAtMs: Date.now() - 1, generatorURL: 'http://g' }]);
    await r.waitFor((rs) => rs.length === 3);
    expect((JSON.parse(r.received[2]?.body ?? '') as { status: string }).status).toBe('resolved');
  });

  it('a webhook answering 500 is retried until it answers 200; a 4xx is not retried', async () => {
    const r = await receiver();
    r.respondWith(500);
    const self = new SelfMetrics({ processMetrics: false });
    const n = notifier(`alerting: {min_backoff: 10ms, max_backoff: 20ms, webhooks: [{url: '${r.url}', name: w}]}`, self);
    n.send([alert({ alertname: 'A' })]);
    await r.waitFor((rs) => rs.length >= 3);
    r.respondWith(200);
    const before = r.received.length;
    await r.waitFor((rs) => rs.length > before);
    await new Promise((res) => setTimeout(res, 100));
    const text = await self.registry.metrics();
    expect(text).toContain('flink_bridge_notifications_sent_total{destination="webhook:w"} 1');
    expect(r.received.length).toBe(before + 1);
    r.respondWith(400);
    n.send([alert({ alertname: 'B' })]);
    await r.waitFor((rs) => rs.length === before + 2);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.received.length).toBe(before + 2);
    expect(await self.registry.metrics()).toContain('flink_bridge_notifications_dropped_total{destination="webhook:w",reason="rejected"} 1');
  });
});

describe('Notifier.stop', () => {
  it('delivers what was queued before it returns, then ignores new alerts', async () => {
    const r = await receiver();
    const c = parseConfig(`alerting: {notification_batch_size: 1, alertmanagers: [${target(r)}}]}`, 'config.yml');
    const n = new Notifier({ config: c.alerting, externalLabels: {}, externalURL: '', logger: nullLogger });
    n.start();
    n.send([alert({ alertname: 'a' }), alert({ alertname: 'b' }), alert({ alertname: 'c' })]);
    await n.stop(2000);
    expect(labelsOf(r).map((l) => l['alertname'])).toEqual(['a', 'b', 'c']);
    n.send([alert({ alertname: 'd' })]);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.received).toHaveLength(3);
  });
});
