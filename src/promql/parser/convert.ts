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
import { PromQLParseError } from '../../errors.js';
import { compileMatcher } from '../../store/matchers.js';
import { InvalidMatcherError } from '../../errors.js';
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
import { goQuote, type Item } from './lexer.js';

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
        return this.postfix(node, (target) => this.matrixSelector(node, target));
      case 'SubqueryExpr':
        return this.postfix(node, (target) => this.subquery(node, target));
      case 'OffsetExpr':
        return this.postfix(node, (target) => this.offset(node, target));
      case 'StepInvariantExpr':
        return this.postfix(node, (target) => this.at(node, target));
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.postfix(node, (target) => this.anchoredOrSmoothed(node, target));
      case 'AggregateExpr':
        return this.aggregation(node);
      case 'FunctionCall':
        return this.call(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'UnaryExpr':
        return this.unary(node);
      default:
        throw new Error(`promql converter: unexpected node ${node.name}`);
    }
  }

  /**
   * `[range]`, `[range:step]`, `offset`, `@`, `anchored`, `smoothed` bind tighter than every operator in Go
   * (`%nonassoc OFFSET`, `%right LEFT_BRACKET` in generated_parser.y); lezer 0.315.0 binds them loosest, so
   * `a + b offset 5m` arrives as `(a + b) offset 5m`. Push the modifier down to the rightmost operand of binary and
   * unary expressions (not into parentheses), which gives Go's tree: `a + (b offset 5m)`, `-(foo[5m])`.
   */
  private postfix(node: SyntaxNode, apply: (target: Expr) => Expr): Expr {
    const pushDown = (e: Expr): Expr => {
      if (e.type === 'binaryExpr') return { ...e, rhs: pushDown(e.rhs), pos: { start: e.pos.start, end: node.to } };
      if (e.type === 'unaryExpr') return { ...e, expr: pushDown(e.expr), pos: { start: e.pos.start, end: node.to } };
      if (e.type === 'numberLiteral' && /^[-+]/.test(this.ctx.input[e.pos.start] ?? '')) {
        // A signed literal is Go's unary minus over the literal: the modifier applies to the unsigned number.
        let start = e.pos.start + 1;
        while (/\s/.test(this.ctx.input[start] ?? '')) start++;
        return apply({ ...e, pos: { start, end: e.pos.end } });
      }
      return apply(e);
    };
    return pushDown(this.expr(child(node, 0)));
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
    let start = node.from + sign.length;
    while (/\s/.test(this.ctx.input[start] ?? '')) start++;
    const lit = this.unsignedNumber(start, node.to);
    const value = sign === '-' ? -lit.value : lit.value;
    return { type: 'numberLiteral', value, duration: lit.duration, pos: { start: sign === '' ? lit.pos.start : node.from, end: lit.pos.end } };
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
      if (this.ctx.compat === '2') this.fail(span(node), 'quoted metric names in braces need Prometheus 3 (compat mode "2")');
      return { name: '__name__', op: '=', value: this.unquote(child(node, 0)) };
    }
    const [nameNode, opNode, valueNode] = children(node);
    if (nameNode === undefined || opNode === undefined || valueNode === undefined) {
      throw new Error(`promql converter: incomplete ${node.name}`);
    }
    if (nameNode.name === 'QuotedLabelName' && this.ctx.compat === '2') {
      this.fail(span(nameNode), 'quoted label names need Prometheus 3 (compat mode "2")');
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
    const range = this.positiveDuration(rangeNode);
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
    const range = this.positiveDuration(rangeNode);
    const step = stepNode === undefined ? null : this.positiveDuration(stepNode);
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

  /** `positive_duration_expr`: a literal range or step must be > 0; an expression is checked at evaluation. */
  private positiveDuration(node: SyntaxNode): DurationNode {
    const d = this.duration(node);
    if (d.type === 'numberLiteral') {
      if (d.value <= 0) this.fail(d.pos, 'duration must be greater than 0');
    } else if (this.ctx.compat === '2') {
      this.fail(d.pos, 'duration expressions need Prometheus 3 (compat mode "2")');
    }
    return d;
  }

  /** `DurationExpr` / `OffsetDurationExpr` → duration node (the `duration_expr` rules). */
  private duration(node: SyntaxNode): DurationNode {
    const cs = children(node);
    const first = cs[0];
    if (first === undefined) throw new Error(`promql converter: empty ${node.name}`);
    switch (first.name) {
      case 'NumberDurationLiteralInDurationContext': {
        const lit = this.unsignedNumber(first.from, first.to);
        if (!lit.duration && this.ctx.compat === '2') this.fail(lit.pos, 'missing unit character in duration');
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
        if (this.ctx.compat === '2') this.fail(span(c), 'quoted label names need Prometheus 3 (compat mode "2")');
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

  private binary(node: SyntaxNode): Expr {
    const cs = children(node);
    const lhsNode = cs[0];
    const opNode = cs[1];
    const rhsNode = cs[cs.length - 1];
    if (lhsNode === undefined || opNode === undefined || rhsNode === undefined) throw new Error('promql converter: incomplete BinaryExpr');
    const op = BIN_OPS[opNode.name];
    if (op === undefined) throw new Error(`promql converter: unknown binary operator ${opNode.name}`);

    // The `-2^2` trap (reference/promql.md §1.5): lezer lets the number token absorb the sign, Go gives unary minus
    // the precedence of `*`, below `^`. Rebuild Go's tree: sign over (|literal| ^ rhs).
    if (op === '^' && lhsNode.name === 'NumberDurationLiteral' && /^[-+]/.test(this.text(lhsNode))) {
      const signed = this.numberLiteral(lhsNode);
      const sign = this.text(lhsNode)[0] as '+' | '-';
      const unsigned: NumberLiteral = {
        ...signed, value: sign === '-' ? -signed.value : signed.value, pos: { start: lhsNode.from + 1, end: signed.pos.end },
      };
      const inner = this.binaryFrom(node, cs, unsigned, op, { start: lhsNode.from + 1, end: node.to });
      return { type: 'unaryExpr', op: sign, expr: inner, pos: span(node) };
    }
    return this.binaryFrom(node, cs, this.expr(lhsNode), op, span(node));
  }

  private binaryFrom(node: SyntaxNode, cs: SyntaxNode[], lhs: Expr, op: BinaryOp, pos: PositionRange): Expr {
    let bool = false;
    let card: VectorMatching['card'] = 'one-to-one';
    let labels: string[] = [];
    let on = false;
    let include: string[] = [];
    let fillLhs: number | null = null;
    let fillRhs: number | null = null;
    let hasFill = false;
    for (const c of cs.slice(2, -1)) {
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
    const rhs = this.expr(cs[cs.length - 1] as SyntaxNode);
    if (hasFill && !this.ctx.binopFillModifiers) this.fail(pos, 'binop fill modifiers are experimental and not enabled');
    void node;
    return {
      type: 'binaryExpr', op, lhs, rhs, bool,
      matching: { card, labels, on, include, fillValues: { lhs: fillLhs, rhs: fillRhs } },
      pos,
    };
  }

  /** `unary_expr`: a sign on a number literal folds into it; otherwise a UnaryExpr. */
  private unary(node: SyntaxNode): Expr {
    const [opNode, exprNode] = children(node);
    if (opNode === undefined || exprNode === undefined) throw new Error('promql converter: incomplete UnaryExpr');
    const op = this.text(opNode) === '-' ? '-' : '+';
    const e = this.expr(exprNode);
    if (e.type === 'numberLiteral') {
      return { ...e, value: op === '-' ? -e.value : e.value, pos: { start: node.from, end: e.pos.end } };
    }
    return { type: 'unaryExpr', op, expr: e, pos: span(node) };
  }
}

/** Go's `%f` (6 decimals, `+Inf`, `-Inf`, `NaN`). */
function goFormatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v.toFixed(6);
}
