/**
 * `parseExpr`: PromQL text → typed AST (src/promql/ast.ts), with Prometheus's acceptance rules and error wording.
 * The equivalent of `ParseExpr` in `promql/parser/parse.go` at v0.316.0.
 *
 * Pipeline:
 *  1. lexer.ts (a port of Go's lexer) cuts the query into Prometheus's tokens. A lexer error is reported as Go
 *     reports it ("unclosed left parenthesis", "unterminated quoted string", …).
 *  2. The tokens give lezer an equivalent text of the same length (so every offset stays valid), closing the known
 *     gaps of the 0.315.0 grammar against Go: keywords are lowercased (Go's are case-insensitive: `STEP()` in a
 *     range), numbers lezer does not know (`2.`, `1./6.`, `0X1F`, `0x_1f`) become a `0` padded with spaces, and
 *     a call of a function the grammar does not know (`holt_winters` in compat "2", `integral`, `min_of(…)` outside
 *     a duration, any unknown name) calls `ln` padded with spaces instead, `offset` where an expression starts (a
 *     metric name in Go) becomes a plain identifier, and names with Unicode letters or dots become `x`s; the
 *     converter reads every literal and name from the original text, so the rewrite is invisible in the AST.
 *  3. `@prometheus-io/lezer-promql` parses in strict mode; its first error is a syntax error, worded like Go's
 *     (syntax-error.ts). Go reports the error it meets first while reading left to right, so a grammar-action error
 *     of a construct that ends earlier wins (`earlierActionError`).
 *  4. convert.ts builds the AST with the checks of Go's grammar actions (and corrects lezer's precedence of the
 *     postfix modifiers and of `-2^2`), check.ts runs `checkAST`.
 *
 * Measured against Prometheus's own parser in test/unit/promql/parser.golden.test.ts (identical ASTs and
 * messages on its tests, 3000 token soups and the conformance scripts).
 */
import { parser as lezerParser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';
import { PromQLParseError } from '../../errors.js';
import type { Expr } from '../ast.js';
import { checkExpr } from './check.js';
import { Converter } from './convert.js';
import { lookupFunction } from './functions.js';
import { describeItem, goQuote, lex, type Item } from './lexer.js';
import { LiteralError, parseDurationMs } from './literals.js';
import { CALL_KEYWORDS, EXPRESSION_START_AFTER, expressionStarts, syntaxErrorAt } from './syntax-error.js';

/** Parsing options; where Prometheus 2.x and 3.x parse differently, `compat` picks the line. */
export interface ParseOptions {
  /**
   * `'3'` (default): Prometheus 3.16. `'2'`: Prometheus 2.x (2.42 as shipped by Debian): `holt_winters` exists;
   * durations need a unit (`[5]` is "missing unit character in duration"), offsets and ranges must be > 0, no
   * duration arithmetic, no `_` in numbers, no quoted (UTF-8) metric or label names.
   */
  readonly compat?: '2' | '3';
  /** Prometheus's `--enable-feature=promql-experimental-functions` (experimental functions, limitk, limit_ratio). */
  readonly experimentalFunctions?: boolean;
  /** Prometheus's `--enable-feature=promql-binop-fill-modifiers` (`fill()`, `fill_left()`, `fill_right()`). */
  readonly binopFillModifiers?: boolean;
  /**
   * Go's `Options.EnableUnquotedUTF8Names` (on in Prometheus's own test engine): Unicode letters and non-leading
   * dots in unquoted metric and label names (`http.server.requests{service.name="api"}`).
   */
  readonly unquotedUtf8Names?: boolean;
}

// The number token of the 0.315.0 grammar (lowercase `0x` only), plus the inf/nan keywords in any case.
const LEZER_NUMBER = /^(?:(?:\d+(?:_?\d)*(?:\.\d+(?:_?\d)*)?|\.\d+(?:_?\d)*)(?:[eE][+-]?\d+(?:_?\d)*)?|0x[0-9a-fA-F]+|[iI][nN][fF]|[nN][aA][nN])$/;

// Strict mode stops at the first error instead of repairing the input: cheaper on broken input, and the first error
// is all Go reports.
const strictParser = lezerParser.configure({ strict: true });

const grammarFunctions = new Map<string, boolean>();

/** Whether lezer 0.315.0 parses `name(…)` as a call (function names are grammar keywords there). */
function grammarKnowsFunction(name: string): boolean {
  let known = grammarFunctions.get(name);
  if (known === undefined) {
    const tree = lezerParser.parse(`${name}()`);
    let clean = true;
    tree.iterate({ enter: (n) => { if (n.type.isError) clean = false; } });
    known = clean && tree.topNode.firstChild?.name === 'FunctionCall';
    grammarFunctions.set(name, known);
  }
  return known;
}

interface Pending {
  readonly kind: ErrorKind;
  readonly pos: number;
  /** Where the parser meets the error (see LexError.tokenPos). */
  readonly tokenPos: number;
  readonly end: number;
  readonly message: string;
}

/**
 * Parses a PromQL expression.
 *
 * @returns the AST; `pos` fields are offsets into `input`
 * @throws PromQLParseError (`FPB_ERR_PROMQL_PARSE`) for a lexer, syntax or type error, with Prometheus's
 *   `<line>:<col>: parse error: <detail>` message. Nothing else is thrown for any input string.
 */
export function parseExpr(input: string, options: ParseOptions = {}): Expr {
  const outcome = parseInternal(input, options, true);
  if (outcome.error !== null) throw outcome.error;
  return outcome.expr;
}

/**
 * How an error arises in Go: in the lexer, as a syntax error of the generated parser, or in a grammar action
 * (a reduction). Go reports the error it records first; see `earlierActionError`.
 */
type ErrorKind = 'lex' | 'syntax' | 'action';

type Outcome = { readonly expr: Expr; readonly error: null } | { readonly error: PromQLParseError; readonly kind: ErrorKind };

/**
 * Go records errors in the order it meets them while it reads tokens left to right, and a construct is reduced
 * (its action checks run) as soon as the parser has seen its end. So when a syntax or lexer error sits at `pos`,
 * a grammar-action error of a construct that ends before `pos` came first (`end() .5`: `function "end" is not
 * enabled`, not the stray number). Found by parsing the prefix before `pos` with the action checks only.
 */
function earlierActionError(input: string, items: readonly Item[], pos: number, options: ParseOptions): PromQLParseError | null {
  // The longest prefix, ending after a token before `pos`, that is a complete expression holds every construct Go
  // has reduced by then. Bounded, so that a long broken query costs a few dozen extra parses at most.
  const ends = items.filter((i) => i.type !== 'EOF' && i.pos + i.val.length <= pos).map((i) => i.pos + i.val.length);
  let budget = MAX_PREFIX_CHARS;
  for (let k = ends.length - 1, tries = 0; k >= 0 && tries < MAX_PREFIX_TRIES && budget > 0; k--, tries++) {
    budget -= ends[k] as number;
    // Close the parentheses still open there: a call or aggregation inside them is reduced as Go reduces it.
    const end = ends[k] as number;
    // Positions of the tokens before each unclosed '(' or '{' (a call's or aggregation's name), and the closers.
    const open: { owner: number; closer: string }[] = [];
    let prevPos = -1;
    for (const i of items) {
      if (i.pos >= end) break;
      if (i.type === 'LEFT_PAREN') open.push({ owner: prevPos, closer: ')' });
      else if (i.type === 'LEFT_BRACE') open.push({ owner: prevPos, closer: '}' });
      else if (i.type === 'RIGHT_PAREN' || i.type === 'RIGHT_BRACE') open.pop();
      prevPos = i.pos;
    }
    const closers = open.map((o) => o.closer).reverse().join('');
    const prefix = parseInternal(input.slice(0, end) + closers, options, false);
    if (prefix.error === null) return null;
    if (prefix.kind === 'action') {
      // A call or aggregation we closed ourselves was never reduced by Go: its own complaint does not count.
      if (open.some((o) => o.owner === prefix.error.position.start)) return null;
      return new PromQLParseError(input, prefix.error.position, prefix.error.detail);
    }
  }
  return null;
}

const MAX_PREFIX_TRIES = 32;
// Characters re-parsed at most per error, so that a huge broken query (the HTTP API takes any) costs little.
const MAX_PREFIX_CHARS = 64 * 1024;

function parseInternal(input: string, options: ParseOptions, typeCheck: boolean): Outcome {
  const fail = (kind: ErrorKind, pos: { start: number; end: number }, detail: string): Outcome => ({
    error: new PromQLParseError(input, pos, detail), kind,
  });
  const compat = options.compat ?? '3';
  const { items, error: lexError } = lex(input, options.unquotedUtf8Names ?? false);
  const significant = items.filter((i) => i.type !== 'COMMENT');

  if (lexError === null && significant.every((i) => i.type === 'EOF')) {
    return fail('syntax', { start: 0, end: 0 }, 'no expression found in input');
  }

  const text = input.split('');
  const put = (at: number, replacement: string): void => {
    for (let k = 0; k < replacement.length; k++) text[at + k] = replacement[k] as string;
  };
  const tokens = new Map<number, Item>();
  const renamedFunctions = new Map<number, string>();
  const pending: Pending[] = [];
  if (lexError !== null) pending.push({ kind: 'lex', pos: lexError.pos, tokenPos: lexError.tokenPos, end: input.length, message: lexError.message });

  const exprStart = expressionStarts(significant);
  let bracketOpen = false;
  let offsetDepth = -1; // ≥ 0 while inside the duration after `offset`.
  for (let i = 0; i < significant.length; i++) {
    const item = significant[i] as Item;
    const prev = significant[i - 1];
    const next = significant[i + 1];
    tokens.set(item.pos, item);
    const inDuration = bracketOpen || offsetDepth >= 0;

    if (item.type === 'LEFT_BRACKET') bracketOpen = true;
    else if (item.type === 'RIGHT_BRACKET') bracketOpen = false;
    if (offsetDepth >= 0) {
      if (item.type === 'LEFT_PAREN') offsetDepth++;
      else if (item.type === 'RIGHT_PAREN') offsetDepth = offsetDepth - 1 === 0 ? -1 : offsetDepth - 1;
      else if (offsetDepth === 0 && !['ADD', 'SUB', 'STEP', 'RANGE', 'MIN_OF', 'MAX_OF'].includes(item.type)) offsetDepth = -1;
    }
    if (item.type === 'OFFSET') offsetDepth = 0;

    // `atan2` is an operator token in Go, never a name; lezer would take it for a metric name at an expression start.
    if (item.type === 'ATAN2' && exprStart[i] === true) {
      pending.push({ kind: 'syntax', pos: item.pos, tokenPos: item.pos, end: item.pos + item.val.length, message: `unexpected ${describeItem(item)}` });
    }

    // `offset` is also a metric name (metric_identifier in generated_parser.y), but an unconditional keyword for
    // lezer: where an expression starts, hand lezer an identifier of the same length.
    if (item.type === 'OFFSET' && exprStart[i] === true) {
      offsetDepth = -1;
      put(item.pos, 'o'.padEnd(item.val.length, 'x'));
      continue;
    }

    if (/^[A-Za-z_]+$/.test(item.val) && item.type !== 'IDENTIFIER' && item.type !== 'NUMBER' && item.type !== 'METRIC_IDENTIFIER') {
      put(item.pos, item.val.toLowerCase());
    }

    if (item.type === 'NUMBER') {
      if (compat === '2' && item.val.includes('_')) {
        // 2.x's lexer stops before the underscore (observed with promtool 2.42: `1_000` → "1").
        const bad = item.val.slice(0, item.val.indexOf('_'));
        pending.push({ kind: 'lex', pos: item.pos, tokenPos: item.pos, end: item.pos + item.val.length, message: `bad number or duration syntax: ${goQuote(bad)}` });
      }
      // The stand-in `0` goes last: Go lets a number follow a name directly (`or.5`), lezer must not see `or0`.
      if (!LEZER_NUMBER.test(item.val)) {
        put(item.pos, '0'.padStart(item.val.length, ' '));
        tokens.set(item.pos + item.val.length - 1, item);
      }
    } else if (item.type === 'DURATION') {
      try {
        parseDurationMs(item.val);
      } catch (err) {
        if (!(err instanceof LiteralError)) throw err;
        pending.push({ kind: 'action', pos: item.pos, tokenPos: item.pos, end: item.pos + item.val.length, message: err.message });
      }
    }

    const callable = item.type === 'IDENTIFIER' || (CALL_KEYWORDS.has(item.type) && !inDuration && !((item.type === 'START' || item.type === 'END') && prev?.type === 'AT'));
    if (callable && next?.type === 'LEFT_PAREN' && !inDuration) {
      const name = item.val;
      if (!(lookupFunction(name, compat) !== undefined && grammarKnowsFunction(name))) {
        if (name.length >= 2 || /\s/.test(input[item.pos + 1] ?? '')) {
          // `ln` padded with spaces (or, for a one-letter name, spilling into the blank after it).
          put(item.pos, 'ln'.padEnd(name.length, ' '));
          renamedFunctions.set(item.pos, name);
        } else {
          // Too short for a stand-in, so lezer stumbles on the '(': a call Go completes is reported as unknown;
          // for one it never completes, the lexer's complaint (an unclosed parenthesis) is what Go says.
          if (matchingParen(significant, i + 1) !== undefined) {
            pending.push({ kind: 'action', pos: item.pos, tokenPos: item.pos, end: item.pos + name.length, message: `unknown function with name ${goQuote(name)}` });
          } else if (lexError !== null && next !== undefined) {
            pending.push({ kind: 'lex', pos: lexError.pos, tokenPos: next.pos, end: input.length, message: lexError.message });
          }
        }
      }
    }
  }

  // Names with Unicode letters or dots (unquotedUtf8Names): lezer only knows ASCII names; it gets x's, the converter
  // reads the real name from the input.
  for (const item of significant) {
    if ((item.type === 'IDENTIFIER' || item.type === 'METRIC_IDENTIFIER') && !renamedFunctions.has(item.pos) && /[^\x00-\x7f]|\./.test(item.val)) {
      put(item.pos, 'x'.repeat(item.val.length));
    }
  }

  const rewritten = text.join('');
  let tree: Tree | null = null;
  let syntaxError: { from: number } | null = null;
  try {
    tree = strictParser.parse(rewritten);
  } catch (err) {
    const m = /No parse at (\d+)/.exec(err instanceof Error ? err.message : '');
    if (m === null) throw err;
    syntaxError = { from: Number(m[1]) };
  }
  // Even in strict mode lezer marks a node it gives up on (nesting beyond its depth limit) as an error.
  if (tree !== null) syntaxError = firstErrorNode(tree.topNode);
  pending.sort((a, b) => a.tokenPos - b.tokenPos);
  const firstPending = pending[0];

  let first: Outcome | null = null;
  let firstAt = 0;
  // A lexer error on the token the parser stumbled on comes first; an action error only if its token came before
  // (a bad duration that is itself the unexpected token is never reduced).
  const pendingFirst = (p: Pending, at: number): boolean => (p.kind === 'action' ? p.tokenPos < at : p.tokenPos <= at);
  if (syntaxError !== null && !(firstPending !== undefined && pendingFirst(firstPending, syntaxError.from))) {
    const err = syntaxErrorAt(input, significant, syntaxError.from);
    first = { error: err, kind: 'syntax' };
    firstAt = err.position.start;
  } else if (firstPending !== undefined) {
    first = fail(firstPending.kind, { start: firstPending.pos, end: firstPending.end }, firstPending.message);
    firstAt = firstPending.tokenPos;
  }
  if (first !== null) {
    if (!typeCheck) return first;
    const earlier = earlierActionError(input, significant, firstAt, options);
    return earlier !== null ? { error: earlier, kind: 'action' } : first;
  }

  const converter = new Converter({
    input, tokens, renamedFunctions, compat,
    experimentalFunctions: options.experimentalFunctions ?? false,
    binopFillModifiers: options.binopFillModifiers ?? false,
  });
  // No syntax error here, so strict lezer gave a tree.
  if (tree === null) return fail('syntax', { start: 0, end: input.length }, 'unexpected error: no syntax tree');
  try {
    const expr = converter.convertTop(tree.topNode);
    return { expr: typeCheck ? checkExpr(input, expr) : expr, error: null };
  } catch (err) {
    if (err instanceof PromQLParseError) return { error: err, kind: 'action' };
    // A tree shape the converter does not expect: a bug here, but still a typed error for the caller.
    const detail = err instanceof Error ? err.message : String(err);
    return fail('action', { start: 0, end: input.length }, `unexpected error: ${detail}`);
  }
}

function matchingParen(items: readonly Item[], open: number): Item | undefined {
  let depth = 0;
  for (let i = open; i < items.length; i++) {
    const t = (items[i] as Item).type;
    if (t === 'LEFT_PAREN') depth++;
    else if (t === 'RIGHT_PAREN' && --depth === 0) return items[i];
  }
  return undefined;
}

function firstErrorNode(top: SyntaxNode): { from: number } | null {
  let found: { from: number } | null = null;
  top.cursor().iterate((n) => {
    if (n.type.isError && (found === null || n.from < found.from)) found = { from: n.from };
    return found === null;
  });
  return found;
}
