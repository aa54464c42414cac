/**
 * `test rules` against the real promtool 3.16 (issue 9 §2): every unit-test file of the promtool conformance folder
 * (`../shared/conformance/promtool-3.16/`, files with a top-level `tests:`, run in place beside the rule files they
 * name, never copied) goes through promtool and through our CLI: same exit code, and the same standard output and
 * error unless the file is pinned below with the reason. Also our fixtures, the bundled rules' tests, and promtool's own `--run` and `--ignore-unknown-fields`
 * cases of `cmd/promtool/unittest_test.go`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli.js';
import { CONFORMANCE_REQUIRED, conformanceDir } from '../../../support/conformance.js';
import { prometheusPeers, reportUnavailablePeer } from '../../../support/prometheus.js';

/** Files whose error wording we do not match (exit code and stdout still compared); the value says why. */
const KNOWN_WORDING_DIFFERENCES: Readonly<Record<string, string>> = {
  'bad-input-series.yml': "the series-notation parse error is ours, not the Go parser's `2:48: parse error: …`",
};

/**
 * Files whose verdict differs, with the only errors we may report. unittest.yml has three native-histogram
 * expectations; our engine is floats only (src/promql/value.ts), so exactly those fail.
 */
const KNOWN_VERDICT_DIFFERENCES: Readonly<Record<string, { reason: string; onlyErrors: RegExp }>> = {
  'unittest.yml': { reason: 'native histograms are out of scope', onlyErrors: /^ {4}expr: "test_histogram\w*", time: \w+,\n {8}exp: \{__name__="test_histogram\w*"\} \{\{.*\}\}\n {8}got: nil$/ },
};

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function promtool(bin: string, args: readonly string[], cwd: string): Outcome {
  const r = spawnSync(bin, ['test', 'rules', ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function ours(args: readonly string[], cwd: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const exits: number[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    await runCli(['test', 'rules', ...args], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      exit: (c) => exits.push(c),
    });
  } finally {
    process.chdir(before);
  }
  return { code: exits[0] ?? -1, stdout, stderr };
}

const lookup = prometheusPeers().find((p) => p.line === '3.16');
const conformance = conformanceDir('promtool-3.16');

describe('test rules: ours vs promtool 3.16', () => {
  if (lookup === undefined || !lookup.ok) {
    if (lookup !== undefined && !lookup.ok) reportUnavailablePeer(lookup);
    return;
  }
  if (!conformance.ok) {
    if (CONFORMANCE_REQUIRED) {
      it('the promtool conformance folder is present', () => {
        throw new Error(conformance.reason);
      });
    } else it.skip(`promtool conformance files: ${conformance.reason}`, () => undefined);
    return;
  }
  const bin = lookup.peer.promtool;
  const dir = conformance.dir;
  const testFiles = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && /^tests:/m.test(readFileSync(join(dir, f), 'utf8')))
    .sort();

  it('finds the unit-test files', () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(16);
  });

  for (const f of testFiles) {
    const verdict = KNOWN_VERDICT_DIFFERENCES[f];
    const wording = KNOWN_WORDING_DIFFERENCES[f];
    if (verdict !== undefined) {
      it(`${f}: promtool passes; ours fails only where pinned (${verdict.reason})`, async () => {
        const want = promtool(bin, [f], dir);
        const got = await ours([f], dir);
        expect(want.code).toBe(0);
        expect(got.code).toBe(1);
        const errors = got.stderr.replace(/^ {2}FAILED:\n/, '').trimEnd().split(/\n(?= {4}expr: )/);
        expect(errors.length).toBeGreaterThan(0);
        for (const e of errors) expect(e).toMatch(verdict.onlyErrors);
      });
      continue;
    }
    it(`${f}: same exit code and output${wording !== undefined ? ` (wording pinned: ${wording})` : ''}`, async () => {
      const want = promtool(bin, [f], dir);
      const got = await ours([f], dir);
      expect(got.code, got.stderr).toBe(want.code);
      expect(got.stdout).toBe(want.stdout);
      if (wording === undefined) expect(got.stderr).toBe(want.stderr);
      else expect(got.stderr.split('\n').length).toBe(want.stderr.split('\n').length);
    });
  }

  // cmd/promtool/unittest_test.go TestRulesUnitTestRun: --run selects test groups by regexp.
  for (const [file, run] of [
    ['rules_run.yml', ['correct', 'wrong']],
    ['rules_run.yml', ['correct']],
    ['rules_run.yml', ['wrong']],
    ['rules_run_fuzzy.yml', ['correct']],
    ['rules_run_fuzzy.yml', ['wrong']],
  ] as const) {
    it(`${file} --run ${run.join(' --run ')}: same exit code and output`, async () => {
      const args = [...run.map((r) => `--run=${r}`), file];
      expect(await ours(args, dir)).toEqual(promtool(bin, args, dir));
    });
  }

  it('rules_run_extrafields.yml --ignore-unknown-fields passes like promtool', async () => {
    const args = ['--ignore-unknown-fields', 'rules_run_extrafields.yml'];
    const want = promtool(bin, args, dir);
    expect(want.code).toBe(0);
    expect(await ours(args, dir)).toEqual(want);
  });

  // Our own fixtures (test/fixtures/rules/unit-tests/): the state machine, keep_firing_for, templates with external
  // labels and URL, group labels, query_offset, limit, rule order; one passing file, one failing in every way.
  const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'rules', 'unit-tests');
  for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('-test.yml')).sort()) {
    it(`fixture ${f}: same exit code and output`, async () => {
      const want = promtool(bin, [f], FIXTURES);
      expect(await ours([f], FIXTURES)).toEqual(want);
    });
  }

  // The bundled rules' unit tests (rules/tests/, issue 9 §4): same output as promtool 3.16, and 2.42 agrees on the
  // verdict when it is installed.
  const BUNDLED = join(import.meta.dirname, '..', '..', '..', '..', 'rules', 'tests');
  const old = prometheusPeers().find((p) => p.line === '2.42');
  for (const f of existsSync(BUNDLED) ? readdirSync(BUNDLED).filter((x) => /\.ya?ml$/.test(x)).sort() : []) {
    it(`bundled ${f}: same output as promtool 3.16, passes${old?.ok === true ? ' (and under promtool 2.42)' : ''}`, async () => {
      const want = promtool(bin, [f], BUNDLED);
      expect(want.code).toBe(0);
      expect(await ours([f], BUNDLED)).toEqual(want);
      if (old?.ok === true) expect(promtool(old.peer.promtool, [f], BUNDLED).code).toBe(0);
    });
  }

  it('--junit: the same JUnit XML as promtool (suites, cases, failures, an aborted file), timestamps aside', async () => {
    const files = ['eval-test.yml', 'eval-failing-test.yml', 'bad-unknown-fields-test.yml', 'aliases-test.yml'];
    const tmp = mkdtempSync(join(tmpdir(), 'fpb-junit-'));
    try {
      const wantCode = spawnSync(bin, ['test', `--junit=${join(tmp, 'pt.xml')}`, 'rules', ...files], { cwd: FIXTURES, timeout: 120_000 }).status;
      const got = await ours([`--junit=${join(tmp, 'ours.xml')}`, ...files], FIXTURES);
      expect(got.code).toBe(wantCode);
      const norm = (f: string): string => readFileSync(join(tmp, f), 'utf8').replace(/timestamp="[^"]+"/g, 'timestamp="T"');
      expect(norm('ours.xml')).toBe(norm('pt.xml'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('several files in one run: same output and exit code', async () => {
    const files = testFiles.filter((f) => KNOWN_WORDING_DIFFERENCES[f] === undefined && KNOWN_VERDICT_DIFFERENCES[f] === undefined);
    expect(await ours(files, dir)).toEqual(promtool(bin, files, dir));
  });
});
