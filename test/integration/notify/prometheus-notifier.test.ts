/**
 * The notifier against Prometheus's own notifier (2.42 and 3.16): a real Prometheus evaluates an always-firing rule
 * and POSTs it to a fake Alertmanager; the same alert, as the rule evaluator hands it over (rule labels and
 * annotations; startsAt, endsAt and generatorURL taken from Prometheus's request, as the evaluator computes them),
 * goes through our notifier with the same `global.external_labels` and `alerting` keys. The requests must be equal:
 * path (path_prefix), Content-Type, and the body byte for byte after JSON parsing, time strings included — which
 * checks external-label precedence, alert relabelling and the body's shape against the real tool.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { nullLogger } from '../../../src/log/logger.js';
import { Notifier } from '../../../src/notify/notifier.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/alertmanager.js';
import { prometheusPeers, reportUnavailablePeer, startPrometheus } from '../../support/prometheus.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const RULES = `groups:
  - name: notify
    rules:
      - alert: AlwaysFiring
        expr: vector(42)
        labels: {severity: page, tmp: drop-me}
        annotations: {summary: 'value={{ $value }}', description: 'site {{ $externalLabels.site }}'}
`;

/** The `global`/`alerting` keys both configs share (our config file takes Prometheus's keys here). */
function sharedYaml(port: number): string {
  return `global:
  external_labels: {site: eu1, severity: from-external}
alerting:
  alert_relabel_configs:
    - {action: labeldrop, regex: tmp}
    - {source_labels: [alertname], target_label: team, replacement: flink-$1}
  alertmanagers:
    - static_configs: [{targets: ['127.0.0.1:${port}']}]
      path_prefix: /am/
      timeout: 5s
`;
}

interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

describe.each(prometheusPeers())('Prometheus $line notifier', (lookup) => {
  if (!lookup.ok) {
    reportUnavailablePeer(lookup);
    return;
  }
  const peer = lookup.peer;

  it('sends what Prometheus sends for the same alert: path, Content-Type, body (external labels, relabelling, times)', async () => {
    const fromPrometheus = await startWebhookReceiver();
    cleanups.push(() => fromPrometheus.close());
    const dir = await mkdtemp(join(tmpdir(), 'fpb-notify-rules-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const rules = join(dir, 'rules.yml');
    await writeFile(rules, RULES);
    const prom = await startPrometheus({
      bin: peer.prometheus,
      configYaml: `${sharedYaml(fromPrometheus.port).replace('global:\n', 'global:\n  evaluation_interval: 1s\n')}rule_files: [${JSON.stringify(rules)}]\n`,
      args: ['--rules.alert.resend-delay=1s', '--web.external-url=http://prometheus.example:9090/'],
    });
    cleanups.push(() => prom.stop());
    await fromPrometheus.waitFor((rs) => rs.some((r) => r.path.endsWith('/api/v2/alerts')), 60_000);
    const theirs = fromPrometheus.received.find((r) => r.path.endsWith('/api/v2/alerts'));
    if (!theirs) throw new Error('no POST from Prometheus');
    const theirBody = JSON.parse(theirs.body) as PostedAlert[];
    expect(theirBody).toHaveLength(1);
    const t = theirBody[0] as PostedAlert;

    const toUs = await startWebhookReceiver();
    cleanups.push(() => toUs.close());
    const config = parseConfig(sharedYaml(toUs.port), 'config.yml');
    const n = new Notifier({ config: config.alerting, externalLabels: config.global.externalLabels, externalURL: 'http://prometheus.example:9090', logger: nullLogger });
    n.start();
    cleanups.push(() => n.stop(500));
    // The alert as the evaluator produces it (rules/alerting.go): rule labels + alertname, expanded annotations.
    n.send([
      {
        labels: { alertname: 'AlwaysFiring', severity: 'page', tmp: 'drop-me' },
        annotations: { summary: 'value=42', description: 'site eu1' },
        startsAtMs: Date.parse(t.startsAt),
        endsAtMs: Date.parse(t.endsAt),
        generatorURL: t.generatorURL ?? '',
      },
    ]);
    await toUs.waitFor((rs) => rs.length >= 1);
    const ours = toUs.received[0];
    expect(ours?.path).toBe(theirs.path);
    expect(ours?.headers['content-type']).toBe(theirs.headers['content-type']);
    expect(JSON.parse(ours?.body ?? '')).toEqual(theirBody);
    // the facts the comparison rests on, spelled out
    expect(t.labels).toEqual({ alertname: 'AlwaysFiring', severity: 'page', site: 'eu1', team: 'flink-AlwaysFiring' });
  });
});
