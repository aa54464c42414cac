/**
 * `npm run deploy:generate`: writes the generated deployment files (deploy/files.ts) — the PrometheusRule and the
 * dashboards ConfigMap from rules/ and grafana/dashboards/, and their copies inside the Helm chart. Run it after
 * changing rules/*.yml or the dashboards (after `npm run grafana:generate`); test/unit/deploy/ fails until then.
 */
import { fileURLToPath } from 'node:url';
import { writeIfChanged } from '../scripts/write-if-changed.js';
import { deployFiles } from './files.js';

writeIfChanged(fileURLToPath(new URL('..', import.meta.url)), deployFiles());
