import { type DashboardSpec, datasourceVariable, labelValuesVariable } from './panels.js';

const T = 'tm_id=~"$tm"';

/** TaskManager JVMs: heap, GC, CPU, network memory, heartbeats, slots. */
export const taskmanager: DashboardSpec = {
  uid: 'fpb-taskmanager',
  title: 'Flink / TaskManager',
  description: 'Flink TaskManagers from flink-prometheus-bridge: heap, garbage collection, CPU, network memory, heartbeat age and slots.',
  tags: ['flink', 'flink-prometheus-bridge'],
  variables: [datasourceVariable(), labelValuesVariable('tm', 'TaskManager', 'label_values(flink_taskmanager_heap_used_bytes, tm_id)', true)],
  rows: [
    {
      title: 'JVM',
      panels: [
        {
          kind: 'timeseries',
          title: 'Heap used',
          description: 'flink_taskmanager_heap_used_bytes against flink_taskmanager_heap_max_bytes.',
          unit: 'bytes',
          queries: [
            { expr: `flink_taskmanager_heap_used_bytes{${T}}`, legend: '{{tm_id}} used' },
            { expr: `flink_taskmanager_heap_max_bytes{${T}}`, legend: '{{tm_id}} max' },
          ],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Time in garbage collection',
          description: 'Fraction of wall time spent in GC, all collectors: sum of rate(flink_taskmanager_gc_time_seconds_total) — normalised, so TaskManagers of any size compare.',
          unit: 'percentunit',
          queries: [{ expr: `sum by (tm_id) (rate(flink_taskmanager_gc_time_seconds_total{${T}}[$__rate_interval]))`, legend: '{{tm_id}}' }],
          thresholds: ['green', [0.1, 'orange'], [0.25, 'red']],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Garbage collections per second',
          description: 'rate(flink_taskmanager_gc_collections_total) by collector.',
          unit: 'ops',
          queries: [{ expr: `rate(flink_taskmanager_gc_collections_total{${T}}[$__rate_interval])`, legend: '{{tm_id}} {{collector}}' }],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'CPU load',
          description: 'flink_taskmanager_cpu_load_ratio: recent CPU load of the TaskManager process, 0–1 (Status.JVM.CPU.Load).',
          unit: 'percentunit',
          queries: [{ expr: `flink_taskmanager_cpu_load_ratio{${T}}`, legend: '{{tm_id}}' }],
          min: 0,
          max: 1,
          w: 8,
        },
      ],
    },
    {
      title: 'Network and cluster membership',
      panels: [
        {
          kind: 'timeseries',
          title: 'Network memory',
          description: 'flink_taskmanager_network_memory_used_bytes against flink_taskmanager_network_memory_total_bytes (shuffle buffers).',
          unit: 'bytes',
          queries: [
            { expr: `flink_taskmanager_network_memory_used_bytes{${T}}`, legend: '{{tm_id}} used' },
            { expr: `flink_taskmanager_network_memory_total_bytes{${T}}`, legend: '{{tm_id}} total' },
          ],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Heartbeat age',
          description: 'flink_taskmanager_heartbeat_age_seconds: time since the ResourceManager last heard from the TaskManager (Flink declares it lost after heartbeat.timeout, 50 s by default).',
          unit: 's',
          queries: [{ expr: `flink_taskmanager_heartbeat_age_seconds{${T}}`, legend: '{{tm_id}}' }],
          thresholds: ['green', [20, 'orange'], [40, 'red']],
          min: 0,
          w: 8,
        },
        {
          kind: 'timeseries',
          title: 'Slots',
          description: 'flink_taskmanager_slots by state (total, free).',
          unit: 'none',
          queries: [{ expr: `flink_taskmanager_slots{${T}}`, legend: '{{tm_id}} {{state}}' }],
          min: 0,
          w: 8,
        },
      ],
    },
  ],
};
