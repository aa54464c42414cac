/**
 * `npm run deploy:generate`: writes the generated deployment files (deploy/files.ts) — the PrometheusRule and the
 * dashboards ConfigMap from rules/ and grafana/dashboards/, and their copies inside the Helm chart. Run it after
 * changing rules/*.yml or the dashboards (after `npm run grafana:generate`); test/unit/deploy/ fails until then.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployFiles } from './files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [path, text] of deployFiles()) {
  const file = join(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${path}`);
}
