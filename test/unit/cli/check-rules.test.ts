/**
 * `flink-prometheus-bridge check rules` through `runCli`: verdicts per fixture (good-* pass, lint-* pass with a
 * lint finding, bad-* fail; promtool 3.16 gives the same, see test/integration/rules/file), promtool's exit codes
 * (0, 1, 3 with --lint-fatal), standard input, and kingpin-like refusal of missing paths and directories.
 */
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli.js';
import type { CliDeps, SignalSource } from '../../../src/cli.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'rules', 'files');

async function cli(argv: string[], deps: CliDeps = {}): Promise<{ stdout: string; stderr: string; code: number | undefined }> {
  let stdout = '';
  let stderr = '';
  const exits: number[] = [];
  await runCli(
    argv,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, exit: (c) => exits.push(c) },
    { signals: new EventEmitter() as SignalSource, ...deps },
  );
  return { stdout, stderr, code: exits[0] };
}

describe('check rules', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.yml'));
  it.each(fixtures)('%s', async (name) => {
    const path = join(FIXTURES, name);
    const r = await cli(['check', 'rules', path]);
    expect(r.stdout.startsWith(`Checking ${path}\n`)).toBe(true);
    if (name.startsWith('good-')) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ {2}SUCCESS: \d+ rules found\n\n$/);
    } else if (name.startsWith('lint-')) {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^ {2}FAILED:\nlint error \d+ duplicate rule\(s\) found\./);
    } else {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`  FAILED:\n${path}: `);
    }
  });

  it('--lint-fatal makes lint findings exit 3; --lint=none silences them; errors win with 1', async () => {
    const lint = join(FIXTURES, 'lint-duplicates.yml');
    expect((await cli(['check', 'rules', '--lint-fatal', lint])).code).toBe(3);
    expect((await cli(['check', 'rules', '--lint=none', '--lint-fatal', lint])).code).toBe(0);
    expect((await cli(['check', 'rules', '--lint-fatal', lint, join(FIXTURES, 'bad-no-expr.yml')])).code).toBe(1);
    const unknown = await cli(['check', 'rules', '--lint=bogus', lint]);
    expect(unknown.stdout.startsWith('WARNING: unknown lint option: "bogus"\n')).toBe(true);
  });

  it('reads standard input without a path', async () => {
    const input = readFileSync(join(FIXTURES, 'bad-expr-syntax.yml'));
    const r = await cli(['check', 'rules'], { readStdin: () => input });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Checking standard input\n');
    expect(r.stderr).toBe('  FAILED:\n5:15: group "a", rule 1, "r": could not parse expression: 1:7: parse error: unclosed left parenthesis\n');
  });

  it('refuses a missing path or a directory before checking anything (exit 1)', async () => {
    const missing = await cli(['check', 'rules', join(FIXTURES, 'good-basic.yml'), '/nonexistent/x.yml']);
    expect(missing).toEqual({ stdout: '', stderr: "flink-prometheus-bridge: error: path '/nonexistent/x.yml' does not exist, try --help\n", code: 1 });
    const dir = await cli(['check', 'rules', FIXTURES]);
    expect(dir.stderr).toBe("flink-prometheus-bridge: error: 'files' is a directory, try --help\n");
    expect(dir.code).toBe(1);
  });
});
