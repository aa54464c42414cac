import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../../src/promql/test-script/run.js';

// Our own PromQL test scripts (test/unit/promql/scripts/*.test); `*.compat2.test` run with compat "2",
// `*.immediate.test` without delayed __name__ removal.
const dir = join(dirname(fileURLToPath(import.meta.url)), 'scripts');

describe('own PromQL test scripts', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
    it(file, async () => {
      const outcomes = await runScript(readFileSync(join(dir, file), 'utf8'), {
        compat: file.endsWith('.compat2.test') ? '2' : '3',
        delayedNameRemoval: !file.endsWith('.immediate.test'),
      });
      expect(outcomes.length).toBeGreaterThan(5);
      expect(outcomes.filter((o) => o.status !== 'pass').map((o) => `line ${o.line}: ${o.expr} :: ${o.message ?? ''}`)).toEqual([]);
    });
  }
});
