/**
 * Differential fuzzing of our template engine against Prometheus 3.16's own `template` package: the Go oracle of
 * test/support/go/template-oracle is built inside a copy of the github.com/prometheus/prometheus v0.316.0 module
 * (from the Go module cache that scripts/ci/install-prometheus.sh fills, else the module proxy), then thousands of
 * generated templates go through both; the parse check (rulefmt's ParseTest error text) and the expansion
 * (alerting.go's text, `<error expanding template: …>` included) must be identical.
 *
 * Needs `go`; skipped with the reason when it is missing or the build fails, unless CI=true.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateParseError } from '../../../../src/errors.js';
import { createTemplateExpander } from '../../../../src/rules/template/index.js';
import type { TemplateEnv } from '../../../../src/rules/types.js';
import { IN_CI } from '../../../support/prometheus.js';

const execFileP = promisify(execFile);
const ORACLE_SRC = resolve(import.meta.dirname, '../../../support/go/template-oracle/main.go');
const MODULE = 'github.com/prometheus/prometheus';
const VERSION = 'v0.316.0';

interface OracleAnswer {
  readonly check: string;
  readonly expand: string;
}

/** The running oracle: one request line in, one answer line out. */
class Oracle {
  private readonly pending: ((a: OracleAnswer) => void)[] = [];
  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (line) => this.pending.shift()?.(JSON.parse(line) as OracleAnswer));
  }
  ask(name: string, text: string, labels: Record<string, string>, value: string): Promise<OracleAnswer> {
    return new Promise((res) => {
      this.pending.push(res);
      this.proc.stdin.write(`${JSON.stringify({ name, text, labels, value })}\n`);
    });
  }
  stop(): void {
    this.proc.kill();
  }
}

/** Builds the oracle; the reason when it cannot. */
async function buildOracle(dir: string): Promise<string | Error> {
  try {
    const { stdout } = await execFileP('go', ['env', 'GOMODCACHE']);
    const modDir = join(dir, 'prometheus');
    const cached = join(stdout.trim(), `${MODULE}@${VERSION}`);
    try {
      await cp(cached, modDir, { recursive: true });
    } catch {
      await execFileP('go', ['mod', 'download', `${MODULE}@${VERSION}`], { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod' } });
      await cp(cached, modDir, { recursive: true });
    }
    await execFileP('chmod', ['-R', 'u+w', modDir]);
    await mkdir(join(modDir, 'cmd/fpb-template-oracle'), { recursive: true });
    await cp(ORACLE_SRC, join(modDir, 'cmd/fpb-template-oracle/main.go'));
    const bin = join(dir, 'oracle');
    await execFileP('go', ['build', '-o', bin, './cmd/fpb-template-oracle'], {
      cwd: modDir,
      env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod' },
      timeout: 600_000,
    });
    return bin;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

const VALUES = ['0', '1', '-1', '42', '1e6', '0.1', '123.456', '1e-7', 'NaN', '+Inf', '-Inf', '-0', '1234567.891', '0.875'];
const LABELS: readonly Record<string, string>[] = [
  {}, { job: 'api' }, { job: 'api', instance: 'h1.example.com:9090' }, { job: 'café', a: '' }, { __name__: 'up', Z: 'z', job: '1.5' },
];

// Arguments and functions for structured actions.
const ARGS = [
  '1', '0', '-3', '1.5', '1e6', '0x10', "'a'", '"abc"', '""', '"1h30m"', '"%v %d"', '"%.2f"', '"(a)"', '"$1"',
  '"h:9090"', '"2048"', '"x.y foo"', 'true', 'false', 'nil', '$value', '$labels', '$labels.job', '$labels.instance',
  '.Labels', '.Labels.job', '.Value', '.ExternalURL', '$externalLabels.site', '$externalURL', '.', '$',
  // toTime / toDuration results are pointers: Go prints their addresses for %d and friends, so they get their own
  // property below.
  '(query "up")', '(query "rate(x)")', '(first (query "up"))', '(args 1 "a")',
  '(safeHtml "<b>")', '(humanize 1234)', '(len $labels)', '1.0', '0.5', '-0.0', '99999999999999999999', '18446744073709551615',
];
const FUNCS = [
  'and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'eq', 'ne',
  'lt', 'le', 'gt', 'ge', 'call', 'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml',
  'match', 'title', 'toUpper', 'toLower', 'graphLink', 'tableLink', 'sortByLabel', 'stripPort', 'stripDomain',
  'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime', 'toDuration',
  'now', 'pathPrefix', 'externalURL', 'parseDuration', 'urlQueryEscape',
];

const arg = fc.constantFrom(...ARGS);
const call = fc.tuple(fc.constantFrom(...FUNCS), fc.array(arg, { maxLength: 3 })).map(([f, a]) => [f, ...a].join(' '));
const command = fc.oneof(call, arg);
const pipeline = fc.tuple(command, fc.array(call, { maxLength: 2 })).map(([c, rest]) => [c, ...rest].join(' | '));
const action = fc.oneof(
  { weight: 6, arbitrary: pipeline.map((p) => `{{ ${p} }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ if ${p} }}T{{ else }}F{{ end }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ with ${p} }}[{{ . }}]{{ else }}none{{ end }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ range $i, $e := ${p} }}{{ $i }}={{ $e }};{{ else }}empty{{ end }}`) },
  // One-variable range over toDuration counts nanoseconds (Go never finishes; we stop at a limit): left out.
  { weight: 1, arbitrary: pipeline.filter((p) => !p.includes('toDuration')).map((p) => `{{ range ${p} }}<{{ . }}|{{ $ }}>{{ end }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ $x := ${p} }}{{ $x }}`) },
  { weight: 1, arbitrary: fc.tuple(pipeline, pipeline).map(([p, q]) => `{{ $v := ${p} }}{{ if $v }}{{ $v = ${q} }}{{ end }}{{ $v }}`) },
  { weight: 1, arbitrary: fc.tuple(pipeline, pipeline).map(([p, q]) => `{{ if and (${p}) (${q}) }}A{{ else if or (${p}) (${q}) }}B{{ else }}C{{ end }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ define "t" }}({{ . }}){{ end }}{{ template "t" ${p} }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ block "b" ${p} }}<{{ .job }}>{{ end }}`) },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\n', 'text', '{{- " t " -}}', '{{/* c */}}', ' {{- 1 }} ', '{{ "%" }}') },
);
const structured = fc.array(action, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));

const FRAGMENTS = [
  '{{', '}}', '{{-', '-}}', ' ', '\n', '{{/*', '*/}}', '"', '`', "'", '\\', '(', ')', '|', ',', '.', '$', '$x', ':=',
  '=', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true',
  '.Labels', '.job', 'printf', '"%d"', 'humanize', 'query', '"up"', 'first', 'index', 'len', 'and', 'eq', '1', '-1',
  '0x1F', '1e3', '1.5', "'a'", '1i', 'é', '#', 'x',
];
const fragments = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((a) => a.join(''));

/**
 * Where our output may legitimately differ from Go's (documented gaps): pointer addresses (Go prints real ones),
 * time.Time's internal fields (printed by verbs other than %v/%s/%q), non-canonical Unicode class names in regexes,
 * and invalid UTF-8 from slicing a string inside a character (JavaScript strings cannot hold it; Go's JSON shows
 * one U+FFFD per byte).
 */
function comparable(goOut: string, template: string): boolean {
  return (
    !/0x[0-9a-f]{8,}/i.test(goOut) &&
    !goOut.includes('\ufffd') &&
    !goOut.includes('*time.Location') &&
    // Go 1.25+ regexp accepts Unicode class names in any case and long aliases (\pl, \p{Letter}); re2js does not.
    !/\\\\[pP]/.test(template)
  );
}

/** A Go string literal for any JavaScript string (JSON escapes are valid Go escapes). */
const goStr = (s: string): string => JSON.stringify(s);
const STR_UNITS = [
  'a', 'B', '.', ':', '-', '_', ' ', '1', '9', '[', ']', "'", 'é', 'ß', 'İ', 'ǆ', '@', '%', '/', '?', '=', '&', '<',
  '>', '"', '\\', '\t', 'ﬀ', 'ŉ', '·', '’', ',', ';', 'ⅶ', 'ᾀ', '😀', 'Ω', 'ж', 'ǅ', '日', 'ı', 'ſ', 'K', 'ა',
  '\u00a0', '\u2008', '\u200b', '\u0301', '\u0000', '\u007f', '⓾', '²',
];
// Characters of long-standing Unicode versions only: Go 1.26's tables (Unicode 15.0) and Node's ICU (newer) differ
// on recently assigned code points.
const text = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...STR_UNITS), maxLength: 16 }),
);
const STRING_FUNCS = [
  'title', 'toUpper', 'toLower', 'stripPort', 'stripDomain', 'urlquery', 'js', 'html', 'urlQueryEscape', 'graphLink',
  'len', 'humanize', 'parseDuration', 'safeHtml', 'print', 'printf "%q"', 'printf "%x"', 'printf "%+q"',
  'printf "%#q"', 'printf "%-8.3s|"', 'match "^[a-z]+$"', 'reReplaceAll "[aeiou]" "<$0>"',
  'reReplaceAll "(.)(.)" "$2$1"', 'reReplaceAll "" "-"', 'index $labels',
];
const DURATIONS = [
  '1h', '-1h', '1h30m', '0', '', '1', 'h', '1hh', '30s1m', '1.5h', '1y2w3d4h5m6s7ms', '9999999999999y', '292y',
  '106751d', '1e3s', '+1h', '--1h', '1H', '1µs', '1ns', '1us', '01h',
];
const LITERALS = [
  '0x', '0x_1', '1__0', '0b2', '0o8', '1e', '1e+', '.e1', '0x1.8p1', '0x.8p0', '1_000_000', '0_7', '07_7', '1.5e-3',
  '-0x10', '+0b11', '0X1P-2', "'\\''", "'\\u00e9'", "'ab'", "''", "'\\400'", "'\\377'", '9223372036854775807',
  '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '1e309', '4.9e-324', '0.1e-400', '1+2i',
  '1i', '-2.5i', '9+.i', '0x1p2+3i',
];
const scalars = fc.oneof(
  fc.tuple(fc.constantFrom(...STRING_FUNCS), text).map(([f, s]) => `{{ ${f} ${goStr(s)} }}`),
  fc.oneof(fc.constantFrom(...DURATIONS), fc.string({ unit: fc.constantFrom('1', '0', '5', 'h', 'm', 's', 'd', 'y', 'w', '-'), maxLength: 8 }))
    .map((d) => `{{ parseDuration ${goStr(d)} }}`),
  fc.oneof(fc.constantFrom(...LITERALS), fc.string({ unit: fc.constantFrom('0', '1', '7', '9', 'x', 'e', '.', '_', '+', '-', 'p', 'a', 'i'), minLength: 1, maxLength: 7 }))
    .map((n) => `{{ ${n} }}|{{ printf "%T" ${n} }}`),
  fc.tuple(text, text).map(([a, b]) => `{{ match ${goStr(a)} ${goStr(b)} }}|{{ lt ${goStr(a)} ${goStr(b)} }}`),
  fc.tuple(text, text, text).map(([a, b, c]) => `{{ reReplaceAll ${goStr(a)} ${goStr(b)} ${goStr(c)} }}`),
  fc.tuple(
    fc.constantFrom('0', '1700000000.123', '-86400.5', '951782400', '4102444799.999', '1e-3'),
    fc.array(fc.constantFrom('2006', '01', '02', '15', '04', '05', '.000', '.999', ',9', '.0', 'Jan', 'January', 'Mon', 'Monday', 'MST', 'Z07:00', '-0700', '-07', 'Z07', 'PM', 'pm', '_2', '__2', '002', '3', '4', '5', '1', '2', '06', ' ', '-', 'x', ':', 'T', 'Janx'), { maxLength: 8 }),
  ).map(([t, l]) => `{{ (toTime ${t}).Format ${goStr(l.join(''))} }}`),
  fc.tuple(fc.integer({ min: -2, max: 6 }), fc.integer({ min: -2, max: 6 }), text)
    .map(([a, b, s]) => `{{ slice ${goStr(s)} ${a} ${b} }}|{{ index ${goStr(s)} ${a} }}`),
);

describe('templates: differential fuzzing against Prometheus 3.16 template package', () => {
  let dir = '';
  let oracle: Oracle | undefined;
  let unavailable = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fpb-tmpl-oracle-'));
    const bin = await buildOracle(dir);
    if (bin instanceof Error) {
      unavailable = `Go template oracle could not be built: ${bin.message.split('\n').slice(0, 3).join(' ')}`;
      return;
    }
    oracle = new Oracle(spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }, 900_000);

  afterAll(async () => {
    oracle?.stop();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  const expander = createTemplateExpander();
  const env: TemplateEnv = {
    evalTimeMs: 1_700_000_000_000,
    externalURL: 'http://prom.example:9090/prefix',
    query: async (q) => {
      if (q.includes('(')) throw new Error('1:1: parse error: unexpected');
      return [
        { labels: { __name__: 'up', job: 'a' }, value: 1 },
        { labels: { __name__: 'up', job: 'b' }, value: 0 },
      ];
    },
  };

  async function same(text: string, labels: Record<string, string>, value: string): Promise<void> {
    if (oracle === undefined) return;
    const go = await oracle.ask('D', text, labels, value);
    let check = '';
    try {
      expander.check('D', text);
    } catch (e) {
      if (!(e instanceof TemplateParseError)) throw e;
      check = e.message;
    }
    expect(check, `check of ${JSON.stringify(text)}`).toBe(go.check);
    if (!comparable(go.expand, text)) return;
    const num = value === 'NaN' ? NaN : value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value);
    const ours = await expander.expand('D', text, { labels, externalLabels: { site: 'x' }, externalURL: env.externalURL, value: num }, env);
    expect(ours, `expansion of ${JSON.stringify(text)} with value ${value}`).toBe(go.expand);
  }

  const goFloat = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

  const run = (name: string, gen: fc.Arbitrary<string>, numRuns: number): void => {
    it(name, async () => {
      if (oracle === undefined) {
        if (IN_CI) throw new Error(unavailable);
        console.warn(`skipped: ${unavailable}`);
        return;
      }
      await fc.assert(
        fc.asyncProperty(gen, fc.constantFrom(...LABELS), fc.constantFrom(...VALUES), (t, l, v) => same(t, l, v)),
        { numRuns },
      );
    });
  };

  run('structured templates (functions, pipelines, control flow) expand exactly as Prometheus', structured, 4000);

  const numericValue = fc.oneof(
    fc.double(),
    fc.double({ min: -1e7, max: 1e7 }),
    fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }).map((i) => i / 1000),
    fc.constantFrom(0, -0, 0.5, 1.5, 2.5, 0.125, 1e21, 1e-7, 999999, 1023.999, 59.9999, 86399.5, 1e300, 5e-324),
  );
  const verb = fc.tuple(
    fc.constantFrom('', '+', '-', ' ', '0', '#', '+0', '-0'),
    fc.constantFrom('', '1', '8', '12'),
    fc.constantFrom('', '.0', '.1', '.2', '.4', '.10', '.17'),
    fc.constantFrom('v', 'f', 'F', 'e', 'E', 'g', 'G', 'd', 's', 'q', 'x', 't'),
  ).map((p) => `%${p.join('')}`);

  it('printf of random floats with random verbs, flags, widths and precisions prints exactly as Go', async () => {
    if (oracle === undefined) {
      if (IN_CI) throw new Error(unavailable);
      return;
    }
    await fc.assert(
      fc.asyncProperty(verb, numericValue, (v, x) => same(`{{ printf "${v}|%v" $value $value }}`, {}, goFloat(x))),
      { numRuns: 4000 },
    );
  });

  it('toTime and toDuration results print and compare exactly as Prometheus', async () => {
    if (oracle === undefined) {
      if (IN_CI) throw new Error(unavailable);
      return;
    }
    const subject = fc.constantFrom('(toTime 1700000000)', '(toTime $value)', '(toDuration 90)', '(toDuration $value)');
    const use = fc.constantFrom(
      (x: string) => `{{ ${x} }}`,
      (x: string) => `{{ printf "%v|%s|%q|%x|%10.4s" ${x} ${x} ${x} ${x} ${x} }}`,
      (x: string) => `{{ print ${x} 1 }}`,
      (x: string) => `{{ with ${x} }}{{ . }}{{ end }}`,
      (x: string) => `{{ humanize ${x} }}`,
      (x: string) => `{{ len ${x} }}`,
      (x: string) => `{{ eq ${x} 1 }}`,
      (x: string) => `{{ ${x}.Unix }}`,
      (x: string) => `{{ ${x}.Seconds }}`,
      (x: string) => `{{ ${x}.String }}`,
      (x: string) => `{{ index ${x} 1 }}`,
    );
    await fc.assert(
      fc.asyncProperty(subject, use, fc.constantFrom(...VALUES), (s, u, v) => same(u(s), {}, v)),
      { numRuns: 500 },
    );
  });

  it('humanize*, toTime, toDuration and $value of random floats print exactly as Prometheus', async () => {
    if (oracle === undefined) {
      if (IN_CI) throw new Error(unavailable);
      return;
    }
    const t =
      '{{ $value }}|{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|' +
      '{{ humanizePercentage $value }}|{{ humanizeTimestamp $value }}|{{ toDuration $value }}|{{ toTime $value }}';
    await fc.assert(fc.asyncProperty(numericValue, (x) => same(t, {}, goFloat(x))), { numRuns: 4000 });
  });
  run('random grammar fragments parse (or fail) and expand exactly as Prometheus', fragments, 4000);
  run('string functions, regexes, durations and number literals on random input agree with Prometheus', scalars, 4000);
});
