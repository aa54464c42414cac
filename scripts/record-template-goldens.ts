/**
 * Records Prometheus 3.16's output for every template case into test/fixtures/rules/templates/cases.yml: the
 * `promtool check rules` message of templates that do not parse (`expected_parse_error`), else the annotation
 * `promtool test rules` got (`expected`). Run after adding cases: `npx tsx scripts/record-template-goldens.ts`;
 * then review the diff. The integration test promtool-golden.test.ts re-proves every value.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseDocument, isMap, isSeq } from 'yaml';
import { CASES_FILE, loadTemplateCases, ruleFileFor, unitTestFileFor } from '../test/support/template-cases.js';
import { goUnquote } from '../src/rules/template/go-quote.js';

const PROMTOOL = process.env['PROMTOOL_316_BIN'] ?? resolve(import.meta.dirname, '../.cache/prometheus-3.16/bin/promtool');
const all = loadTemplateCases();
const dir = mkdtempSync(join(tmpdir(), 'tmplrec-'));
const cases = all.cases.filter((c) => c.unitOnly === undefined);
// 1. parse errors
writeFileSync(join(dir, 'all.yml'), ruleFileFor(cases));
const chk = spawnSync(PROMTOOL, ['check', 'rules', 'all.yml'], { cwd: dir, encoding: 'utf8' });
const parseErr = new Map<string, string>();
for (const line of (chk.stdout + chk.stderr).split('\n')) {
  const m = /^all\.yml: group "templates", rule (\d+), "([^"]+)": annotation "t": (.*)$/.exec(line);
  if (m) parseErr.set(m[2] as string, m[3] as string);
}
console.log('parse errors:', parseErr.size);
// 2. expansions
const ok = cases.filter((c) => !parseErr.has(c.name));
writeFileSync(join(dir, 'rules.yml'), ruleFileFor(ok));
// Expect a text no template yields, so that promtool prints what it got for every case.
const probe = ok.map((c) => ({ ...c, expected: '\u0000' }));
writeFileSync(join(dir, 'test.yml'), unitTestFileFor(all, probe, 'rules.yml'));
const run = spawnSync(PROMTOOL, ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8' });
const out = run.stdout + run.stderr;
const got = new Map<string, string>();
const re = /alertname: ([^,]+), time: 0s, \n\s+exp:[\s\S]*?got:\[\n\s*0:\n\s+Labels:\{[^\n]*\}\n\s+Annotations:\{t=("(?:[^"\\]|\\.)*")\}/g;
for (const m of out.matchAll(re)) got.set(m[1] as string, goUnquote(m[2] as string));
console.log('got:', got.size, 'of', ok.length);
const doc = parseDocument(readFileSync(CASES_FILE, 'utf8'));
const seq = doc.get('cases');
if (!isSeq(seq)) throw new Error('no cases');
for (const item of seq.items) {
  if (!isMap(item)) continue;
  const name = item.get('name') as string;
  if (parseErr.has(name)) {
    item.delete('expected');
    item.set('expected_parse_error', parseErr.get(name));
  } else if (got.has(name)) {
    item.delete('expected_parse_error');
    item.set('expected', got.get(name));
  } else if (!item.has('unit_only')) console.log('NO RESULT for', name);
}
writeFileSync(CASES_FILE, doc.toString({ lineWidth: 0 }));
console.log(dir);
