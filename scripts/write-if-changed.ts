import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes generated files ([path relative to `root`, content]) whose content differs from what is on disk, creating
 * directories as needed, and logs each path written (prefixed with `label`). The generators' shared last step
 * (grafana/generate.ts, deploy/generate.ts); the unit tests compare the same [path, content] lists with the disk.
 */
export function writeIfChanged(root: string, files: readonly (readonly [string, string])[], label = ''): void {
  for (const [path, text] of files) {
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
    console.log(`wrote ${label}${path}`);
  }
}
