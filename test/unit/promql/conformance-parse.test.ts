/**
 * Every expression of the upstream 3.16 conformance scripts (../shared/conformance/promql-3.16/*.test) must parse.
 *
 * Prometheus's runner (`parseEval` in promql/promqltest/test.go at v0.316.0) parses the expression of every
 * `eval`, `eval_fail`, `eval_warn`, `eval_info` and `eval_ordered` command when it loads the script and fails the
 * whole script on a parse error; `eval_fail` cases fail at evaluation, not at parsing. Its parser options are
 * `promqltest.TestParserOpts`: experimental functions, binop fill modifiers and unquoted UTF-8 names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PromQLParseError } from '../../../src/errors.js';
import { parseExpr, type ParseOptions } from '../../../src/promql/parser/index.js';
import { CONFORMANCE_REQUIRED, conformanceDir } from '../../support/conformance.js';

const SUITE = conformanceDir('promql-3.16');
const DIR = SUITE.ok ? SUITE.dir : '';
const TEST_ENGINE_OPTIONS: ParseOptions = { experimentalFunctions: true, binopFillModifiers: true, unquotedUtf8Names: true };

// The command patterns of promqltest (patEvalInstant, patEvalRange); lines are trimmed there.
const INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

interface Eval {
  readonly file: string;
  readonly line: number;
  readonly expr: string;
}

function evals(): Eval[] {
  const out: Eval[] = [];
  if (!SUITE.ok) return out;
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.test')).sort()) {
    readFileSync(`${DIR}${file}`, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim();
        const m = INSTANT.exec(line) ?? RANGE.exec(line);
        if (m === null) return;
        out.push({ file, line: i + 1, expr: (INSTANT.test(line) ? m[3] : m[5]) as string });
      });
  }
  return out;
}

function failures(all: readonly Eval[], options: ParseOptions): Map<string, string> {
  const failed = new Map<string, string>();
  for (const e of all) {
    try {
      parseExpr(e.expr, options);
    } catch (err) {
      if (!(err instanceof PromQLParseError)) throw err;
      failed.set(`${e.file}:${e.line}`, err.detail);
    }
  }
  return failed;
}

/** Expressions that do not parse, by `file:line`, with the reason. None today. */
const KNOWN_FAILURES: ReadonlyMap<string, string> = new Map();

const ALL = evals();

describe.runIf(SUITE.ok)('the 3.16 conformance scripts parse', () => {
  it('finds the eval commands of every script', () => {
    const files = new Set(ALL.map((e) => e.file));
    expect(files.size).toBe(readdirSync(DIR).filter((f) => f.endsWith('.test')).length);
    expect(ALL.length).toBeGreaterThan(2000);
  });

  it("with the test engine's options: everything parses except the known failures", () => {
    expect(failures(ALL, TEST_ENGINE_OPTIONS)).toEqual(KNOWN_FAILURES);
  });

  it('with default options, only expressions behind a feature flag fail, each with the flag-specific error', () => {
    const failed = failures(ALL, {});
    // Experimental functions, limitk/limit_ratio, fill modifiers, and unquoted UTF-8 names (a lexer error on '.'
    // or a non-ASCII letter).
    const gates = [
      /^function "\w+" is not enabled$/,
      /^\w+\(\) is experimental and must be enabled with --enable-feature=promql-experimental-functions$/,
      /^binop fill modifiers are experimental and not enabled$/,
      /^unexpected character: '(\.|\p{L})'$/u,
    ];
    // unquoted_utf8_names.test is about that flag throughout (`bool.total` fails as "unexpected <bool>" without it).
    const ungated = [...failed].filter(([key, detail]) => !key.startsWith('unquoted_utf8_names.test:') && !gates.some((g) => g.test(detail)));
    expect(ungated).toEqual([]);
    const perFile = (f: string): number => [...failed.keys()].filter((k) => k.startsWith(`${f}:`)).length;
    // The scripts of the feature-flagged features are the ones that need them.
    expect(perFile('fill-modifier.test')).toBeGreaterThan(0);
    expect(perFile('unquoted_utf8_names.test')).toBeGreaterThan(0);
    expect(perFile('limit.test')).toBeGreaterThan(0);
    expect(perFile('staleness.test') + perFile('selectors.test') + perFile('operators.test')).toBe(0);
  });
});

if (!SUITE.ok) {
  describe('the 3.16 conformance scripts', () => {
    if (CONFORMANCE_REQUIRED) {
      it('are beside the checkout', () => {
        throw new Error(SUITE.reason);
      });
    } else {
      it.skip(`not run: ${SUITE.reason}`, () => undefined);
    }
  });
}
