import { type DashboardSpec, datasourceVariable, FLINK_COLOURS, labelValuesVariable, type PanelSpec } from './panels.js';

const V = 'job_name=~"$job", task_name=~"$vertex"';
const W = `${V}, window="$window"`;

/** A ratio panel in 0–1 with Flink's web UI colour for the quantity. */
function ratio(title: string, description: string, expr: string, colour: string): PanelSpec {
  return { kind: 'timeseries', title, description, unit: 'percentunit', queries: [{ expr, legend: '{{task_name}}' }], min: 0, max: 1, colour, w: 8, thresholds: ['green', [0.8, 'red']] };
}

/** Vertices (Flink's REST "vertex", the reporter's "task") and their operators. */
export const vertex: DashboardSpec = {
  uid: 'fpb-vertex',
  title: 'Flink / Vertex and operator detail',
  description: 'Vertices of a Flink job from flink-prometheus-bridge: records in and out, busy / back-pressured / idle ratios (average and busiest subtask), buffer pools, watermark lag, and per-operator series from the reporter pushes.',
  tags: ['flink', 'flink-prometheus-bridge'],
  variables: [
    datasourceVariable(),
    labelValuesVariable('job', 'Job', 'label_values(flink_task_info, job_name)', false),
    labelValuesVariable('vertex', 'Vertex', 'label_values(flink_task_info{job_name=~"$job"}, task_name)', true),
    labelValuesVariable('window', 'Window', 'label_values(flink_task_records_in_per_second, window)', false),
  ],
  rows: [
    {
      title: 'Records',
      panels: [
        {
          kind: 'timeseries',
          title: 'Records in per second',
          description: 'flink_task_records_in_per_second{window}: records received by the vertex per second over the window, from the REST read-records counter summed over subtasks.',
          unit: 'suffix: rec/s',
          queries: [{ expr: `flink_task_records_in_per_second{${W}}`, legend: '{{task_name}}' }],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Records out per second',
          description: 'flink_task_records_out_per_second{window}: records emitted by the vertex per second over the window.',
          unit: 'suffix: rec/s',
          queries: [{ expr: `flink_task_records_out_per_second{${W}}`, legend: '{{task_name}}' }],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Bytes in and out per second',
          description: 'rate() of flink_task_bytes_in_total / flink_task_bytes_out_total (REST read-bytes / write-bytes summed over subtasks).',
          unit: 'Bps',
          queries: [
            { expr: `rate(flink_task_bytes_in_total{${V}}[$__rate_interval])`, legend: '{{task_name}} in' },
            { expr: `rate(flink_task_bytes_out_total{${V}}[$__rate_interval])`, legend: '{{task_name}} out' },
          ],
          min: 0,
          w: 8,
        },
      ],
    },
    {
      title: 'Busy, back-pressured, idle',
      panels: [
        ratio('Busy (average over subtasks)', 'flink_task_busy_ratio{window}: windowed rate of the accumulated busy time over the parallelism, 0–1. Flink web UI colour for busy.', `flink_task_busy_ratio{${W}}`, FLINK_COLOURS.busy),
        ratio('Back-pressured (average over subtasks)', 'flink_task_backpressured_ratio{window}: windowed rate of the accumulated back-pressured time over the parallelism, 0–1. Flink web UI colour for back-pressure.', `flink_task_backpressured_ratio{${W}}`, FLINK_COLOURS.backPressured),
        ratio('Idle (average over subtasks)', 'flink_task_idle_ratio{window}: windowed rate of the accumulated idle time over the parallelism, 0–1.', `flink_task_idle_ratio{${W}}`, FLINK_COLOURS.idle),
        ratio('Busy (busiest subtask)', 'flink_task_busy_max_ratio: max over subtasks of Flink busyTimeMsPerSecond / 1000 (Flink smooths it over ~60 s). A skewed key shows here first.', `flink_task_busy_max_ratio{${V}}`, FLINK_COLOURS.busy),
        ratio('Back-pressured (most back-pressured subtask)', 'flink_task_backpressured_max_ratio: max over subtasks of backPressuredTimeMsPerSecond / 1000.', `flink_task_backpressured_max_ratio{${V}}`, FLINK_COLOURS.backPressured),
        ratio('Idle (idlest subtask)', 'flink_task_idle_max_ratio: max over subtasks of idleTimeMsPerSecond / 1000.', `flink_task_idle_max_ratio{${V}}`, FLINK_COLOURS.idle),
      ],
    },
    {
      title: 'Buffers, watermarks, parallelism',
      panels: [
        {
          kind: 'timeseries',
          title: 'Buffer pool usage',
          description: 'flink_task_input_pool_usage_ratio / flink_task_output_pool_usage_ratio: largest network buffer pool usage over the subtasks (output can exceed 1 with overdraft buffers). A full output pool means back-pressure from downstream.',
          unit: 'percentunit',
          queries: [
            { expr: `flink_task_input_pool_usage_ratio{${V}}`, legend: '{{task_name}} in' },
            { expr: `flink_task_output_pool_usage_ratio{${V}}`, legend: '{{task_name}} out' },
          ],
          thresholds: ['green', [0.9, 'red']],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Watermark lag',
          description: 'flink_task_watermark_lag_seconds: poll time minus the smallest current input watermark over the subtasks of the vertex.',
          unit: 's',
          queries: [{ expr: `flink_task_watermark_lag_seconds{${V}}`, legend: '{{task_name}}' }],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Parallelism',
          description: 'flink_task_parallelism: parallelism of the vertex (rescales show as steps).',
          unit: 'none',
          queries: [{ expr: `flink_task_parallelism{${V}}`, legend: '{{task_name}}' }],
          min: 0,
          w: 8,
        },
      ],
    },
    {
      title: 'Operators (reporter pushes)',
      panels: [
        {
          kind: 'timeseries',
          title: 'Operator records in per second',
          description: 'flink_operator_records_in_per_second{window}: records received by each operator of the vertex per second, from the pushed numRecordsIn counters of its subtasks (needs the PushGateway reporter).',
          unit: 'suffix: rec/s',
          queries: [{ expr: `flink_operator_records_in_per_second{${W}}`, legend: '{{task_name}} / {{operator_name}}' }],
          min: 0,
        },
        {
          kind: 'timeseries',
          title: 'Operator records out per second',
          description: 'flink_operator_records_out_per_second{window}: records emitted by each operator of the vertex per second, from the pushed numRecordsOut counters.',
          unit: 'suffix: rec/s',
          queries: [{ expr: `flink_operator_records_out_per_second{${W}}`, legend: '{{task_name}} / {{operator_name}}' }],
          min: 0,
        },
      ],
    },
  ],
};
