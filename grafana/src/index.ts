import { cluster } from './cluster.js';
import { job } from './job.js';
import type { DashboardSpec } from './panels.js';
import { sidecar } from './sidecar.js';
import { taskmanager } from './taskmanager.js';
import { vertex } from './vertex.js';

/** Every dashboard shipped in grafana/dashboards/, in the order grafana/README.md lists them. */
export const DASHBOARDS: readonly DashboardSpec[] = [cluster, job, vertex, taskmanager, sidecar];

export { buildDashboard, type DashboardSpec, type PanelSpec } from './panels.js';
