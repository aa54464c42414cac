import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { alertmanagerPeers, reportUnavailableAlertmanager, startAlertmanager, type GettableAlert, type RunningAlertmanager } from '../support/alertmanager.js';
import { freePort } from '../support/prometheus.js';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';
import { eventually } from '../support/eventually.js';
import { flinkScript } from '../support/flink.js';

/**
 * The alerting loop end to end (issue 9 §5): a real Flink of FLINK_LINE with the demo job, the sidecar with the
 * bundled rules (rules/*.yml; only `for` shortened in a copy, the test override) and a real Alertmanager — 0.25
 * (Debian) next to Flink 1.20, 0.35 (built from the Go module proxy) next to Flink 2, so CI covers both:
 * - a killed TaskManager → the job alert fires at Alertmanager with its `flink_context` annotation; the TaskManager
 *   back → it resolves;
 * - a stopped JobManager → FlinkRestApiUnreachable fires; Alertmanager restarted with empty storage during it gets it
 *   again from the sidecar's resend; the JobManager back → it resolves;
 * - the sidecar restarted while FlinkRestApiUnreachable is pending → it keeps its activeAt and fires when it would
 *   have without the restart.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const LINE = process.env['FLINK_LINE'] ?? '2';
const REST_PORT = process.env['FLINK_REST_PORT'] ?? '18081';
const REST_URL = `http://127.0.0.1:${REST_PORT}`;
const EVAL_S = 2;
const FOR_S = 5;
const UNREACHABLE_FOR_S = 20;
const JOB_ALERTS = ['FlinkJobNotRunning', 'FlinkJobRestartLoop', 'FlinkJobWaitingForResources'];

const amLine = LINE === '1.20' ? '0.25' : '0.35';
const am = alertmanagerPeers().find((p) => p.line === amLine);

let flinkEnv: NodeJS.ProcessEnv = {};
let alertmanager: RunningAlertmanager | undefined;
let amPort = 0;
let sidecar: RunningSidecar | undefined;
let sidecarPort = 0;
let dir = '';
let configYaml = '';
let jobId = '';

async function flink(...args: string[]): Promise<string> {
  return flinkScript(flinkEnv, ...args);
}

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
}

async function sidecarAlerts(): Promise<ApiAlert[]> {
  const r = await fetch(`http://127.0.0.1:${sidecarPort}/api/v1/alerts`);
  const body = (await r.json()) as { data: { alerts: ApiAlert[] } };
  return body.data.alerts;
}

const activeAt = (alerts: readonly GettableAlert[], name: string) => alerts.find((a) => a.labels['alertname'] === name && a.status.state === 'active');

/** The bundled rules with every `for` shortened (FlinkRestApiUnreachable's to UNREACHABLE_FOR_S); nothing else changed. */
function overrideRules(): string {
  const doc = YAML.parse(readFileSync(join(ROOT, 'rules/flink-alerts.yml'), 'utf8')) as { groups: { rules: { alert?: string; for?: string }[] }[] };
  for (const g of doc.groups) for (const r of g.rules) if (r.for !== undefined) r.for = r.alert === 'FlinkRestApiUnreachable' ? `${UNREACHABLE_FOR_S}s` : `${FOR_S}s`;
  const file = join(dir, 'flink-alerts.override.yml');
  writeFileSync(file, YAML.stringify(doc));
  return file;
}

async function startOurSidecar(): Promise<RunningSidecar> {
  return startSidecar({ restUrl: REST_URL, configYaml, dir, port: sidecarPort, args: [`--storage.path=${join(dir, 'data')}`] });
}

if (am !== undefined && !am.ok) describe(`alerting end to end: Alertmanager ${amLine}`, () => reportUnavailableAlertmanager(am));
else describe(`alerting end to end: Flink ${LINE}, Alertmanager ${amLine}, the bundled rules`, () => {
  beforeAll(async () => {
    if (am === undefined || !am.ok) return;
    dir = mkdtempSync(join(tmpdir(), 'fpb-e2e-alerting-'));
    amPort = await freePort();
    alertmanager = await startAlertmanager({ bin: am.bin, configYaml: 'route:\n  receiver: none\nreceivers:\n  - name: none\n', port: amPort });
    sidecarPort = await freePort();
    configYaml = [
      'global:',
      `  poll_interval: ${EVAL_S}s`,
      `  evaluation_interval: ${EVAL_S}s`,
      'flink:',
      '  timeout: 2s',
      'rule_files:',
      `  - ${overrideRules()}`,
      `  - ${join(ROOT, 'rules/flink-recording.yml')}`,
      'alerting:',
      '  resend_delay: 3s',
      '  min_backoff: 200ms',
      '  max_backoff: 1s',
      '  alertmanagers:',
      `    - static_configs: [{targets: ['127.0.0.1:${amPort}']}]`,
      '',
    ].join('\n');
    flinkEnv = { ...process.env, FLINK_LINE: LINE, FLINK_REST_PORT: REST_PORT, FLINK_RESTART_DELAY: '2 s' };
    await flink('stop');
    await flink('start');
    jobId = await flink('submit-job', '--new');
    await flink('wait-running', jobId);
    sidecar = await startOurSidecar();
  });

  afterAll(async () => {
    if (sidecar) {
      const code = await sidecar.stop();
      if (code !== 0) console.error(sidecar.output());
    }
    await alertmanager?.stop();
    await flink('stop');
  });

  it('a killed TaskManager: the job alert reaches Alertmanager with the incident context; the TaskManager back, it resolves', async () => {
    await flink('stop-tm', '--kill');
    const fired = await eventually('a job alert with flink_context at Alertmanager', 120_000, async () =>
      (await alertmanager!.alerts()).find((a) => JOB_ALERTS.includes(a.labels['alertname'] ?? '') && a.labels['job_id'] === jobId && a.status.state === 'active' && a.annotations['flink_context'] !== undefined),
    );
    const context = fired.annotations['flink_context'] ?? '';
    expect(context).toMatch(/\d+ restarts? in the last hour\./);
    expect(context).toMatch(/Last exception \S+: .+/); // the lost TaskManager's root exception
    expect(fired.generatorURL).toMatch(/\/graph\?g0\.expr=/);
    expect(fired.labels['severity']).toBeDefined();
    const name = fired.labels['alertname'] ?? '';

    await flink('start-tm');
    await flink('wait-running', jobId);
    await eventually(`${name} resolved in the sidecar and at Alertmanager`, 120_000, async () => {
      if ((await sidecarAlerts()).some((a) => a.labels['alertname'] === name && a.labels['job_id'] === jobId && a.state !== 'inactive')) return false;
      const a = (await alertmanager!.alerts()).filter((x) => x.labels['alertname'] === name && x.labels['job_id'] === jobId);
      return a.every((x) => x.status.state !== 'active');
    });
  });

  it('a stopped JobManager: FlinkRestApiUnreachable fires; a restarted Alertmanager gets it again; the JobManager back, it resolves', async () => {
    await flink('stop-jm');
    await eventually('FlinkRestApiUnreachable at Alertmanager', UNREACHABLE_FOR_S * 1000 + 60_000, async () => activeAt(await alertmanager!.alerts(), 'FlinkRestApiUnreachable'));

    // Alertmanager loses everything (new storage) while the alert fires: the sidecar's resend brings it back.
    await alertmanager!.stop();
    alertmanager = await startAlertmanager({ bin: am!.ok ? am!.bin : '', configYaml: 'route:\n  receiver: none\nreceivers:\n  - name: none\n', port: amPort });
    expect(activeAt(await alertmanager.alerts(), 'FlinkRestApiUnreachable')).toBeUndefined();
    await eventually('FlinkRestApiUnreachable at the restarted Alertmanager', 30_000, async () => activeAt(await alertmanager!.alerts(), 'FlinkRestApiUnreachable'));

    await flink('start-jm');
    // Resolved in the sidecar, and Alertmanager (whose API lists unresolved alerts only) has no active one left.
    await eventually('FlinkRestApiUnreachable resolved', 120_000, async () => {
      if ((await sidecarAlerts()).some((a) => a.labels['alertname'] === 'FlinkRestApiUnreachable')) return false;
      return activeAt(await alertmanager!.alerts(), 'FlinkRestApiUnreachable') === undefined;
    });
  });

  it('the sidecar restarted while FlinkRestApiUnreachable is pending: it fires when it would have without the restart', async () => {
    await flink('stop-jm');
    const pending = await eventually('FlinkRestApiUnreachable pending in the sidecar', 60_000, async () =>
      (await sidecarAlerts()).find((a) => a.labels['alertname'] === 'FlinkRestApiUnreachable' && a.state === 'pending'),
    );
    const since = Date.parse(pending.activeAt);
    expect(Date.now() - since).toBeLessThan(UNREACHABLE_FOR_S * 1000 - 8000); // room for the restart before it is due

    expect(await sidecar!.stop()).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    sidecar = await startOurSidecar();

    const firing = await eventually('FlinkRestApiUnreachable firing after the restart', UNREACHABLE_FOR_S * 1000 + 30_000, async () =>
      (await sidecarAlerts()).find((a) => a.labels['alertname'] === 'FlinkRestApiUnreachable' && a.state === 'firing'),
    );
    const firedAt = Date.now();
    expect(Date.parse(firing.activeAt)).toBe(since); // the pending time before the restart counts
    // Due at since + for; observed within two evaluation intervals plus the restart's first evaluations after that.
    expect(firedAt).toBeGreaterThanOrEqual(since + UNREACHABLE_FOR_S * 1000);
    expect(firedAt).toBeLessThan(since + UNREACHABLE_FOR_S * 1000 + 4 * EVAL_S * 1000 + 2000);
    await eventually('FlinkRestApiUnreachable at Alertmanager', 30_000, async () => activeAt(await alertmanager!.alerts(), 'FlinkRestApiUnreachable'));
    await flink('start-jm');
  });
});
