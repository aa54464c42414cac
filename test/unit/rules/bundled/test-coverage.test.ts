/**
 * The promtool unit-test files of the bundled rules (rules/tests/*.test.yml) cover every rule: each alert has a case
 * where it must fire, with the expected annotations, and a case where it must not; each recording rule is evaluated
 * by a promql_expr_test. (Whether the expectations hold is for promtool to say: test/integration/rules/bundled.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundledRules, RULES_DIR } from '../../../support/bundled-rules.js';

interface TestFile {
  rule_files: string[];
  tests: {
    alert_rule_test?: { alertname: string; exp_alerts?: { exp_annotations?: Record<string, string> }[] | null }[];
    promql_expr_test?: { expr: string }[];
  }[];
}

const files = readdirSync(join(RULES_DIR, 'tests'))
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => ({ name: f, doc: parse(readFileSync(join(RULES_DIR, 'tests', f), 'utf8')) as TestFile }));
const alertCases = files.flatMap((f) => f.doc.tests.flatMap((t) => t.alert_rule_test ?? []));
const exprCases = files.flatMap((f) => f.doc.tests.flatMap((t) => t.promql_expr_test ?? []));

describe('rules/tests covers every bundled rule', () => {
  it('every test file loads bundled rule files only, by paths relative to itself', () => {
    for (const f of files) for (const r of f.doc.rule_files) expect(['../flink-alerts.yml', '../flink-recording.yml'], f.name).toContain(r);
  });

  it.each(bundledRules().filter((r) => r.kind === 'alert').map((r) => [r.name]))('%s: a firing case with annotations and a not-firing case', (name) => {
    const cases = alertCases.filter((c) => c.alertname === name);
    expect(cases.some((c) => (c.exp_alerts ?? []).length > 0 && (c.exp_alerts ?? []).every((a) => a.exp_annotations !== undefined))).toBe(true);
    expect(cases.some((c) => (c.exp_alerts ?? []).length === 0)).toBe(true);
  });

  it.each(bundledRules().filter((r) => r.kind === 'record').map((r) => [r.name]))('%s: evaluated by a promql_expr_test', (name) => {
    expect(exprCases.some((c) => c.expr.includes(name))).toBe(true);
  });

  it('no test names an alert that does not exist', () => {
    const names = new Set(bundledRules().map((r) => r.name));
    for (const c of alertCases) expect(names.has(c.alertname), c.alertname).toBe(true);
  });
});
