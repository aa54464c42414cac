/**
 * `flink-prometheus-bridge test rules` through `runCli`, with the outputs promtool 3.16 gives for the same files
 * (recorded with `promtool test rules` in test/fixtures/rules/unit-tests/; the integration differential
 * test/integration/rules/eval re-proves them against the binary): verdicts and exit codes, the failure texts, and
 * kingpin-like refusal of a missing path.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli.js';
import type { SignalSource } from '../../../src/cli.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'rules', 'unit-tests');

async function cli(argv: string[]): Promise<{ stdout: string; stderr: string; code: number | undefined }> {
  let stdout = '';
  let stderr = '';
  const exits: number[] = [];
  const before = process.cwd();
  process.chdir(DIR);
  try {
    await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, exit: (c) => exits.push(c) }, {
      signals: new EventEmitter() as SignalSource,
    });
  } finally {
    process.chdir(before);
  }
  return { stdout, stderr, code: exits[0] };
}

describe('test rules', () => {
  it('a passing file: SUCCESS, exit code 0 (promtool 3.16)', async () => {
    expect(await cli(['test', 'rules', 'eval-test.yml', 'aliases-test.yml'])).toEqual({
      stdout: 'Processing test file: eval-test.yml\n  SUCCESS\n\nProcessing test file: aliases-test.yml\n  SUCCESS\n\n',
      stderr: '',
      code: 0,
    });
  });

  it('strict decoding: unknown fields even with --ignore-unknown-fields (it reaches the rule files only)', async () => {
    const want = {
      stdout: 'Processing test file: bad-unknown-fields-test.yml\n\n\n',
      stderr: '  FAILED:\nyaml: unmarshal errors:\n  line 1: field bogus not found in type main.unitTestFile\n  line 4: field whatever not found in type main.testGroup\n',
      code: 1,
    };
    expect(await cli(['test', 'rules', 'bad-unknown-fields-test.yml'])).toEqual(want);
    expect(await cli(['test', 'rules', '--ignore-unknown-fields', 'bad-unknown-fields-test.yml'])).toEqual(want);
  });

  it('failures: alert and expression mismatches, a parse error, then a rule error that ends the group (promtool 3.16 text)', async () => {
    const r = await cli(['test', 'rules', 'eval-failing-test.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        '  FAILED:',
        '    name: wrong expectations,',
        '    alertname: Instant, time: 1m, ',
        '        exp:[], ',
        '        got:[',
        '            0:',
        '              Labels:{alertname="Instant", job="a"}',
        '              Annotations:{value="0"}',
        '            ]',
        '    name: wrong expectations,',
        '    alertname: HighRate, time: 4m, ',
        '        exp:[',
        '            0:',
        '              Labels:{alertname="HighRate", job="api", severity="warn"}',
        '              Annotations:{}',
        '            ], ',
        '        got:[',
        '            0:',
        '              Labels:{alertname="HighRate", job="api", job_upper="API", severity="page", team="core"}',
        '              Annotations:{ext=" ", summary="rate 2 for api"}',
        '            ]',
        '    expr: "job:requests:rate1m", time: 2m,',
        '        exp: {__name__="job:requests:rate1m", job="api"} 2.5E+00',
        '        got: {__name__="job:requests:rate1m", job="api", team="core"} 2E+00',
        '    expr: "nope", time: 1m,',
        '        exp: {} 1E+00',
        '        got: nil',
        '    expr: "sum(", time: 1m, err: 1:5: parse error: unclosed left parenthesis',
        '    rule: limited:up, time: 0s, err: exceeded limit of 1 with 2 series',
        '',
      ].join('\n'),
    );
  });

  it('a missing path is refused before anything runs, exit code 1', async () => {
    expect(await cli(['test', 'rules', 'nope.yml'])).toEqual({
      stdout: '',
      stderr: "flink-prometheus-bridge: error: path 'nope.yml' does not exist, try --help\n",
      code: 1,
    });
  });
});
