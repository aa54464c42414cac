/**
 * The bundled rules' unit-test files (rules/tests/*.test.yml) pass under the sidecar's own `test rules`
 * (src/rules/unit-test, run in-process as the CLI runs it), as they do under promtool 2.42 and 3.16
 * (test/integration/rules/bundled) — issue 9 §4: "passes under promtool 3.16, promtool 2.42 and ours".
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemplateExpander } from '../../../../src/rules/template/index.js';
import { testRules } from '../../../../src/rules/unit-test/run.js';
import { RULES_DIR } from '../../../support/bundled-rules.js';

const files = readdirSync(join(RULES_DIR, 'tests'))
  .filter((f) => f.endsWith('.test.yml'))
  .sort();

describe('the bundled rule tests under our test rules', () => {
  it.each(files)('%s passes', async (f) => {
    let out = '';
    let err = '';
    const code = await testRules(
      [relative(process.cwd(), join(RULES_DIR, 'tests', f))],
      { templates: createTemplateExpander() },
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    );
    expect(err).toBe('');
    expect(out).toContain('SUCCESS');
    expect(code).toBe(0);
  }, 60_000);
});
