import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployFiles } from '../../../deploy/files.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

describe('deploy/: generated Kubernetes objects', () => {
  it('the committed files are what deploy/generate.ts generates (run npm run deploy:generate)', () => {
    for (const [path, text] of deployFiles()) expect(read(path), path).toBe(text);
  });

  it('the PrometheusRule holds exactly the rule groups of rules/*.yml', () => {
    const rule = parse(read('deploy/kubernetes/prometheus-operator/prometheusrule.yaml')) as { kind: string; spec: { groups: unknown[] } };
    expect(rule.kind).toBe('PrometheusRule');
    const files = readdirSync(new URL('rules/', ROOT)).filter((f) => f.endsWith('.yml')).sort();
    expect(files).toEqual(['flink-alerts.yml', 'flink-recording.yml']);
    const groups = files.flatMap((f) => (parse(read(`rules/${f}`)) as { groups: unknown[] }).groups);
    expect(groups.length).toBeGreaterThan(3);
    expect(rule.spec.groups).toEqual(groups);
  });

  it('the dashboards ConfigMap holds every grafana/dashboards/*.json byte for byte, labelled for the Grafana sidecar', () => {
    const cm = parse(read('deploy/kubernetes/prometheus-operator/grafana-dashboards-configmap.yaml')) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    expect(cm.metadata.labels['grafana_dashboard']).toBe('1');
    const files = readdirSync(new URL('grafana/dashboards/', ROOT)).filter((f) => f.endsWith('.json')).sort();
    expect(Object.keys(cm.data).sort()).toEqual(files);
    for (const f of files) expect(cm.data[f], f).toBe(read(`grafana/dashboards/${f}`));
  });

  it('the Helm chart carries the same rule files and dashboards', () => {
    for (const f of ['flink-alerts.yml', 'flink-recording.yml']) expect(read(`deploy/helm/flink-prometheus-bridge/files/rules/${f}`)).toBe(read(`rules/${f}`));
    for (const f of readdirSync(new URL('grafana/dashboards/', ROOT))) expect(read(`deploy/helm/flink-prometheus-bridge/files/dashboards/${f}`)).toBe(read(`grafana/dashboards/${f}`));
  });
});
