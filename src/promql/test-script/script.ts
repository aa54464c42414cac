import { parseDurationMs } from '../parser/literals.js';
import { parseSeriesDesc, type SeriesDesc } from './series-desc.js';

/**
 * Prometheus's PromQL test-script format (`promql/promqltest/test.go` and its README at v0.316.0), parsed into
 * commands. Lines are trimmed; a line starting with `#` becomes empty, and an empty line ends a block (so a comment
 * inside a block ends it, as in Go). Commands: `load <interval>` (+ `load_with_nhcb`), `clear`,
 * `eval[_fail|_warn|_ordered|_info] instant [at <dur>] <expr>`, `eval[_fail|_warn|_info] range from <dur> to
 * <dur> step <dur> <expr>`, followed by `expect …` lines, `expected_fail_message`/`expected_fail_regexp`, expected
 * samples in the series notation, a bare number (scalar), `expect string "…"` or
 * `expect range vector from … to … step …`.
 */

export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly intervalMs: number;
  readonly withNhcb: boolean;
  readonly series: readonly SeriesDesc[];
}

export interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

export type ExpectKind = 'ordered' | 'fail' | 'warn' | 'no_warn' | 'info' | 'no_info';

export interface Expectation {
  readonly kind: ExpectKind;
  /** `msg:` text (exact) or `regex:` pattern; absent = anything. */
  readonly message?: string;
  readonly regex?: RegExp;
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly expr: string;
  readonly range: { readonly startMs: number; readonly endMs: number; readonly stepMs: number } | null;
  /** Instant evaluation time, ms. */
  readonly atMs: number;
  readonly fail: boolean;
  readonly ordered: boolean;
  readonly warn: boolean;
  readonly info: boolean;
  readonly expectations: readonly Expectation[];
  readonly failMessage?: string;
  readonly failRegexp?: RegExp;
  /** Expected series (label record, values); for instant evals one value each. */
  readonly expected: readonly SeriesDesc[];
  readonly expectedScalar?: number;
  readonly expectedString?: string;
  /** `expect range vector from … to … step …` on an instant eval: a matrix result on that grid. */
  readonly expectedRangeVector?: { readonly startMs: number; readonly endMs: number; readonly stepMs: number };
}

export type Command = LoadCommand | ClearCommand | EvalCommand;

/** A script that does not follow the format (1-based line). */
export class ScriptError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const PAT_LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const PAT_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const PAT_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const PAT_EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const PAT_EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

/** Parses a whole script. @throws ScriptError */
export function parseScript(text: string): Command[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l === '') continue;
    const word = (l.split(/[\t ]+/, 1)[0] as string).toLowerCase();
    if (word === 'clear') cmds.push({ kind: 'clear', line: i + 1 });
    else if (word.startsWith('load')) i = parseLoad(lines, i, cmds);
    else if (word.startsWith('eval')) i = parseEval(lines, i, cmds);
    else throw new ScriptError(i + 1, `invalid command ${JSON.stringify(l)}`);
  }
  return cmds;
}

function duration(s: string, line: number): number {
  try {
    return parseDurationMs(s.trim());
  } catch (err) {
    throw new ScriptError(line, `invalid duration ${JSON.stringify(s)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseLoad(lines: string[], i: number, cmds: Command[]): number {
  const m = PAT_LOAD.exec(lines[i] as string);
  if (m === null) throw new ScriptError(i + 1, 'invalid load command. (load[_with_nhcb] <step:duration>)');
  const line = i + 1;
  const series: SeriesDesc[] = [];
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const def = lines[i] as string;
    if (/^\S+@st\s/.test(def) || /}@st\s/.test(def)) throw new ScriptError(i + 1, 'start timestamps (@st) are not supported');
    try {
      series.push(parseSeriesDesc(def));
    } catch (err) {
      throw new ScriptError(i + 1, err instanceof Error ? err.message : String(err));
    }
  }
  cmds.push({ kind: 'load', line, intervalMs: duration(m[2] as string, line), withNhcb: m[1] === 'with_nhcb', series });
  return i;
}

function parseEval(lines: string[], i: number, cmds: Command[]): number {
  const text = lines[i] as string;
  const line = i + 1;
  const inst = PAT_INSTANT.exec(text);
  const rng = inst === null ? PAT_RANGE.exec(text) : null;
  if (inst === null && rng === null) throw new ScriptError(line, 'invalid evaluation command');
  const mod = (inst ?? rng)?.[1];
  let expr: string;
  let atMs = 0;
  let range: EvalCommand['range'] = null;
  if (inst !== null) {
    expr = inst[3] as string;
    atMs = inst[2] === undefined ? 0 : duration(inst[2], line);
  } else {
    const r = rng as RegExpExecArray;
    expr = r[5] as string;
    const startMs = duration(r[2] as string, line);
    const endMs = duration(r[3] as string, line);
    if (endMs < startMs) throw new ScriptError(line, 'invalid test definition, end timestamp is before start timestamp');
    range = { startMs, endMs, stepMs: duration(r[4] as string, line) };
    atMs = endMs;
  }
  const expectations: Expectation[] = [];
  const expected: SeriesDesc[] = [];
  let expectedScalar: number | undefined;
  let expectedString: string | undefined;
  let expectedRangeVector: EvalCommand['expectedRangeVector'];
  let failMessage: string | undefined;
  let failRegexp: RegExp | undefined;
  const fail = mod === 'fail';
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const def = lines[i] as string;
    if (fail && def.startsWith('expected_fail_message')) {
      failMessage = def.slice('expected_fail_message'.length).trim();
      break;
    }
    if (fail && def.startsWith('expected_fail_regexp')) {
      failRegexp = new RegExp(def.slice('expected_fail_regexp'.length).trim());
      break;
    }
    const er = PAT_EXPECT_RANGE.exec(def);
    if (er !== null) {
      expectedRangeVector = { startMs: duration(er[1] as string, i + 1), endMs: duration(er[2] as string, i + 1), stepMs: duration(er[3] as string, i + 1) };
      continue;
    }
    if (def.startsWith('expect string')) {
      const s = def.slice('expect string'.length).trim();
      try {
        expectedString = JSON.parse(s.startsWith('`') ? JSON.stringify(s.slice(1, -1)) : s) as string;
      } catch {
        throw new ScriptError(i + 1, 'expected string literal not valid - check that the string is correctly quoted');
      }
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      const em = PAT_EXPECT.exec(def.trim());
      if (em === null) throw new ScriptError(i + 1, 'invalid expect statement, must match `expect <type> <match_type>: <string>` format');
      const kind = em[1] as ExpectKind;
      if (em[2] === 'msg') expectations.push({ kind, message: (em[3] as string).trim() });
      else if (em[2] === 'regex') expectations.push({ kind, regex: new RegExp((em[3] as string).trim()) });
      else expectations.push({ kind });
      continue;
    }
    if (/^[+-]?(?:\d|\.\d|inf|nan|0x)/i.test(def) && !/\s/.test(def)) {
      const n = Number(def.replace(/^([+-]?)inf$/i, '$1Infinity').replace(/^nan$/i, 'NaN'));
      if (!Number.isNaN(n) || /^nan$/i.test(def)) {
        expectedScalar = n;
        break;
      }
    }
    try {
      expected.push(parseSeriesDesc(def));
    } catch (err) {
      throw new ScriptError(i + 1, err instanceof Error ? err.message : String(err));
    }
  }
  cmds.push({
    kind: 'eval',
    line,
    expr,
    range,
    atMs: expectedRangeVector !== undefined ? expectedRangeVector.endMs : atMs,
    fail: fail || expectations.some((e) => e.kind === 'fail'),
    ordered: mod === 'ordered' || expectations.some((e) => e.kind === 'ordered'),
    warn: mod === 'warn',
    info: mod === 'info',
    expectations,
    ...(failMessage !== undefined ? { failMessage } : {}),
    ...(failRegexp !== undefined ? { failRegexp } : {}),
    expected,
    ...(expectedScalar !== undefined ? { expectedScalar } : {}),
    ...(expectedString !== undefined ? { expectedString } : {}),
    ...(expectedRangeVector !== undefined ? { expectedRangeVector } : {}),
  });
  return i;
}
