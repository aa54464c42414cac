/**
 * Fuzzing the unit-test file decoder and the runner: whatever the bytes or YAML, `parseUnitTestFile` returns a
 * value or throws RuleTestFileError (never anything else), and `testRules` on such a file returns 0 or 1 without
 * throwing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleTestFileError } from '../../../../src/errors.js';
import { parseUnitTestFile } from '../../../../src/rules/unit-test/file.js';
import { testRules } from '../../../../src/rules/unit-test/run.js';
import { trivialTemplates } from '../eval-support.js';

function decodes(text: string, ignore: boolean): void {
  try {
    parseUnitTestFile(text, ignore);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleTestFileError);
  }
}

const KEYS = ['rule_files', 'evaluation_interval', 'group_eval_order', 'tests', 'fuzzy_compare', 'interval', 'input_series', 'series', 'values', 'alert_rule_test', 'promql_expr_test', 'eval_time', 'alertname', 'exp_alerts', 'exp_labels', 'exp_annotations', 'expr', 'exp_samples', 'labels', 'value', 'external_labels', 'external_url', 'name', 'start_timestamp', 'bogus'];
const VALUES = ['', '~', 'up', '"up{a=\\"b\\"}"', '1m', '0', '-1m', '1h1h', '5', '1.5', '1e400', 'true', '[]', '{}', '"1 2 3"', '"0+1x5"', '"_x3 stale"', '"2024-01-01T00:00:00Z"', '1609459200', '"x"', '"sum("', '[a, b]', '{a: b}', '!!int x', '&a x', '*a'];

const yamlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...VALUES), tie('map'), tie('seq')),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
  seq: fc.array(tie('node'), { maxLength: 3 }),
})).node;

function render(v: unknown, indent: string): string {
  if (typeof v === 'string') return ` ${v}`;
  if (Array.isArray(v)) return v.length === 0 ? ' []' : v.map((x) => `\n${indent}-${render(x, `${indent}  `)}`).join('');
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length === 0 ? ' {}' : entries.map(([k, x]) => `\n${indent}${k}:${render(x, `${indent}  `)}`).join('');
}

const dir = mkdtempSync(join(tmpdir(), 'fpb-unittest-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseUnitTestFile: a value or RuleTestFileError', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.boolean(), (s, ig) => decodes(s, ig)), { numRuns: 1000 });
  });
  it('unit-test-like YAML', () => {
    fc.assert(fc.property(yamlValue, fc.boolean(), (v, ig) => decodes(render(v, '').trimStart(), ig)), { numRuns: 1500 });
  });
});

describe('testRules on random unit-test files: exit code 0 or 1, never a throw', () => {
  it('unit-test-like YAML with a rule file beside it', async () => {
    writeFileSync(join(dir, 'r.yml'), 'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up * 2\n      - alert: A\n        expr: up == 0\n        for: 1m\n');
    const f = join(dir, 't.yml');
    await fc.assert(
      fc.asyncProperty(yamlValue, async (v) => {
        writeFileSync(f, `rule_files: [r.yml]\n${render(v, '').trimStart()}`);
        const code = await testRules([f], { templates: trivialTemplates }, { stdout: { write: () => true }, stderr: { write: () => true } });
        expect([0, 1]).toContain(code);
      }),
      { numRuns: 300 },
    );
  });
});
