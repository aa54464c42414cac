/**
 * Alert template expansion: expansions per second of typical annotation templates through the expander (parse
 * cached, as for every evaluation of a loaded rule), the cost of a first parse, and one `query` template (the
 * re-run path). Prints a table; asserts nothing about time.
 *
 *   npx tsx bench/run.ts templates            BENCH_TEMPLATE_RUNS=20000 to change the number of expansions
 */
import { performance } from 'node:perf_hooks';
import { createTemplateExpander } from '../src/rules/template/index.js';
import type { AlertTemplateData, TemplateEnv } from '../src/rules/types.js';

const RUNS = Number(process.env['BENCH_TEMPLATE_RUNS'] ?? 20000);

const TEMPLATES: Readonly<Record<string, string>> = {
  plain: 'Flink job is down',
  labels: 'Job {{ $labels.job_name }} ({{ $labels.job_id }}) on {{ $labels.instance }} restarted',
  humanize: 'Checkpoint of {{ $labels.job_name }} took {{ humanizeDuration $value }} ({{ $value | humanize }}s)',
  printf: '{{ printf "%.2f" $value }}% back-pressure on {{ $labels.task_name }}, subtask {{ $labels.subtask_index }}',
  control:
    '{{ if gt $value 0.8 }}critical{{ else if gt $value 0.5 }}warning{{ else }}ok{{ end }}: ' +
    '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}',
  query: '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
};

const data: AlertTemplateData = {
  labels: {
    job_id: 'f3a1c0de5b7e4a6f9d2c8b1a0e9f7d6c',
    job_name: 'orders-enrichment',
    task_name: 'Source: Kafka -> Map',
    subtask_index: '3',
    instance: 'taskmanager-1:9249',
  },
  externalLabels: { cluster: 'prod-eu' },
  externalURL: 'http://sidecar:9464',
  value: 0.8734,
};
const env: TemplateEnv = {
  evalTimeMs: 1_700_000_000_000,
  externalURL: 'http://sidecar:9464',
  query: async () => [{ labels: { __name__: 'up', job: 'flink' }, value: 1 }],
};

const expander = createTemplateExpander();
const rows: string[][] = [['template', 'first expand (µs)', 'expansions/s (cached parse)', 'µs/expansion']];
for (const [name, text] of Object.entries(TEMPLATES)) {
  const t0 = performance.now();
  await expander.expand(name, text, data, env);
  const first = (performance.now() - t0) * 1000;
  for (let i = 0; i < 1000; i++) await expander.expand(name, text, data, env);
  const t1 = performance.now();
  for (let i = 0; i < RUNS; i++) await expander.expand(name, text, data, env);
  const ms = performance.now() - t1;
  rows.push([name, first.toFixed(0), Math.round((RUNS / ms) * 1000).toLocaleString('en-US'), ((ms * 1000) / RUNS).toFixed(2)]);
}
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
