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
 *     a duration, any unknown name) calls `ln` padded with spaces instead; the converter reads every literal and
 *     name from the original text, so the rewrite is invisible in the AST.
 *  3. `@prometheus-io/lezer-promql` parses; the first error node is a syntax error, worded like Go's
 *     ("unexpected end of input", `unexpected identifier "b"`), without Go's "in <context>, expected <…>" tails.
 *  4. convert.ts builds the AST with the checks of Go's grammar actions, check.ts runs `checkAST`.
 *
 * Known differences from Go are listed with the tests (test/unit/promql/parser.golden.test.ts).
 */
import { parser as lezerParser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { PromQLParseError } from '../../errors.js';
import type { Expr } from '../ast.js';
import { checkExpr } from './check.js';
import { Converter } from './convert.js';
import { lookupFunction } from './functions.js';
import { describeItem, goQuote, lex, type Item, type ItemType } from './lexer.js';
import { LiteralError, parseDurationMs } from './literals.js';

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
}

const CALL_KEYWORDS: ReadonlySet<ItemType> = new Set<ItemType>(['START', 'END', 'STEP', 'RANGE', 'MIN_OF', 'MAX_OF']);
const EXPRESSION_START_AFTER: ReadonlySet<ItemType> = new Set<ItemType>([
  'LEFT_PAREN', 'COMMA', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'EQLC', 'NEQ', 'LTE', 'LSS', 'GTE', 'GTR',
  'TRIM_UPPER', 'TRIM_LOWER', 'LAND', 'LOR', 'LUNLESS', 'ATAN2', 'BOOL',
]);
const LEZER_NUMBER = /^(?:(?:\d+(?:_?\d)*(?:\.\d+(?:_?\d)*)?|\.\d+(?:_?\d)*)(?:[eE][+-]?\d+(?:_?\d)*)?|0x[0-9a-fA-F]+|inf|nan)$/i;

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
  const compat = options.compat ?? '3';
  const { items, error: lexError } = lex(input);
  const significant = items.filter((i) => i.type !== 'COMMENT');

  if (lexError === null && significant.every((i) => i.type === 'EOF')) {
    throw new PromQLParseError(input, { start: 0, end: 0 }, 'no expression found in input');
  }

  const text = input.split('');
  const put = (at: number, replacement: string): void => {
    for (let k = 0; k < replacement.length; k++) text[at + k] = replacement[k] as string;
  };
  const tokens = new Map<number, Item>();
  const renamedFunctions = new Map<number, string>();
  const pending: Pending[] = [];
  if (lexError !== null) pending.push({ pos: lexError.pos, tokenPos: lexError.tokenPos, end: input.length, message: lexError.message });

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

    // `offset` is also a metric name (metric_identifier in generated_parser.y), but an unconditional keyword for
    // lezer: where an expression starts, hand lezer an identifier of the same length.
    if (item.type === 'OFFSET' && (prev === undefined || EXPRESSION_START_AFTER.has(prev.type))) {
      offsetDepth = -1;
      put(item.pos, 'o'.padEnd(item.val.length, 'x'));
      continue;
    }

    if (/^[A-Za-z_]+$/.test(item.val) && item.type !== 'IDENTIFIER' && item.type !== 'NUMBER' && item.type !== 'METRIC_IDENTIFIER') {
      put(item.pos, item.val.toLowerCase());
    }

    if (item.type === 'NUMBER') {
      if (compat === '2' && item.val.includes('_')) {
        const bad = item.val.slice(0, item.val.indexOf('_') + 1);
        pending.push({ pos: item.pos, tokenPos: item.pos, end: item.pos + item.val.length, message: `bad number or duration syntax: ${goQuote(bad)}` });
      }
      if (!LEZER_NUMBER.test(item.val)) put(item.pos, '0'.padEnd(item.val.length, ' '));
    } else if (item.type === 'DURATION') {
      try {
        parseDurationMs(item.val);
      } catch (err) {
        if (!(err instanceof LiteralError)) throw err;
        pending.push({ pos: item.pos, tokenPos: item.pos, end: item.pos + item.val.length, message: err.message });
      }
    }

    const callable = item.type === 'IDENTIFIER' || (CALL_KEYWORDS.has(item.type) && !inDuration && !((item.type === 'START' || item.type === 'END') && prev?.type === 'AT'));
    if (callable && next?.type === 'LEFT_PAREN' && !inDuration) {
      const name = item.val;
      if (!(lookupFunction(name, compat) !== undefined && grammarKnowsFunction(name))) {
        if (name.length >= 2) {
          put(item.pos, 'ln'.padEnd(name.length, ' '));
          renamedFunctions.set(item.pos, name);
        } else {
          pending.push({ pos: item.pos, tokenPos: item.pos, end: item.pos + name.length, message: `unknown function with name ${goQuote(name)}` });
        }
      }
    }
  }

  const rewritten = text.join('');
  const tree = lezerParser.parse(rewritten);
  const syntaxError = firstErrorNode(tree.topNode);
  pending.sort((a, b) => a.tokenPos - b.tokenPos);
  const firstPending = pending[0];

  if (syntaxError !== null) {
    if (firstPending !== undefined && firstPending.tokenPos <= syntaxError.from) {
      throw new PromQLParseError(input, { start: firstPending.pos, end: firstPending.end }, firstPending.message);
    }
    throw syntaxErrorAt(input, significant, syntaxError.from);
  }
  if (firstPending !== undefined) {
    throw new PromQLParseError(input, { start: firstPending.pos, end: firstPending.end }, firstPending.message);
  }

  const converter = new Converter({
    input, tokens, renamedFunctions, compat,
    experimentalFunctions: options.experimentalFunctions ?? false,
    binopFillModifiers: options.binopFillModifiers ?? false,
  });
  try {
    return checkExpr(input, converter.convertTop(tree.topNode));
  } catch (err) {
    if (err instanceof PromQLParseError) throw err;
    // A tree shape the converter does not expect: a bug here, but still a typed error for the caller.
    const detail = err instanceof Error ? err.message : String(err);
    throw new PromQLParseError(input, { start: 0, end: input.length }, `unexpected error: ${detail}`);
  }
}

function firstErrorNode(top: SyntaxNode): { from: number; to: number } | null {
  let found: { from: number; to: number } | null = null;
  top.cursor().iterate((n) => {
    if (n.type.isError && (found === null || n.from < found.from)) found = { from: n.from, to: n.to };
    return found === null;
  });
  return found;
}

/**
 * "unexpected <token>[ in <context>, expected <…>]" for the Go token at (or right after) a lezer error offset.
 * The context tails are those of the error productions in generated_parser.y (label matching, grouping opts,
 * aggregation, subquery or range, offset, @), recognised from the tokens before the unexpected one.
 */
function syntaxErrorAt(input: string, items: readonly Item[], at: number): PromQLParseError {
  let index = items.findIndex((i) => i.pos <= at && at < i.pos + i.val.length);
  if (index < 0) index = items.findIndex((i) => i.pos >= at);
  if (index < 0) index = items.length - 1;
  const item = items[index] ?? ({ type: 'EOF', pos: input.length, val: '' } as const);
  const before = items.slice(0, Math.max(0, index));
  const prev = before[before.length - 1];
  // `f(a,)`: Go's function_call_args rule has its own message, at the comma.
  if (item.type === 'RIGHT_PAREN' && prev?.type === 'COMMA') {
    return new PromQLParseError(input, { start: prev.pos, end: prev.pos + 1 }, 'trailing commas not allowed in function call args');
  }
  const tail = errorContext(before);
  return new PromQLParseError(input, { start: item.pos, end: item.pos + item.val.length }, `unexpected ${describeItem(item)}${tail}`);
}

const MATCH_OP_TYPES: ReadonlySet<ItemType> = new Set<ItemType>(['EQL', 'NEQ', 'EQL_REGEX', 'NEQ_REGEX']);

function errorContext(before: readonly Item[]): string {
  const prev = before[before.length - 1];
  if (prev === undefined) return '';
  // Innermost open brace, bracket or grouping parenthesis.
  let open = -1;
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const t = (before[i] as Item).type;
    if (t === 'RIGHT_BRACE' || t === 'RIGHT_BRACKET') break;
    if (t === 'RIGHT_PAREN') depth++;
    else if (t === 'LEFT_PAREN') {
      if (depth === 0) {
        const owner = before[i - 1]?.type;
        if (owner === 'BY' || owner === 'WITHOUT' || owner === 'ON' || owner === 'IGNORING' || owner === 'GROUP_LEFT' || owner === 'GROUP_RIGHT') {
          open = i;
          break;
        }
      } else depth--;
    } else if (t === 'LEFT_BRACE' || t === 'LEFT_BRACKET') {
      open = i;
      break;
    }
  }
  const opener = open >= 0 ? (before[open] as Item) : undefined;
  if (opener?.type === 'LEFT_BRACE') {
    let start = open + 1;
    for (let i = before.length - 1; i > open; i--) {
      if ((before[i] as Item).type === 'COMMA') {
        start = i + 1;
        break;
      }
    }
    const m = before.slice(start).map((i) => i.type);
    if (m.length === 0) return ' in label matching, expected identifier or "}"';
    if (m.length === 1) return m[0] === 'STRING' ? ' in label matching, expected "," or "}"' : ' in label matching, expected label matching operator';
    if (m.length === 2 && MATCH_OP_TYPES.has(m[1] as ItemType)) return ' in label matching, expected string';
    if (m.length === 3) return ' in label matching, expected "," or "}"';
    return '';
  }
  if (opener?.type === 'LEFT_PAREN') {
    return prev.type === 'LEFT_PAREN' || prev.type === 'COMMA' ? ' in grouping opts, expected label' : ' in grouping opts, expected "," or ")"';
  }
  if (prev.type === 'BY' || prev.type === 'WITHOUT' || prev.type === 'ON' || prev.type === 'IGNORING') return ' in grouping opts, expected "("';
  if (prev.type === 'OFFSET') return ' in offset, expected number, duration, step(), or range()';
  if (prev.type === 'AT') return ' in @, expected timestamp';
  if (opener?.type === 'LEFT_BRACKET') {
    const inside = before.slice(open + 1);
    if (!inside.some((i) => i.type === 'NUMBER' || i.type === 'DURATION' || i.type === 'RIGHT_PAREN')) {
      return ' in subquery or range selector, expected number, duration, step(), or range()';
    }
    const colon = inside.findIndex((i) => i.type === 'COLON');
    if (colon < 0) return ' in subquery or range, expected ":" or "]"';
    if (colon === inside.length - 1) return ' in subquery selector, expected number, duration, step(), range(), or "]"';
    return ' in subquery selector, expected "]"';
  }
  return '';
}
