import { type DashboardSpec, datasourceVariable } from './panels.js';

/** Cluster overview: is Flink up, how much capacity, which jobs in which state, what is alerting. */
export const cluster: DashboardSpec = {
  uid: 'fpb-cluster',
  title: 'Flink / Cluster overview',
  description: 'A Flink cluster at a glance, from flink-prometheus-bridge: JobManager reachable, TaskManagers, slots, jobs by state, alerts.',
  tags: ['flink', 'flink-prometheus-bridge'],
  variables: [datasourceVariable()],
  rows: [
    {
      title: 'Cluster',
      panels: [
        {
          kind: 'stat',
          title: 'Flink REST API',
          description: 'flink_up: 1 when any endpoint of the JobManager REST API answered in the last poll, 0 when none did.',
          unit: 'none',
          queries: [{ expr: 'flink_up' }],
          thresholds: ['red', [1, 'green']],
          mappings: [
            { value: '0', text: 'DOWN', colour: 'red' },
            { value: '1', text: 'UP', colour: 'green' },
          ],
        },
        {
          kind: 'stat',
          title: 'TaskManagers',
          description: 'flink_cluster_taskmanagers: TaskManagers registered with the ResourceManager.',
          unit: 'none',
          queries: [{ expr: 'flink_cluster_taskmanagers' }],
          thresholds: ['red', [1, 'green']],
        },
        {
          kind: 'stat',
          title: 'Slots total',
          description: 'flink_cluster_slots{state="total"}: task slots of all TaskManagers.',
          unit: 'none',
          queries: [{ expr: 'flink_cluster_slots{state="total"}' }],
          thresholds: ['red', [1, 'green']],
        },
        {
          kind: 'stat',
          title: 'Slots available',
          description: 'flink_cluster_slots{state="available"}: free task slots. 0 means a new or restarting job waits for resources.',
          unit: 'none',
          queries: [{ expr: 'flink_cluster_slots{state="available"}' }],
          thresholds: ['orange', [1, 'green']],
        },
        {
          kind: 'stat',
          title: 'Running jobs',
          description: 'Jobs whose current state is RUNNING: sum of flink_job_state{state="RUNNING"} (1 for the current state of each job).',
          unit: 'none',
          queries: [{ expr: 'sum(flink_job_state{state="RUNNING"})' }],
          thresholds: ['orange', [1, 'green']],
        },
        {
          kind: 'stat',
          title: 'Alerts firing',
          description: 'Firing alerts (ALERTS{alertstate="firing"}) of the rules the sidecar evaluates (rule_files, e.g. the bundled rules/).',
          unit: 'none',
          queries: [{ expr: 'count(ALERTS{alertstate="firing"})' }],
          thresholds: ['green', [1, 'red']],
        },
      ],
    },
    {
      title: 'Jobs and capacity',
      panels: [
        {
          kind: 'timeseries',
          title: 'Jobs by state',
          description: 'flink_cluster_jobs: jobs Flink lists by JobStatus (finished ones until the job store expires them).',
          unit: 'none',
          queries: [{ expr: 'flink_cluster_jobs > 0', legend: '{{state}}' }],
          stack: true,
          min: 0,
        },
        {
          kind: 'timeseries',
          title: 'Task slots',
          description: 'flink_cluster_slots by state: total and available slots of the cluster.',
          unit: 'none',
          queries: [{ expr: 'flink_cluster_slots', legend: '{{state}}' }],
          min: 0,
        },
        {
          kind: 'timeseries',
          title: 'Alerts',
          description: 'Pending and firing alerts by name: count of ALERTS series.',
          unit: 'none',
          queries: [{ expr: 'count by (alertname, alertstate) (ALERTS)', legend: '{{alertname}} ({{alertstate}})' }],
          min: 0,
        },
        {
          kind: 'timeseries',
          title: 'Job restarts',
          description: 'Restarts per job within each interval: increase of flink_job_restarts_total (Flink numRestarts).',
          unit: 'none',
          queries: [{ expr: 'increase(flink_job_restarts_total[$__rate_interval])', legend: '{{job_name}}' }],
          thresholds: ['green', [1, 'red']],
          min: 0,
        },
      ],
    },
    {
      title: 'Processes',
      panels: [
        {
          kind: 'timeseries',
          title: 'JobManager heap',
          description: 'flink_jobmanager_heap_used_bytes and flink_jobmanager_heap_max_bytes: JVM heap of the JobManager.',
          unit: 'bytes',
          queries: [
            { expr: 'flink_jobmanager_heap_used_bytes', legend: 'used' },
            { expr: 'flink_jobmanager_heap_max_bytes', legend: 'max' },
          ],
          min: 0,
        },
        {
          kind: 'timeseries',
          title: 'TaskManager heap used',
          description: 'Heap used over heap max per TaskManager (flink_taskmanager_heap_used_bytes / flink_taskmanager_heap_max_bytes).',
          unit: 'percentunit',
          queries: [{ expr: 'flink_taskmanager_heap_used_bytes / flink_taskmanager_heap_max_bytes', legend: '{{tm_id}}' }],
          thresholds: ['green', [0.8, 'orange'], [0.95, 'red']],
          min: 0,
          max: 1,
        },
      ],
    },
  ],
};
