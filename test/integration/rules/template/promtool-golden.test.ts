/**
 * Proves every golden template case (test/fixtures/rules/templates/cases.yml) against Prometheus 3.16: the cases
 * that parse become one rule file and one `promtool test rules` file expecting each case's annotation; the cases
 * that do not parse become one rule file whose `promtool check rules` errors must name each case's expected
 * message. The unit test golden.test.ts runs the same cases through our expander.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusPeers, reportUnavailablePeer } from '../../../support/prometheus.js';
import { loadTemplateCases, ruleFileFor, unitTestFileFor } from '../../../support/template-cases.js';

const all = loadTemplateCases();
const checkable = all.cases.filter((c) => c.unitOnly === undefined);
const expanding = checkable.filter((c) => c.expectedParseError === undefined);
const failing = checkable.filter((c) => c.expectedParseError !== undefined);

const execFileP = promisify(execFile);

/** Runs promtool in `cwd`; its exit code and output. */
async function promtool(bin: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  try {
    const r = await execFileP(bin, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const lookup = prometheusPeers().find((p) => p.line === '3.16');

describe('template golden cases under promtool 3.16', () => {
  if (lookup === undefined || !lookup.ok) {
    if (lookup !== undefined && !lookup.ok) reportUnavailablePeer(lookup);
    return;
  }
  const bin = lookup.peer.promtool;
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fpb-tmpl-golden-'));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it(`has enough cases (${all.cases.length})`, () => {
    expect(all.cases.length).toBeGreaterThanOrEqual(150);
  });

  it(`promtool test rules expands all ${expanding.length} parsing cases to their expected annotation`, async () => {
    await writeFile(join(dir, 'rules.yml'), ruleFileFor(expanding));
    await writeFile(join(dir, 'test.yml'), unitTestFileFor(all, expanding, 'rules.yml'));
    const r = await promtool(bin, ['test', 'rules', 'test.yml'], dir);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out.slice(0, 20_000)).toBe(0);
  });

  it(`promtool check rules reports the expected message for all ${failing.length} non-parsing cases`, async () => {
    await writeFile(join(dir, 'bad.yml'), ruleFileFor(failing));
    const r = await promtool(bin, ['check', 'rules', 'bad.yml'], dir);
    expect(r.code).toBe(1);
    failing.forEach((c, i) => {
      expect(r.out).toContain(`bad.yml: group "templates", rule ${i + 1}, "${c.name}": annotation "t": ${c.expectedParseError}\n`);
    });
  });
});
