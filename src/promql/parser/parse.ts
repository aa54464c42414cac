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
  /**
   * Go's `Options.EnableUnquotedUTF8Names` (on in Prometheus's own test engine): Unicode letters and non-leading
   * dots in unquoted metric and label names (`http.server.requests{service.name="api"}`).
   */
  readonly unquotedUtf8Names?: boolean;
}

const CALL_KEYWORDS: ReadonlySet<ItemType> = new Set<ItemType>(['START', 'END', 'STEP', 'RANGE', 'MIN_OF', 'MAX_OF']);
const EXPRESSION_START_AFTER: ReadonlySet<ItemType> = new Set<ItemType>([
  'LEFT_PAREN', 'COMMA', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'EQLC', 'NEQ', 'LTE', 'LSS', 'GTE', 'GTR',
  'TRIM_UPPER', 'TRIM_LOWER', 'LAND', 'LOR', 'LUNLESS', 'ATAN2', 'BOOL',
]);
// Keyword tokens that are also metric names (metric_identifier in generated_parser.y).
const NAME_KEYWORDS: ReadonlySet<ItemType> = new Set<ItemType>([
  'AVG', 'BOTTOMK', 'BY', 'COUNT', 'COUNT_VALUES', 'FILL', 'FILL_LEFT', 'FILL_RIGHT', 'GROUP', 'LAND', 'LOR', 'LUNLESS',
  'MAX', 'MIN', 'OFFSET', 'QUANTILE', 'STDDEV', 'STDVAR', 'SUM', 'TOPK', 'WITHOUT', 'START', 'END', 'LIMITK',
  'LIMIT_RATIO', 'STEP', 'RANGE', 'ANCHORED', 'SMOOTHED', 'MAX_OF', 'MIN_OF',
]);

/**
 * For each token, whether an expression starts there: at the beginning, or after an operator, `(`, `,` or `bool`
 * that is not itself a name (`unless atan2 x`: `unless` starts the expression as a metric name, so `atan2` is the
 * operator after it).
 */
function expressionStarts(items: readonly Item[]): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < items.length; i++) {
    const prev = items[i - 1];
    out.push(prev === undefined || (EXPRESSION_START_AFTER.has(prev.type) && !(NAME_KEYWORDS.has(prev.type) && out[i - 1] === true)));
  }
  return out;
}

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
  for (let k = ends.length - 1, tries = 0; k >= 0 && tries < MAX_PREFIX_TRIES; k--, tries++) {
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
        const bad = item.val.slice(0, item.val.indexOf('_') + 1);
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
        if (name.length >= 2) {
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
  const tree = lezerParser.parse(rewritten);
  const syntaxError = firstErrorNode(tree.topNode);
  pending.sort((a, b) => a.tokenPos - b.tokenPos);
  const firstPending = pending[0];

  let first: Outcome | null = null;
  let firstAt = 0;
  if (syntaxError !== null && !(firstPending !== undefined && firstPending.tokenPos <= syntaxError.from)) {
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
  // `f(a,` followed by anything that cannot start an argument: Go's `function_call_args COMMA` rule has its own
  // message, at the comma.
  if (prev?.type === 'COMMA' && callParenOwner(before) !== null) {
    return new PromQLParseError(input, { start: prev.pos, end: prev.pos + 1 }, 'trailing commas not allowed in function call args');
  }
  const tail = errorContext(before);
  return new PromQLParseError(input, { start: item.pos, end: item.pos + item.val.length }, `unexpected ${describeItem(item)}${tail}`);
}

const GROUPING_OWNERS: ReadonlySet<ItemType> = new Set<ItemType>(['BY', 'WITHOUT', 'ON', 'IGNORING', 'GROUP_LEFT', 'GROUP_RIGHT']);

/**
 * The token owning the innermost unclosed '(' when that parenthesis holds call or aggregation arguments (not
 * grouping labels, not a plain parenthesised expression); null otherwise, or when a brace or bracket is open inside.
 */
function callParenOwner(before: readonly Item[]): Item | null {
  const owner = unclosedParens(before).at(-1);
  if (owner === undefined || owner === null) return null;
  const ot = owner.type;
  return ot === 'IDENTIFIER' || AGGREGATOR_TYPES.has(ot) || CALL_KEYWORDS.has(ot) ? owner : null;
}

/**
 * The owners (token before the '(') of the parentheses still open after `before`, outermost first; null for a
 * grouping-label parenthesis or one at the start. Empty when a brace or bracket is open inside the innermost one.
 */
function unclosedParens(before: readonly Item[]): (Item | null)[] {
  const stack: { type: ItemType; owner: Item | null }[] = [];
  for (let i = 0; i < before.length; i++) {
    const t = (before[i] as Item).type;
    if (t === 'LEFT_PAREN' || t === 'LEFT_BRACE' || t === 'LEFT_BRACKET') {
      const owner = before[i - 1] ?? null;
      stack.push({ type: t, owner: owner !== null && GROUPING_OWNERS.has(owner.type) ? null : owner });
    } else if (t === 'RIGHT_PAREN' || t === 'RIGHT_BRACE' || t === 'RIGHT_BRACKET') stack.pop();
  }
  const top = stack.at(-1);
  if (top !== undefined && top.type !== 'LEFT_PAREN') return [];
  return stack.filter((e) => e.type === 'LEFT_PAREN').map((e) => e.owner);
}

const AGGREGATOR_TYPES: ReadonlySet<ItemType> = new Set<ItemType>([
  'SUM', 'AVG', 'COUNT', 'MIN', 'MAX', 'GROUP', 'STDDEV', 'STDVAR', 'TOPK', 'BOTTOMK', 'COUNT_VALUES', 'QUANTILE', 'LIMITK', 'LIMIT_RATIO',
]);
const MATCH_OP_TYPES: ReadonlySet<ItemType> = new Set<ItemType>(['EQL', 'NEQ', 'EQL_REGEX', 'NEQ_REGEX']);

function errorContext(before: readonly Item[]): string {
  const prev = before[before.length - 1];
  if (prev === undefined) return '';
  // A keyword where an expression starts is a metric name (`by`, `offset`, …: metric_identifier), not a modifier.
  const prevIsName = NAME_KEYWORDS.has(prev.type) && expressionStarts(before)[before.length - 1] === true;
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
  if (opener === undefined) {
    // Inside an aggregation's arguments at any depth, or in `sum by (…) (…`: goyacc's error recovery unwinds to
    // the `aggregate_op error` production.
    const owners = unclosedParens(before);
    for (let k = 0; k < before.length; k++) {
      const it = before[k] as Item;
      if (it.type !== 'LEFT_PAREN') continue;
      // `sum by (a) (`: the body's parenthesis follows the grouping labels' ')'.
      const ownerType = before[k - 1]?.type;
      if (ownerType === 'RIGHT_PAREN') {
        let j = k - 2;
        while (j >= 0 && (before[j] as Item).type !== 'LEFT_PAREN') j--;
        const agg = before[j - 2];
        if (agg !== undefined && AGGREGATOR_TYPES.has(agg.type) && owners.length > 0) return ' in aggregation';
      }
    }
    if (owners.some((o) => o !== null && AGGREGATOR_TYPES.has(o.type))) return ' in aggregation';
    if (prev.type === 'RIGHT_PAREN') {
      let i = before.length - 2;
      while (i >= 0 && (before[i] as Item).type !== 'LEFT_PAREN') i--;
      const modifier = before[i - 1];
      const agg = before[i - 2];
      if ((modifier?.type === 'BY' || modifier?.type === 'WITHOUT') && agg !== undefined && AGGREGATOR_TYPES.has(agg.type)) return ' in aggregation';
    }
  }
  if (opener?.type === 'LEFT_PAREN') {
    return prev.type === 'LEFT_PAREN' || prev.type === 'COMMA' ? ' in grouping opts, expected label' : ' in grouping opts, expected "," or ")"';
  }
  if (!prevIsName && (prev.type === 'BY' || prev.type === 'WITHOUT' || prev.type === 'ON' || prev.type === 'IGNORING')) return ' in grouping opts, expected "("';
  if (!prevIsName && prev.type === 'OFFSET') return ' in offset, expected number, duration, step(), or range()';
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
