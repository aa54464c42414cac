/**
 * Differential test against Prometheus's own parser: for every golden input (see fixtures/golden-gen/README.md),
 * parseExpr must fail with Go's exact message, or succeed with Go's AST, and formatExpr must print what Go's
 * `Expr.String()` prints.
 */
import { describe, expect, it } from 'vitest';
import { PromQLParseError } from '../../../src/errors.js';
import { formatExpr, parseExpr } from '../../../src/promql/parser/index.js';
import { comparable, loadGoldens, optionsOf, type Golden } from './golden.js';

/**
 * Where our printed form differs from Go's on purpose. Go keeps `\xff`-style escapes as raw bytes (an invalid
 * UTF-8 string) and prints them back as `\xff`; a JavaScript string cannot hold such bytes, so they decode to
 * U+FFFD, which we print as `\ufffd` (see literals.ts and printer.ts).
 */
const KNOWN_PRINT_DIFFERENCES: readonly string[] = [
  String.raw`"\a\b\f\n\r\t\v\\\" - \xFF\377\u1234\U00010111\U0001011111☺"`,
  String.raw`'\a\b\f\n\r\t\v\\\' - \xFF\377\u1234\U00010111\U0001011111☺'`,
  String.raw`count_values("a\xc5z", version)`,
  String.raw`label_replace(testmetric, "\xff", "", "src", "(.*)")`,
];

interface Mismatch {
  input: string;
  options: string | undefined;
  go: unknown;
  ours: unknown;
}

function compare(goldens: readonly Golden[]): { mismatches: Mismatch[]; printDiffs: string[] } {
  const mismatches: Mismatch[] = [];
  const printDiffs: string[] = [];
  for (const g of goldens) {
    const opts = optionsOf(g);
    let outcome: { error: string } | { ast: unknown; printed: string };
    try {
      const ast = parseExpr(g.input, opts);
      outcome = { ast: comparable(ast), printed: formatExpr(ast, { unquotedUtf8Names: opts.unquotedUtf8Names ?? false }) };
    } catch (err) {
      if (!(err instanceof PromQLParseError)) throw err;
      expect(err.code).toBe('FPB_ERR_PROMQL_PARSE');
      outcome = { error: err.message };
    }
    if (g.error !== undefined) {
      if (!('error' in outcome) || outcome.error !== g.error) mismatches.push({ input: g.input, options: g.options, go: g.error, ours: outcome });
      continue;
    }
    if ('error' in outcome) {
      mismatches.push({ input: g.input, options: g.options, go: g.printed, ours: outcome.error });
      continue;
    }
    if (g.ast !== undefined && JSON.stringify(comparable(g.ast)) !== JSON.stringify(outcome.ast)) {
      mismatches.push({ input: g.input, options: g.options, go: g.ast, ours: outcome.ast });
    }
    if (outcome.printed !== g.printed) printDiffs.push(g.input);
  }
  return { mismatches, printDiffs };
}

describe('parseExpr and formatExpr agree with Prometheus 3.16', () => {
  for (const file of ['parser-tests.golden.jsonl', 'token-soups.golden.jsonl', 'modifier-chains.golden.jsonl', 'conformance-3.16.golden.jsonl']) {
    it(file, () => {
      const goldens = loadGoldens(file);
      expect(goldens.length).toBeGreaterThan(500);
      const { mismatches, printDiffs } = compare(goldens);
      expect(mismatches).toEqual([]);
      expect(printDiffs).toEqual(KNOWN_PRINT_DIFFERENCES.filter((k) => goldens.some((g) => g.input === k && g.printed !== undefined)));
    });
  }

  it('the goldens cover both outcomes', () => {
    const all = ['parser-tests.golden.jsonl', 'token-soups.golden.jsonl'].flatMap(loadGoldens);
    expect(all.filter((g) => g.error !== undefined).length).toBeGreaterThan(1000);
    expect(all.filter((g) => g.printed !== undefined).length).toBeGreaterThan(500);
  });
});
