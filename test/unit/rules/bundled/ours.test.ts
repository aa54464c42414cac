/**
 * The bundled rules' unit-test files (rules/tests/*.test.yml) pass under the sidecar's own `test rules`
 * (src/rules/unit-test, run in-process as the CLI runs it), as they do under promtool 2.42 and 3.16
 * (test/integration/rules/bundled) — issue 9 §4: "passes under promtool 3.16, promtool 2.42 and ours".
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemplateExpander } from '../../../../src/rules/template/index.js';
import { parseUnitTestFile } from '../../../../src/rules/unit-test/file.js';
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

// A defect of the unit-test file decoder (src/rules/unit-test/file.ts, another owner) found while running the bundled
// tests: a YAML alias to a map (`exp_annotations: *a`) decodes as null — "cannot unmarshal !!null into
// map[string]string" — while promtool 2.42 and 3.16 (yaml.v2) resolve it like the anchored map. The bundled tests
// therefore spell annotations out. `it.fails` pins the defect: once the decoder resolves aliases this test fails and
// should become a plain `it`.
describe('known defect: YAML aliases in unit-test files', () => {
  it('without the alias the same file decodes (the test below fails for the alias only)', () => {
    const text = `tests:
  - input_series: []
    alert_rule_test:
      - eval_time: 2m
        alertname: A
        exp_alerts:
          - exp_annotations:
              summary: s
`;
    expect(parseUnitTestFile(text, false).tests[0]?.alertRuleTests[0]?.expAlerts[0]?.annotations).toEqual({ summary: 's' });
  });

  it.fails('an alias to an exp_annotations map decodes like the anchored map', () => {
    const text = `tests:
  - input_series: []
    alert_rule_test:
      - eval_time: 1m
        alertname: A
        exp_alerts:
          - exp_annotations: &a
              summary: s
      - eval_time: 2m
        alertname: A
        exp_alerts:
          - exp_annotations: *a
`;
    const cases = parseUnitTestFile(text, false).tests[0]?.alertRuleTests ?? [];
    expect(cases[1]?.expAlerts[0]?.annotations).toEqual({ summary: 's' });
  });
});
