/**
 * `npm run grafana:generate`: writes grafana/dashboards/<uid>.json (Grafana dashboard JSON from the specs in
 * grafana/src/, built with @grafana/grafana-foundation-sdk) and grafana/README.md's panel table. Both are committed;
 * test/unit/grafana/ fails when they differ from what this generates. `--check` only compares (exit 1 on a diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './src/files.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of generatedFiles()) {
  const file = join(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    console.error(`grafana/${path} is not what grafana/generate.ts generates: run npm run grafana:generate`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote grafana/${path}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
