/**
 * `check rules` against the real promtool 3.16 (issue 9 §2): every rule-like file of the promtool conformance
 * folder (`../shared/conformance/promtool-3.16/`, never copied here) and every fixture of
 * `test/fixtures/rules/files/` is checked by promtool and by our CLI; exit code, standard output and standard
 * error must be the same (the `time=` of promtool's log line aside). Where our wording cannot be Go's, the file is
 * pinned in KNOWN_WORDING_DIFFERENCES and only the verdict, exit code and line structure are compared. Also the
 * multi-file, lint, stdin and bad-argument paths, and a seeded fast-check differential over generated rule files
 * (well-formed YAML of rule-file shape with wrong types, nulls, tags, anchors, merges, bad durations and PromQL).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli.js';
import { CONFORMANCE_REQUIRED, conformanceDir } from '../../../support/conformance.js';
import { prometheusPeers, reportUnavailablePeer } from '../../../support/prometheus.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'rules', 'files');

/**
 * Files whose messages we cannot word like Go, pinned: the value says why. Their exit code, verdict and the shape
 * of the output (which lines, on which stream) are still compared; only the message text may differ.
 */
const KNOWN_WORDING_DIFFERENCES: Readonly<Record<string, string>> = {
  // libyaml's syntax errors ("did not find expected '-' indicator") vs the `yaml` package's ("Sequence item
  // without - indicator"), with its own line; both report it twice, with the multi-document warning, like promtool.
  'bad-yaml-syntax.yml': 'YAML syntax error wording and line (libyaml vs the yaml package)',
};


interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function normalise(stderr: string): string {
  return stderr.replace(/^time=\S+ /gm, 'time=T ');
}

function promtool(bin: string, args: readonly string[], input?: Buffer): Outcome {
  const r = spawnSync(bin, ['check', 'rules', ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: normalise(r.stderr) };
}

async function ours(args: readonly string[], input?: Buffer): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const exits: number[] = [];
  await runCli(
    ['check', 'rules', ...args],
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, exit: (c) => exits.push(c) },
    { readStdin: () => input ?? Buffer.alloc(0) },
  );
  return { code: exits[0] ?? -1, stdout, stderr: normalise(stderr) };
}

/** The output with every message line reduced to its shape: what a pinned wording difference may still change. */
function shape(text: string): string {
  return text
    .split('\n')
    .map((l) => (/^\S+: yaml: line \d+: /.test(l) ? 'YAML-SYNTAX' : l))
    .join('\n');
}

const lookup = prometheusPeers().find((p) => p.line === '3.16');
const conformance = conformanceDir('promtool-3.16');

function files(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

describe('check rules: ours vs promtool 3.16', () => {
  if (lookup === undefined || !lookup.ok) {
    if (lookup !== undefined && !lookup.ok) reportUnavailablePeer(lookup);
    return;
  }
  const bin = lookup.peer.promtool;

  const cases: { name: string; path: string }[] = files(FIXTURES).map((f) => ({ name: f, path: join(FIXTURES, f) }));
  if (conformance.ok) {
    for (const f of files(conformance.dir)) cases.push({ name: f, path: join(conformance.dir, f) });
  } else if (CONFORMANCE_REQUIRED) {
    it('the promtool conformance folder is present', () => {
      throw new Error(conformance.reason);
    });
  } else {
    it.skip(`promtool conformance files: ${conformance.reason}`, () => undefined);
  }

  for (const c of cases) {
    const pinned = KNOWN_WORDING_DIFFERENCES[c.name];
    it(`${c.name}: same exit code and output${pinned !== undefined ? ` (wording pinned: ${pinned})` : ''}`, async () => {
      const want = promtool(bin, [c.path]);
      const got = await ours([c.path]);
      expect(got.code, got.stderr).toBe(want.code);
      expect(got.stdout).toBe(want.stdout);
      if (pinned === undefined) expect(got.stderr).toBe(want.stderr);
      else expect(shape(got.stderr)).toBe(shape(want.stderr));
    });
  }

  const unpinned = cases.filter((c) => KNOWN_WORDING_DIFFERENCES[c.name] === undefined).map((c) => c.path);

  it('all files in one run: same output, blank lines and exit code (errors are cumulative across files)', async () => {
    const want = promtool(bin, unpinned);
    const got = await ours(unpinned);
    expect(got).toEqual(want);
  });

  for (const flags of [['--lint=none'], ['--lint=all'], ['--lint-fatal'], ['--lint=bogus,all', '--lint-fatal'], ['--lint=']]) {
    it(`lint flags ${flags.join(' ')}: same output and exit code (3 for lint findings only with --lint-fatal)`, async () => {
      const lintOnly = [join(FIXTURES, 'lint-duplicates.yml'), join(FIXTURES, 'good-basic.yml')];
      expect(await ours([...flags, ...lintOnly])).toEqual(promtool(bin, [...flags, ...lintOnly]));
      const withErrors = [...lintOnly, join(FIXTURES, 'bad-no-expr.yml'), join(FIXTURES, 'lint-duplicates.yml')];
      expect(await ours([...flags, ...withErrors])).toEqual(promtool(bin, [...flags, ...withErrors]));
    });
  }

  it('--ignore-unknown-fields: unknown keys pass, like promtool', async () => {
    const f = [join(FIXTURES, 'bad-unknown-group-key.yml'), join(FIXTURES, 'bad-unknown-rule-key.yml')];
    const want = promtool(bin, ['--ignore-unknown-fields', ...f]);
    expect(want.code).toBe(0);
    expect(await ours(['--ignore-unknown-fields', ...f])).toEqual(want);
  });

  for (const name of ['good-basic.yml', 'lint-duplicates.yml', 'bad-expr-type.yml', 'bad-types.yml', 'good-multi-doc.yml']) {
    it(`standard input (${name}): "Checking standard input", messages without a file name`, async () => {
      const input = readFileSync(join(FIXTURES, name));
      expect(await ours([], input)).toEqual(promtool(bin, [], input));
    });
  }

  it('a missing path and a directory are refused before anything is checked, exit code 1', async () => {
    for (const args of [[join(FIXTURES, 'good-basic.yml'), join(FIXTURES, 'nope.yml')], [FIXTURES]]) {
      const want = promtool(bin, args);
      const got = await ours(args);
      expect(got.code).toBe(want.code);
      expect(got.stdout).toBe(want.stdout);
      expect(got.stderr.replace(/^flink-prometheus-bridge:/, 'promtool:')).toBe(want.stderr);
    }
  });
});

// Generated rule files: well-formed YAML (so libyaml's and the yaml package's syntax messages never meet), rule-file
// keys with values of every awkward kind.
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations', 'bogus'];
const ANY_KEYS = [...RULE_KEYS, 'groups', 'name', 'rules', 'interval', 'query_offset', 'limit', '<<', '""', '__name__', 'a', 'b'];
const VALUES = [
  '', '~', 'null', 'up', "'sum('", '"x{a}"', '5m', '5', '1h1h', '0', '0x10', '1.5', '1e400', 'true', '[]', '{}', '[a, b]',
  '{a: b}', '!!int x', '!!str 5', '!foo bar', '&a x', '*a', '|\n  up', '>-\n  up', '"{{ $labels.x }}"', '"{{ $label }}"',
  'up == 0', "'rate(x[5m])'", '-1', '010', '0o17', '1_000', '.5', '+1', 'yes', 'No', '2001-12-14', 'sum(x) by (job)',
];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...VALUES), tie('map'), tie('seq')),
  map: fc.dictionary(fc.constantFrom(...ANY_KEYS), tie('node'), { maxKeys: 4 }),
  seq: fc.array(tie('node'), { maxLength: 3 }),
})).node;
const ruleArb = fc.dictionary(fc.constantFrom(...RULE_KEYS), fc.oneof(fc.constantFrom(...VALUES), value), { maxKeys: 5 });
const groupArb = fc.record({
  name: fc.constantFrom('a', 'b', '""', '~'),
  rules: fc.array(ruleArb, { maxLength: 3 }),
  labels: fc.option(value),
});
const fileArb = fc.record({ groups: fc.array(groupArb, { maxLength: 2 }) });

function render(v: unknown, indent: string): string {
  if (v === null || v === undefined) return ' ~';
  if (typeof v === 'string') return ` ${v.replace(/\n/g, `\n${indent}`)}`;
  if (Array.isArray(v)) return v.length === 0 ? ' []' : v.map((x) => `\n${indent}-${render(x, `${indent}  `)}`).join('');
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length === 0 ? ' {}' : entries.map(([k, x]) => `\n${indent}${k}:${render(x, `${indent}  `)}`).join('');
}

describe('check rules: ours vs promtool 3.16 on generated rule files (seeded)', () => {
  if (lookup === undefined || !lookup.ok) return;
  const bin = lookup.peer.promtool;
  const dir = mkdtempSync(join(tmpdir(), 'fpb-check-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('same exit code, stdout and stderr for 300 generated files', async () => {
    const samples = fc.sample(fileArb, { numRuns: 300, seed: 9 });
    for (let i = 0; i < samples.length; i++) {
      const path = join(dir, `gen-${i}.yml`);
      // Half of them without a final line break: block scalars at the end of the file end differently then.
      const text = render(samples[i], '').replace(/^\n/, '');
      writeFileSync(path, i % 2 === 0 ? `${text}\n` : text);
      const want = promtool(bin, [path]);
      const got = await ours([path]);
      expect({ file: text, ...got }).toEqual({ file: text, ...want });
    }
  });
});
