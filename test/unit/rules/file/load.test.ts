/**
 * `loadRuleFiles`: `rule_files` globs relative to the config directory (Prometheus `config.JoinDir`), expanded
 * with Go's `filepath.Glob` (no match is no error, a bad pattern is), every problem of a file as RuleFileError.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleFileError, RuleFileErrors } from '../../../../src/errors.js';
import { loadRuleFile, loadRuleFiles } from '../../../../src/rules/file/load.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'rules', 'files');
const dir = mkdtempSync(join(tmpdir(), 'fpb-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'rules'));
writeFileSync(join(dir, 'rules', 'a.yml'), 'groups:\n- name: a\n  rules:\n  - record: a\n    expr: up\n');
writeFileSync(join(dir, 'rules', 'b.yml'), 'groups:\n- name: b\n  rules:\n  - alert: B\n    expr: up == 0\n');
writeFileSync(join(dir, 'rules', 'notes.txt'), 'not yaml: [');

describe('loadRuleFiles', () => {
  it('resolves relative globs against the base directory, in glob order, each file once', () => {
    const files = loadRuleFiles(['rules/*.yml', 'rules/a.yml', join(dir, 'rules', 'b.yml')], dir);
    expect(files.map((f) => f.path)).toEqual([join(dir, 'rules', 'a.yml'), join(dir, 'rules', 'b.yml')]);
    expect(files[0]?.groups[0]).toMatchObject({ name: 'a', file: join(dir, 'rules', 'a.yml') });
    expect(files[1]?.groups[0]?.rules[0]).toMatchObject({ kind: 'alerting', alert: 'B' });
  });

  it('a glob matching nothing is not an error', () => {
    expect(loadRuleFiles(['nothing/*.yml', 'missing.yml'], dir)).toEqual([]);
  });

  it('a malformed glob is a RuleFileError with Prometheus wording', () => {
    expect(() => loadRuleFiles(['rules/[x-'], dir)).toThrow(`error retrieving rule files for ${join(dir, 'rules/[x-')}: syntax error in pattern`);
  });

  it('a bad file throws RuleFileErrors listing every problem as file:line:col', () => {
    const path = join(FIXTURES, 'bad-many-errors.yml');
    let err: unknown;
    try {
      loadRuleFile(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuleFileErrors);
    expect(err).toBeInstanceOf(RuleFileError);
    const e = err as RuleFileErrors;
    expect(e.code).toBe('FPB_ERR_RULE_FILE');
    expect(e.errors.length).toBeGreaterThan(3);
    expect(e.file).toBe(path);
    expect(e.message.split('\n')[0]).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:15: group "quote\\\\"d", rule 1, `));
  });

  it('an unreadable path is a RuleFileError like Go\'s open error', () => {
    expect(() => loadRuleFile(join(dir, 'nope.yml'))).toThrow(`${join(dir, 'nope.yml')}: open ${join(dir, 'nope.yml')}: no such file or directory`);
  });

  it('reports multi-document warnings through onWarning', () => {
    const warnings: string[] = [];
    loadRuleFile(join(FIXTURES, 'good-multi-doc.yml'), { onWarning: (_f, w) => warnings.push(w) });
    expect(warnings).toEqual(['Multiple document yaml rules files are not supported, only the first document is processed']);
  });
});
