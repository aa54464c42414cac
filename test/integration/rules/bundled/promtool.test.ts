/**
 * The bundled rules (top-level `rules/`) under the real promtool of both Prometheus peers (2.42 from Debian, 3.16
 * built by scripts/ci/install-prometheus.sh; test/support/prometheus.ts finds them, skips a missing one with the
 * reason unless `CI=true`):
 *
 * - `promtool check rules` accepts both rule files and counts every rule in them;
 * - `promtool test rules` passes on every unit-test file `rules/tests/*.test.yml`;
 * - the tests are not vacuous (3.16 only, to keep the run short): for every alerting rule, replacing its expression
 *   by one that always fires, and by one that never fires, makes `promtool test rules` fail, so each alert has a
 *   test where it must fire and one where it must not.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, isMap, isSeq, type YAMLMap } from 'yaml';
import { prometheusPeers, reportUnavailablePeer } from '../../../support/prometheus.js';

const execFileP = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../../..');
const RULES_DIR = join(ROOT, 'rules');
const RULE_FILES = ['flink-alerts.yml', 'flink-recording.yml'];
const TEST_FILES = readdirSync(join(RULES_DIR, 'tests'))
  .filter((f) => f.endsWith('.test.yml'))
  .sort();

/** Runs promtool; resolves with its exit code and output instead of throwing on a non-zero exit. */
async function promtool(bin: string, args: readonly string[], cwd = ROOT): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileP(bin, [...args], { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

/** Number of rules of a rule file, counted from its YAML (not from promtool's output). */
function ruleCount(file: string): number {
  const doc = parseDocument(readFileSync(join(RULES_DIR, file), 'utf8')).toJS() as { groups: { rules: unknown[] }[] };
  return doc.groups.reduce((n, g) => n + g.rules.length, 0);
}

function alertNames(): string[] {
  const doc = parseDocument(readFileSync(join(RULES_DIR, 'flink-alerts.yml'), 'utf8')).toJS() as { groups: { rules: { alert?: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert])));
}

it('there are unit-test files for the bundled rules', () => {
  expect(TEST_FILES.length).toBeGreaterThanOrEqual(2);
});

for (const lookup of prometheusPeers()) {
  describe(`bundled rules under promtool ${lookup.line}`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const bin = lookup.peer.promtool;

    it('check rules: both files are valid, every rule found', async () => {
      const { code, out } = await promtool(bin, ['check', 'rules', ...RULE_FILES.map((f) => join('rules', f))]);
      expect(out).not.toMatch(/FAILED|WARNING|duplicate/i);
      expect(code).toBe(0);
      for (const f of RULE_FILES) expect(out).toContain(`SUCCESS: ${ruleCount(f)} rules found`);
    });

    for (const file of TEST_FILES) {
      it(`test rules ${file}`, async () => {
        const { code, out } = await promtool(bin, ['test', 'rules', join('rules', 'tests', file)]);
        expect(out).toContain('SUCCESS');
        expect(out).not.toContain('FAILED');
        expect(code).toBe(0);
      });
    }

    if (lookup.line !== '3.16') return;

    describe.concurrent('each alert has a test where it fires and one where it does not (mutations must fail)', () => {
      const work = mkdtempSync(join(tmpdir(), 'fpb-bundled-mutants-'));
      afterAll(() => rmSync(work, { recursive: true, force: true }));
      const mutations = [
        // fires always, for one series without labels: a firing expectation's labels and a not-firing case fail
        { name: 'always fires', expr: 'vector(1)' },
        { name: 'never fires', expr: 'vector(1) < 0' },
      ];
      for (const alert of alertNames()) {
        for (const m of mutations) {
          it(`${alert}: ${m.name} → promtool test rules fails`, async () => {
            const dir = mkdtempSync(join(work, 'm-'));
            cpSync(RULES_DIR, dir, { recursive: true });
            const doc = parseDocument(readFileSync(join(RULES_DIR, 'flink-alerts.yml'), 'utf8'));
            let found = 0;
            const groups = doc.get('groups');
            if (!isSeq(groups)) throw new Error('groups is not a sequence');
            for (const g of groups.items) {
              const rules = (g as YAMLMap).get('rules');
              if (!isSeq(rules)) continue;
              for (const r of rules.items) {
                if (isMap(r) && r.get('alert') === alert) {
                  r.set('expr', m.expr);
                  // `for` would delay the mutant's firing past a test's eval times and hide the mutation
                  r.delete('for');
                  found++;
                }
              }
            }
            expect(found).toBe(1);
            writeFileSync(join(dir, 'flink-alerts.yml'), doc.toString());
            // only the files that test this alert: the others cannot notice the mutation (and promtool is slow)
            const files = TEST_FILES.filter((f) => new RegExp(`alertname: ${alert}\\b`).test(readFileSync(join(RULES_DIR, 'tests', f), 'utf8')));
            expect(files.length).toBeGreaterThan(0);
            const results = await Promise.all(files.map((f) => promtool(bin, ['test', 'rules', join('tests', f)], dir)));
            expect(results.some((r) => r.code !== 0)).toBe(true);
          });
        }
      }
    });
  });
}
