/**
 * Lezer concrete syntax tree → our AST (src/promql/ast.ts), with the checks Prometheus's grammar actions make while
 * reducing (`promql/parser/generated_parser.y` and `parse.go` at v0.316.0: `newAggregateExpr`, `newLabelMatcher`,
 * `addOffset`/`addOffsetExpr`, `setTimestamp`, `getAtModifierVars`, `setAnchored`/`setSmoothed`, the
 * `matrix_selector`, `subquery_expr`, `unary_expr`, `duration_expr` and `function_call` rules).
 *
 * The first failed check throws a PromQLParseError (Go collects them and reports the first one; the order here is
 * the order of Go's reductions: children before parents, left to right). Type checks of whole expressions are in
 * check.ts. No lezer type leaves this module.
 */
import type { SyntaxNode } from '@lezer/common';
import { InvalidMatcherError, PromQLParseError } from '../../errors.js';
import { compileMatcher } from '../../store/matchers.js';
import type {
  AggregationOp,
  BinaryOp,
  DurationExpr,
  DurationNode,
  Expr,
  LabelMatcher,
  MatchOp,
  NumberLiteral,
  PositionRange,
  StartOrEnd,
  VectorMatching,
  VectorSelector,
  MatrixSelector,
  Subquery,
} from '../ast.js';
import { lookupFunction } from './functions.js';
import { LiteralError, parseDurationMs, parseNumber, unquoteString } from './literals.js';
import { describeItem, goQuote, type Item } from './lexer.js';

/** What the converter needs besides the tree. */
export interface ConvertContext {
  /** The query as the user wrote it (lezer parsed a same-length rewrite of it, see parse.ts). */
  readonly input: string;
  /** Prometheus's tokens by start offset, to read literals as Go's lexer cut them. */
  readonly tokens: ReadonlyMap<number, Item>;
  /** Function names parse.ts replaced by a placeholder the grammar knows, by offset. */
  readonly renamedFunctions: ReadonlyMap<number, string>;
  readonly compat: '2' | '3';
  readonly experimentalFunctions: boolean;
  readonly binopFillModifiers: boolean;
}

const AGG_OPS: Readonly<Record<string, AggregationOp>> = {
  Sum: 'sum', Avg: 'avg', Count: 'count', Min: 'min', Max: 'max', Group: 'group', Stddev: 'stddev',
  Stdvar: 'stdvar', Topk: 'topk', Bottomk: 'bottomk', CountValues: 'count_values', Quantile: 'quantile',
  LimitK: 'limitk', LimitRatio: 'limit_ratio',
};
const PARAM_AGGS: ReadonlySet<AggregationOp> = new Set<AggregationOp>(['topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio']);
const EXPERIMENTAL_AGGS: ReadonlySet<AggregationOp> = new Set<AggregationOp>(['limitk', 'limit_ratio']);

const BIN_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^', Mul: '*', Div: '/', Mod: '%', Atan2: 'atan2', Add: '+', Sub: '-', Eql: '==', Neq: '!=', Gtr: '>',
  Lss: '<', Gte: '>=', Lte: '<=', TrimUpper: '</', TrimLower: '>/', And: 'and', Or: 'or', Unless: 'unless',
};
const DURATION_OPS: Readonly<Record<string, '+' | '-' | '*' | '/' | '%' | '^'>> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^',
};
const MATCH_OPS: Readonly<Record<string, MatchOp>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

// durationLiteralOutOfRange in parse.go: seconds that overflow time.Duration (int64 nanoseconds).
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

function child(node: SyntaxNode, index: number): SyntaxNode {
  const c = children(node)[index];
  if (c === undefined) throw new Error(`promql converter: ${node.name} has no child ${index}`);
  return c;
}

function span(node: SyntaxNode): PositionRange {
  return { start: node.from, end: node.to };
}

// Seconds → ms the way parse.go turns them into a time.Duration (math.Round(v * 1e9) ns), kept in ms.
function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1e9) / 1e6;
}

export class Converter {
  constructor(private readonly ctx: ConvertContext) {}

  private fail(pos: PositionRange, detail: string): never {
    throw new PromQLParseError(this.ctx.input, pos, detail);
  }

  private text(node: SyntaxNode): string {
    return this.ctx.input.slice(node.from, node.to);
  }

  /** The expression of the top node `PromQL`. */
  convertTop(top: SyntaxNode): Expr {
    return this.expr(child(top, 0));
  }

  expr(node: SyntaxNode): Expr {
    switch (node.name) {
      case 'ParenExpr':
        return { type: 'parenExpr', expr: this.expr(child(node, 0)), pos: span(node) };
      case 'NumberDurationLiteral':
        return this.numberLiteral(node);
      case 'StringLiteral':
        return { type: 'stringLiteral', value: this.unquote(node), pos: span(node) };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr':
      case 'BinaryExpr':
      case 'UnaryExpr':
        return this.chain(node);
      case 'AggregateExpr':
        return this.aggregation(node);
      case 'FunctionCall':
        return this.call(node);
      default:
        throw new Error(`promql converter: unexpected node ${node.name}`);
    }
  }

  /**
   * Operator chains: BinaryExpr, UnaryExpr and the postfix modifiers (`[range]`, `[range:step]`, `offset`, `@`,
   * `anchored`, `smoothed`), rebuilt with Go's precedences.
   *
   * lezer 0.315.0 reduces a postfix modifier over everything to its left in the chain and makes the result the left
   * operand of the next operator: `a + b offset 1m * 0` arrives as `((a + b) offset 1m) * 0`. In Go
   * (generated_parser.y) `%nonassoc OFFSET` and `%right LEFT_BRACKET` rank above every operator and `AT`, `ANCHORED`,
   * `SMOOTHED` have no precedence, so yacc always shifts them: a modifier binds to the primary expression just before
   * it, and the operators after it keep their precedence: `a + ((b offset 1m) * 0)`. A unary sign is
   * `unary_op expr %prec MUL`: it takes `^` and the modifiers into its operand, not `*` (`-2^2` is `-(2^2)`).
   * So the chain is flattened back into its tokens (operands, signs, modifiers, operators, in text order) and parsed
   * again by precedence climbing with Go's table; the grammar actions then run in Go's reduction order (an operand's
   * modifiers as soon as they are read, an operator after its right operand).
   */
  private chain(node: SyntaxNode): Expr {
    const tokens: ChainToken[] = [];
    this.flatten(node, tokens);
    const cursor = { at: 0 };
    const e = this.climb(tokens, cursor, 0);
    if (cursor.at !== tokens.length) throw new Error('promql converter: operator chain not consumed');
    return e;
  }

  private flatten(node: SyntaxNode, out: ChainToken[]): void {
    switch (node.name) {
      case 'BinaryExpr': {
        const cs = children(node);
        const opNode = cs[1];
        const op = opNode === undefined ? undefined : BIN_OPS[opNode.name];
        if (cs.length < 3 || op === undefined) throw new Error(`promql converter: malformed BinaryExpr`);
        this.flatten(cs[0] as SyntaxNode, out);
        out.push({ kind: 'binary', op, modifiers: cs.slice(2, -1) });
        this.flatten(cs[cs.length - 1] as SyntaxNode, out);
        return;
      }
      case 'UnaryExpr': {
        const [opNode, operand] = children(node);
        if (opNode === undefined || operand === undefined) throw new Error('promql converter: incomplete UnaryExpr');
        out.push({ kind: 'sign', op: this.text(opNode) === '-' ? '-' : '+', at: opNode.from });
        this.flatten(operand, out);
        return;
      }
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        this.flatten(child(node, 0), out);
        out.push({ kind: 'postfix', node });
        return;
      case 'NumberDurationLiteral': {
        // lezer lets a number token absorb its sign; Go's lexer never does (the sign is `unary_op`).
        let at = node.from;
        while (this.ctx.input[at] === '-' || this.ctx.input[at] === '+') {
          out.push({ kind: 'sign', op: this.ctx.input[at] === '-' ? '-' : '+', at });
          at = this.skipBlank(at + 1);
        }
        out.push(at === node.from ? { kind: 'operand', node } : { kind: 'number', from: at, to: node.to });
        return;
      }
      default:
        out.push({ kind: 'operand', node });
    }
  }

  /** Precedence climbing over `tokens` from `cursor.at`: operators of precedence ≥ `minPrec` are taken. */
  private climb(tokens: readonly ChainToken[], cursor: { at: number }, minPrec: number): Expr {
    let lhs = this.prefix(tokens, cursor);
    for (;;) {
      const t = tokens[cursor.at];
      if (t === undefined || t.kind !== 'binary') return lhs;
      const prec = BIN_PREC[t.op];
      if (prec < minPrec) return lhs;
      cursor.at++;
      // bin_modifier is reduced before the right operand.
      const mods = this.binaryModifiers(t.modifiers);
      const rhs = this.climb(tokens, cursor, t.op === '^' ? prec : prec + 1);
      lhs = this.binaryExpr(lhs, t.op, mods, rhs);
    }
  }

  /** An operand with its modifiers, or a sign over its operand (`unary_expr`, precedence of `*`). */
  private prefix(tokens: readonly ChainToken[], cursor: { at: number }): Expr {
    const t = tokens[cursor.at++];
    if (t === undefined) throw new Error('promql converter: operator chain ends early');
    if (t.kind === 'sign') return this.unaryExpr(t.op, t.at, this.climb(tokens, cursor, BIN_PREC['^']));
    let e: Expr;
    if (t.kind === 'operand') e = this.expr(t.node);
    else if (t.kind === 'number') e = this.unsignedNumber(t.from, t.to);
    else throw new Error(`promql converter: unexpected ${t.kind} in operator chain`);
    for (let m = tokens[cursor.at]; m !== undefined && m.kind === 'postfix'; m = tokens[++cursor.at]) {
      e = this.modifier(m.node, e);
    }
    return e;
  }

  private modifier(node: SyntaxNode, e: Expr): Expr {
    switch (node.name) {
      case 'MatrixSelector':
        return this.matrixSelector(node, e);
      case 'SubqueryExpr':
        return this.subquery(node, e);
      case 'OffsetExpr':
        return this.offset(node, e);
      case 'StepInvariantExpr':
        return this.at(node, e);
      default:
        return this.anchoredOrSmoothed(node, e);
    }
  }

  // --- literals -------------------------------------------------------------------------------------------------

  /** A number or duration token (no sign) at `from`, as Go's lexer cut it. */
  private unsignedNumber(from: number, to: number): NumberLiteral {
    const token = this.ctx.tokens.get(from);
    const pos = token ? { start: token.pos, end: token.pos + token.val.length } : { start: from, end: to };
    if (token === undefined) return this.fail(pos, `error parsing number: ${this.ctx.input.slice(from, to)}`);
    try {
      if (token.type === 'DURATION') return { type: 'numberLiteral', value: parseDurationMs(token.val) / 1000, duration: true, pos };
      return { type: 'numberLiteral', value: parseNumber(token.val), duration: false, pos };
    } catch (err) {
      if (err instanceof LiteralError) return this.fail(pos, err.message);
      throw err;
    }
  }

  /** `NumberDurationLiteral`: an optional sign, then the number token (the sign folds in, as `unary_expr` does). */
  private numberLiteral(node: SyntaxNode): NumberLiteral {
    const text = this.text(node);
    const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
    const lit = this.unsignedNumber(this.skipBlank(node.from + sign.length), node.to);
    const value = sign === '-' ? -lit.value : lit.value;
    return { type: 'numberLiteral', value, duration: lit.duration, pos: { start: sign === '' ? lit.pos.start : node.from, end: lit.pos.end } };
  }

  /** The offset of the next token at or after `at`: skips whitespace and `#` comments. */
  private skipBlank(at: number): number {
    const input = this.ctx.input;
    for (;;) {
      while (/\s/.test(input[at] ?? '')) at++;
      if (input[at] !== '#') return at;
      while (at < input.length && input[at] !== '\n' && input[at] !== '\r') at++;
    }
  }

  private unquote(node: SyntaxNode): string {
    try {
      return unquoteString(this.text(node));
    } catch (err) {
      if (err instanceof LiteralError) return this.fail(span(node), `error unquoting string ${goQuote(this.text(node))}: ${err.message}`);
      throw err;
    }
  }

  // --- selectors ------------------------------------------------------------------------------------------------

  private vectorSelector(node: SyntaxNode): VectorSelector {
    let name = '';
    const matchers: LabelMatcher[] = [];
    for (const c of children(node)) {
      if (c.name === 'Identifier') name = this.text(c);
      else if (c.name === 'LabelMatchers') {
        for (const m of children(c)) {
          const built = this.labelMatcher(m);
          matchers.push(built);
        }
      }
    }
    // assembleVectorSelector: the name written outside the braces becomes the last matcher.
    if (name !== '') matchers.push({ name: '__name__', op: '=', value: name });
    return {
      type: 'vectorSelector', name, matchers, offset: 0, offsetExpr: null, timestamp: null, startOrEnd: null,
      anchored: false, smoothed: false, pos: span(node),
    };
  }

  /** `newLabelMatcher` / `newMetricNameMatcher`: unquote, then check that a regex compiles under RE2. */
  private labelMatcher(node: SyntaxNode): LabelMatcher {
    if (node.name === 'QuotedLabelName') {
      if (this.ctx.compat === '2') this.failV2Quoted(child(node, 0), 'label matching, expected identifier or "}"');
      return { name: '__name__', op: '=', value: this.unquote(child(node, 0)) };
    }
    const [nameNode, opNode, valueNode] = children(node);
    if (nameNode === undefined || opNode === undefined || valueNode === undefined) {
      throw new Error(`promql converter: incomplete ${node.name}`);
    }
    if (nameNode.name === 'QuotedLabelName' && this.ctx.compat === '2') {
      this.failV2Quoted(child(nameNode, 0), 'label matching, expected identifier or "}"');
    }
    const name = nameNode.name === 'QuotedLabelName' ? this.unquote(child(nameNode, 0)) : this.text(nameNode);
    const op = MATCH_OPS[child(opNode, 0).name];
    if (op === undefined) throw new Error(`promql converter: unknown match operator ${this.text(opNode)}`);
    const value = this.unquote(valueNode);
    const matcher: LabelMatcher = { name, op, value };
    if (op === '=~' || op === '!~') {
      try {
        compileMatcher(matcher);
      } catch (err) {
        if (err instanceof InvalidMatcherError) {
          // Go reports regexp/syntax's own message; re2js is a port of it and words it the same.
          const cause = err.cause instanceof Error ? err.cause.message : err.message;
          this.fail({ start: nameNode.from, end: valueNode.to }, cause);
        }
        throw err;
      }
    }
    return matcher;
  }

  /** `matrix_selector`: `[range]` only on a bare vector selector, without offset or @ before it. */
  private matrixSelector(node: SyntaxNode, inner: Expr): MatrixSelector {
    const rangeNode = children(node)[1];
    if (rangeNode === undefined) throw new Error('promql converter: incomplete MatrixSelector');
    const bracket = { start: this.ctx.input.lastIndexOf('[', rangeNode.from), end: node.to };
    if (inner.type !== 'vectorSelector') this.fail(bracket, 'ranges only allowed for vector selectors');
    if (inner.offset !== 0 || inner.offsetExpr !== null) this.fail(bracket, 'no offset modifiers allowed before range');
    if (inner.timestamp !== null || inner.startOrEnd !== null) this.fail(bracket, 'no @ modifiers allowed before range');
    const range = this.positiveDuration(rangeNode, 'range');
    return {
      type: 'matrixSelector', name: inner.name, matchers: inner.matchers,
      range: range.type === 'numberLiteral' ? secondsToMs(range.value) : 0,
      rangeExpr: range.type === 'durationExpr' ? range : null,
      offset: 0, offsetExpr: null, timestamp: null, startOrEnd: null, anchored: inner.anchored, smoothed: inner.smoothed,
      pos: { start: inner.pos.start, end: node.to },
    };
  }

  private subquery(node: SyntaxNode, expr: Expr): Subquery {
    const [, rangeNode, stepNode] = children(node);
    if (rangeNode === undefined) throw new Error('promql converter: incomplete SubqueryExpr');
    const range = this.positiveDuration(rangeNode, 'range');
    const step = stepNode === undefined ? null : this.positiveDuration(stepNode, 'step');
    return {
      type: 'subquery', expr,
      range: range.type === 'numberLiteral' ? secondsToMs(range.value) : 0,
      rangeExpr: range.type === 'durationExpr' ? range : null,
      step: step !== null && step.type === 'numberLiteral' ? secondsToMs(step.value) : 0,
      stepExpr: step !== null && step.type === 'durationExpr' ? step : null,
      offset: 0, offsetExpr: null, timestamp: null, startOrEnd: null, pos: { start: expr.pos.start, end: node.to },
    };
  }

  // --- durations ------------------------------------------------------------------------------------------------

  /**
   * `positive_duration_expr`: a literal range or step must be > 0; an expression is checked at evaluation.
   * `where` is the place in `[range:step]`, for 2.x's wording.
   */
  private positiveDuration(node: SyntaxNode, where: 'range' | 'step'): DurationNode {
    const d = this.duration(node);
    if (d.type === 'numberLiteral') {
      if (d.value <= 0) this.fail(d.pos, 'duration must be greater than 0');
    } else if (this.ctx.compat === '2') {
      // 2.x has no duration arithmetic: its parser stops at the operator (observed with promtool 2.42).
      const op = children(node)[1];
      const token = op !== undefined ? this.ctx.tokens.get(op.from) : undefined;
      if (token !== undefined && children(node).length === 3) {
        const context = where === 'range' ? 'subquery or range, expected ":" or "]"' : 'subquery selector, expected "]"';
        this.fail({ start: op!.from, end: op!.to }, `unexpected ${describeItem(token)} in ${context}`);
      }
      this.fail(d.pos, 'duration expressions need Prometheus 3 (compat mode "2")');
    }
    return d;
  }

  /** 2.x knows no quoted names: its parser refuses the string (wording observed with promtool 2.42). */
  private failV2Quoted(stringNode: SyntaxNode, context: string): never {
    const token = this.ctx.tokens.get(stringNode.from);
    const what = token !== undefined ? describeItem(token) : `string ${goQuote(this.text(stringNode))}`;
    return this.fail(span(stringNode), `unexpected ${what} in ${context}`);
  }

  /** `DurationExpr` / `OffsetDurationExpr` → duration node (the `duration_expr` rules). */
  private duration(node: SyntaxNode): DurationNode {
    const cs = children(node);
    const first = cs[0];
    if (first === undefined) throw new Error(`promql converter: empty ${node.name}`);
    switch (first.name) {
      case 'NumberDurationLiteralInDurationContext': {
        const lit = this.unsignedNumber(first.from, first.to);
        if (!lit.duration && this.ctx.compat === '2') {
          // 2.x: durations need a unit; its lexer says so in brackets, its parser after `offset` (promtool 2.42).
          const token = this.ctx.tokens.get(lit.pos.start);
          this.fail(lit.pos, node.name === 'OffsetDurationExpr' && token !== undefined
            ? `unexpected ${describeItem(token)} in offset, expected duration`
            : 'missing unit character in duration');
        }
        if (Math.abs(lit.value) > MAX_DURATION_SECONDS) this.fail(lit.pos, 'duration out of range');
        return lit;
      }
      case 'UnaryOp': {
        const operand = cs[1];
        if (operand === undefined) throw new Error('promql converter: unary duration without operand');
        const sign = this.text(first) === '-' ? '-' : '+';
        // offset_duration_expr keeps a sign before step(), range(), min_of(), max_of() as its own node, even `+`.
        const keyword = node.name === 'OffsetDurationExpr' ? children(operand)[0]?.name : undefined;
        if (keyword === 'DurationStep' || keyword === 'DurationRange' || keyword === 'DurationMinOf' || keyword === 'DurationMaxOf') {
          return this.durationExpr(sign, null, this.duration(operand), false, span(node));
        }
        return this.unaryDuration(sign, first.from, this.duration(operand));
      }
      case 'DurationStep':
      case 'DurationRange':
        return this.durationExpr(first.name === 'DurationStep' ? 'step' : 'range', null, null, false, span(node));
      case 'DurationMinOf':
      case 'DurationMaxOf': {
        const [, a, b] = cs;
        if (a === undefined || b === undefined) throw new Error('promql converter: incomplete min_of/max_of');
        return this.durationExpr(first.name === 'DurationMinOf' ? 'min_of' : 'max_of', this.duration(a), this.duration(b), false, span(node));
      }
      case 'DurationExpr':
      case 'OffsetDurationExpr': {
        if (cs.length === 1) return this.wrapParen(this.duration(first), span(node));
        const [lhsNode, opNode, rhsNode] = cs;
        if (lhsNode === undefined || opNode === undefined || rhsNode === undefined) throw new Error('promql converter: incomplete duration');
        const op = DURATION_OPS[opNode.name];
        if (op === undefined) throw new Error(`promql converter: unknown duration operator ${opNode.name}`);
        const lhs = this.duration(lhsNode);
        const rhs = this.duration(rhsNode);
        if (rhs.type === 'numberLiteral' && rhs.value === 0 && (op === '/' || op === '%')) {
          this.fail(span(opNode), op === '/' ? 'division by zero' : 'modulo by zero');
        }
        return this.durationExpr(op, lhs, rhs, false, span(node));
      }
      default:
        throw new Error(`promql converter: unexpected duration node ${first.name}`);
    }
  }

  private durationExpr(op: DurationExpr['op'], lhs: DurationNode | null, rhs: DurationNode | null, wrapped: boolean, pos: PositionRange): DurationExpr {
    return { type: 'durationExpr', op, lhs, rhs, wrapped, pos };
  }

  /** `wrapParenDurationExpr`: mark parentheses; a bare literal gets a unary-plus wrapper that carries the mark. */
  private wrapParen(inner: DurationNode, pos: PositionRange): DurationExpr {
    if (inner.type === 'durationExpr') return { ...inner, wrapped: true, pos };
    return this.durationExpr('+', null, inner, true, pos);
  }

  /** `applyUnaryOpToDurationExpr`: a sign folds into a literal; minus on an expression wraps it. */
  private unaryDuration(op: '+' | '-', opFrom: number, operand: DurationNode): DurationNode {
    if (operand.type === 'durationExpr') {
      return op === '-' ? this.durationExpr('-', null, operand, false, { start: opFrom, end: operand.pos.end }) : operand;
    }
    const value = op === '-' ? -operand.value : operand.value;
    if (Math.abs(value) > MAX_DURATION_SECONDS) this.fail({ start: opFrom, end: opFrom + 1 }, 'duration out of range');
    return { ...operand, value, pos: { start: opFrom, end: operand.pos.end } };
  }

  // --- modifiers ------------------------------------------------------------------------------------------------

  /** `addOffset` / `addOffsetExpr`. */
  private offset(node: SyntaxNode, e: Expr): Expr {
    const durNode = children(node)[2];
    if (durNode === undefined) throw new Error('promql converter: incomplete OffsetExpr');
    const d = this.duration(durNode);
    let offset = 0;
    let offsetExpr: DurationExpr | null = null;
    if (d.type === 'numberLiteral') {
      offset = secondsToMs(d.value);
      if (this.ctx.compat === '2' && d.value === 0) this.fail(d.pos, 'duration must be greater than 0');
    } else {
      if (this.ctx.compat === '2') this.fail(d.pos, 'duration expressions need Prometheus 3 (compat mode "2")');
      offsetExpr = d;
    }
    if (e.type !== 'vectorSelector' && e.type !== 'matrixSelector' && e.type !== 'subquery') {
      this.fail(e.pos, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
    }
    if (e.offset !== 0 || e.offsetExpr !== null) this.fail(e.pos, 'offset may not be set multiple times');
    return { ...e, offset, offsetExpr, pos: { start: e.pos.start, end: node.to } };
  }

  /** `setTimestamp` / `setAtModifierPreprocessor` with `getAtModifierVars`. */
  private at(node: SyntaxNode, e: Expr): Expr {
    const argNode = children(node)[2];
    if (argNode === undefined) throw new Error('promql converter: incomplete @ modifier');
    let timestamp: number | null = null;
    let startOrEnd: StartOrEnd = null;
    if (argNode.name === 'AtModifierPreprocessors') {
      startOrEnd = child(argNode, 0).name === 'AtStart' ? 'start' : 'end';
    } else {
      const ts = this.numberLiteral(argNode).value;
      if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
        this.fail(e.pos, `timestamp out of bounds for @ modifier: ${goFormatF(ts)}`);
      }
      // timestamp.FromFloatSeconds: int64(math.Round(ts * 1000)).
      timestamp = Math.round(ts * 1000);
    }
    if (e.type !== 'vectorSelector' && e.type !== 'matrixSelector' && e.type !== 'subquery') {
      this.fail(e.pos, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
    }
    if (e.timestamp !== null || e.startOrEnd !== null) this.fail(e.pos, '@ <timestamp> may not be set multiple times');
    return { ...e, timestamp, startOrEnd, pos: { start: e.pos.start, end: node.to } };
  }

  /** `setAnchored` / `setSmoothed` (3.7+ extended range selectors). */
  private anchoredOrSmoothed(node: SyntaxNode, e: Expr): Expr {
    const which = node.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
    const pos = e.pos;
    if (e.type === 'subquery') this.fail(pos, `${which} modifier is not supported for subqueries`);
    if (e.type !== 'vectorSelector' && e.type !== 'matrixSelector') {
      // Go lets `(x[5m]) anchored`-like non-selectors inside a matrix selector pass silently; elsewhere it refuses.
      this.fail(pos, `${which} modifier not implemented`);
    }
    const other = which === 'anchored' ? e.smoothed : e.anchored;
    if (other) this.fail(pos, 'anchored and smoothed modifiers cannot be used together');
    return { ...e, [which]: true, pos: { start: e.pos.start, end: node.to } };
  }

  // --- operators and calls --------------------------------------------------------------------------------------

  /** `newAggregateExpr`. */
  private aggregation(node: SyntaxNode): Expr {
    let op: AggregationOp | undefined;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[] = [];
    let opNode: SyntaxNode | undefined;
    for (const c of children(node)) {
      if (c.name === 'AggregateOp') {
        opNode = c;
        op = AGG_OPS[child(c, 0).name];
      } else if (c.name === 'AggregateModifier') {
        without = child(c, 0).name === 'Without';
        grouping = this.groupingLabels(child(c, 1));
      } else if (c.name === 'FunctionCallBody') {
        args = children(c).map((a) => this.expr(a));
      }
    }
    if (op === undefined || opNode === undefined) throw new Error('promql converter: aggregation without operator');
    const pos = span(node);
    if (args.length === 0) this.fail(pos, 'no arguments for aggregate expression provided');
    let desired = 1;
    let param: Expr | null = null;
    if (PARAM_AGGS.has(op)) {
      if (!this.ctx.experimentalFunctions && EXPERIMENTAL_AGGS.has(op)) {
        this.fail(pos, `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`);
      }
      desired = 2;
      param = args[0] as Expr;
    }
    if (args.length !== desired) {
      this.fail(pos, `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`);
    }
    return { type: 'aggregation', op, expr: args[desired - 1] as Expr, param, grouping, without, pos };
  }

  /** `grouping_labels`: unquoted names or quoted UTF-8 names; a quoted name must be valid UTF-8 and non-empty. */
  private groupingLabels(node: SyntaxNode): string[] {
    const out: string[] = [];
    for (const c of children(node)) {
      if (c.name === 'LabelName') {
        out.push(this.text(c));
      } else if (c.name === 'QuotedLabelName') {
        if (this.ctx.compat === '2') this.failV2Quoted(child(c, 0), 'grouping opts, expected label');
        const name = this.unquote(child(c, 0));
        if (name === '') this.fail({ start: c.from + 1, end: c.to }, `invalid label name for grouping: ""`);
        out.push(name);
      }
    }
    return out;
  }

  /** `function_call`: the name must be a known function, experimental ones only when enabled. */
  private call(node: SyntaxNode): Expr {
    const [idNode, bodyNode] = children(node);
    if (idNode === undefined || bodyNode === undefined) throw new Error('promql converter: incomplete FunctionCall');
    // Arguments first: Go runs the function_call action after reducing them.
    const args = children(bodyNode).map((a) => this.expr(a));
    const name = this.ctx.renamedFunctions.get(idNode.from) ?? this.text(idNode);
    const idPos = { start: idNode.from, end: idNode.from + name.length };
    const func = lookupFunction(name, this.ctx.compat);
    if (func === undefined) this.fail(idPos, `unknown function with name ${goQuote(name)}`);
    if (func.experimental && !this.ctx.experimentalFunctions) this.fail(idPos, `function ${goQuote(name)} is not enabled`);
    return { type: 'call', func, args, pos: span(node) };
  }

  /** A binary operator's modifiers: `bool`, `on`/`ignoring`, `group_left`/`group_right`, `fill*`. */
  private binaryModifiers(modifiers: readonly SyntaxNode[]): BinaryModifiers {
    let bool = false;
    let card: VectorMatching['card'] = 'one-to-one';
    let labels: string[] = [];
    let on = false;
    let include: string[] = [];
    let fillLhs: number | null = null;
    let fillRhs: number | null = null;
    let hasFill = false;
    for (const c of modifiers) {
      if (c.name === 'BoolModifier') bool = true;
      else if (c.name === 'MatchingModifierClause') {
        const mc = children(c);
        on = mc[0]?.name === 'On';
        labels = this.groupingLabels(mc[1] as SyntaxNode);
        const group = mc[2];
        if (group !== undefined) {
          card = group.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
          const inc = mc[3];
          include = inc !== undefined ? this.groupingLabels(inc) : [];
        }
      } else if (c.name === 'FillModifier') {
        hasFill = true;
        for (const clause of children(c)) {
          const value = this.numberLiteral(child(clause, 1)).value;
          if (clause.name === 'FillClause') [fillLhs, fillRhs] = [value, value];
          else if (clause.name === 'FillLeftClause') fillLhs = value;
          else fillRhs = value;
        }
      }
    }
    return { bool, hasFill, matching: { card, labels, on, include, fillValues: { lhs: fillLhs, rhs: fillRhs } } };
  }

  /** `newBinaryExpression`; the position is `mergeRanges(lhs, rhs)`. */
  private binaryExpr(lhs: Expr, op: BinaryOp, mods: BinaryModifiers, rhs: Expr): Expr {
    const pos = { start: lhs.pos.start, end: rhs.pos.end };
    if (mods.hasFill && !this.ctx.binopFillModifiers) this.fail(pos, 'binop fill modifiers are experimental and not enabled');
    return { type: 'binaryExpr', op, lhs, rhs, bool: mods.bool, matching: mods.matching, pos };
  }

  /** `unary_expr`: a sign on a number literal folds into it; otherwise a UnaryExpr. */
  private unaryExpr(op: '+' | '-', at: number, e: Expr): Expr {
    if (e.type === 'numberLiteral') {
      return { ...e, value: op === '-' ? -e.value : e.value, pos: { start: at, end: e.pos.end } };
    }
    return { type: 'unaryExpr', op, expr: e, pos: { start: at, end: e.pos.end } };
  }
}

/** One piece of a flattened operator chain (see `Converter.chain`), in text order. */
type ChainToken =
  | { readonly kind: 'operand'; readonly node: SyntaxNode }
  /** The number of a signed lezer literal, after its sign(s). */
  | { readonly kind: 'number'; readonly from: number; readonly to: number }
  | { readonly kind: 'sign'; readonly op: '+' | '-'; readonly at: number }
  | { readonly kind: 'postfix'; readonly node: SyntaxNode }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly modifiers: readonly SyntaxNode[] };

interface BinaryModifiers {
  readonly bool: boolean;
  readonly hasFill: boolean;
  readonly matching: VectorMatching;
}

// Go's operator precedences (generated_parser.y, lowest first); `^` is right-associative, the rest left.
const BIN_PREC: Readonly<Record<BinaryOp, number>> = {
  or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '>': 3, '<': 3, '>=': 3, '<=': 3, '</': 3, '>/': 3,
  '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, atan2: 5, '^': 6,
};

/** Go's `%f` (6 decimals, `+Inf`, `-Inf`, `NaN`). */
function goFormatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // toFixed switches to exponent form from 1e21 on; such floats are integers, BigInt prints their exact digits.
  return Math.abs(v) >= 1e21 ? `${BigInt(v).toString()}.000000` : v.toFixed(6);
}
