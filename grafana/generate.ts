/**
 * `npm run grafana:generate`: writes grafana/dashboards/<uid>.json (Grafana dashboard JSON from the specs in
 * grafana/src/, built with @grafana/grafana-foundation-sdk) and grafana/README.md's panel table. Both are committed;
 * test/unit/grafana/ fails when they differ from what this generates.
 */
import { fileURLToPath } from 'node:url';
import { writeIfChanged } from '../scripts/write-if-changed.js';
import { generatedFiles } from './src/files.js';

writeIfChanged(fileURLToPath(new URL('.', import.meta.url)), generatedFiles(), 'grafana/');
