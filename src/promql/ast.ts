/**
 * The PromQL abstract syntax tree: what `parseExpr` (src/promql/parser) produces and what the engine evaluates.
 *
 * Shapes follow Prometheus's `/api/v1/parse_query` answer (`web/ui/mantine-ui/src/promql/ast.ts` at v0.316.0, built
 * by `translateAST` in `web/api/v1`), with native TypeScript values where JSON forced strings there: numbers are
 * `number` (NaN and ±Inf included), durations and timestamps are whole milliseconds. The fields mirror the Go
 * structs of `promql/parser/ast.go` at v0.316.0 (`VectorSelector.OriginalOffset` is `offset`, etc.).
 *
 * Every node is a plain, JSON-friendly object: no class instances, no parser types, no back references. `pos` is
 * the node's span in the query text (UTF-16 offsets, end exclusive) and is the only field that is not semantics:
 * two queries that differ only in spacing or redundant syntax give ASTs equal up to `pos`.
 */

/** A value type of the PromQL type system (`promql/parser/value.go`). `matrix` is a range vector. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Character span `[start, end)` of a node in the query text (UTF-16 code unit offsets). */
export interface PositionRange {
  readonly start: number;
  readonly end: number;
}

/** Label matcher operators, as written in PromQL. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/**
 * One label matcher of a selector. `value` is the unquoted string; for `=~`/`!~` it is an RE2 pattern that is
 * matched fully anchored. Structurally the same as the store's `LabelMatcher` (src/store/types.ts).
 */
export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export type AggregationOp =
  | 'sum'
  | 'min'
  | 'max'
  | 'avg'
  | 'stddev'
  | 'stdvar'
  | 'count'
  | 'group'
  | 'count_values'
  | 'bottomk'
  | 'topk'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** `</` and `>/` (3.11+, experimental "trim" operators of native histograms). */
export type TrimOp = '</' | '>/';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | TrimOp | SetOp;

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/** `@ start()` / `@ end()`; `null` when the selector has no such modifier. */
export type StartOrEnd = 'start' | 'end' | null;

/**
 * A function's signature (`promql/parser/functions.go` `Function`). `variadic`: 0 = exactly `argTypes.length`
 * arguments; n > 0 = the last argument type may repeat, up to n extra (so `argTypes.length - 1 … + n`
 * arguments); -1 = unlimited repetition of the last type.
 */
export interface FunctionSignature {
  readonly name: string;
  readonly argTypes: readonly ValueType[];
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Needs `--enable-feature=promql-experimental-functions` in Prometheus (`experimentalFunctions` option here). */
  readonly experimental: boolean;
}

/** How two instant vectors are matched by a binary operator (`VectorMatching` in ast.go). */
export interface VectorMatching {
  readonly card: VectorMatchCardinality;
  /** The `on(…)` / `ignoring(…)` labels. */
  readonly labels: readonly string[];
  /** True for `on(…)`, false for `ignoring(…)` or no clause. */
  readonly on: boolean;
  /** The `group_left(…)` / `group_right(…)` labels copied from the "one" side. */
  readonly include: readonly string[];
  /** `fill(v)`, `fill_left(v)`, `fill_right(v)` (3.10+, experimental): values for missing series, or null. */
  readonly fillValues: { readonly lhs: number | null; readonly rhs: number | null };
}

// ---------------------------------------------------------------------------------------------------------------
// Duration expressions (3.4+): the `[5m + 1m]`, `[step() * 2]`, `offset min_of(5m, range())` arithmetic. They are
// not expressions of their own; they only occur as `rangeExpr`, `stepExpr` and `offsetExpr`.

export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';

/**
 * A duration expression node (`DurationExpr` in ast.go). Unary minus is `op: '-'` with `lhs: null`; `step()` and
 * `range()` have neither operand; `wrapped` records parentheses so that printing round-trips.
 */
export interface DurationExpr {
  readonly type: 'durationExpr';
  readonly op: DurationOp;
  readonly lhs: DurationNode | null;
  readonly rhs: DurationNode | null;
  readonly wrapped: boolean;
  readonly pos: PositionRange;
}

/** An operand of a duration expression: a number literal (in seconds) or another duration expression. */
export type DurationNode = DurationExpr | NumberLiteral;

// ---------------------------------------------------------------------------------------------------------------
// Expressions.

export interface NumberLiteral {
  readonly type: 'numberLiteral';
  /** The value; for a duration literal such as `5m`, the duration in seconds (300). */
  readonly value: number;
  /** True when written as a duration (`5m`), so that printing gives `5m` back. */
  readonly duration: boolean;
  readonly pos: PositionRange;
}

export interface StringLiteral {
  readonly type: 'stringLiteral';
  /** The unquoted value. */
  readonly value: string;
  readonly pos: PositionRange;
}

/** Modifiers shared by selectors and subqueries (`offset`, `@`). Durations and timestamps are in ms. */
export interface TimeModifiers {
  /** `offset` in ms (negative looks forward); 0 when absent or when given by `offsetExpr`. */
  readonly offset: number;
  readonly offsetExpr: DurationExpr | null;
  /** `@ <t>` in ms since the epoch, or null. */
  readonly timestamp: number | null;
  readonly startOrEnd: StartOrEnd;
}

export interface VectorSelector extends TimeModifiers {
  readonly type: 'vectorSelector';
  /** The metric name written before the braces, or ''. */
  readonly name: string;
  /**
   * All matchers; when `name` is set, the last one is `__name__="<name>"` (as `assembleVectorSelector` in
   * parse.go builds it).
   */
  readonly matchers: readonly LabelMatcher[];
  /** `anchored` / `smoothed` modifiers (3.7+, experimental extended range selectors). */
  readonly anchored: boolean;
  readonly smoothed: boolean;
  readonly pos: PositionRange;
}

/**
 * `selector[range]`. Flattened like parse_query's shape: the selector's name, matchers and modifiers are on this
 * node; `vectorSelector()` in this module rebuilds the inner selector.
 */
export interface MatrixSelector extends TimeModifiers {
  readonly type: 'matrixSelector';
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
  /** Range in ms; 0 when given by `rangeExpr`. */
  readonly range: number;
  readonly rangeExpr: DurationExpr | null;
  readonly anchored: boolean;
  readonly smoothed: boolean;
  readonly pos: PositionRange;
}

export interface Subquery extends TimeModifiers {
  readonly type: 'subquery';
  readonly expr: Expr;
  /** Range in ms; 0 when given by `rangeExpr`. */
  readonly range: number;
  readonly rangeExpr: DurationExpr | null;
  /** Resolution in ms; 0 when omitted (`[5m:]`: the default evaluation interval) or given by `stepExpr`. */
  readonly step: number;
  readonly stepExpr: DurationExpr | null;
  readonly pos: PositionRange;
}

export interface Aggregation {
  readonly type: 'aggregation';
  readonly op: AggregationOp;
  readonly expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio; otherwise null. */
  readonly param: Expr | null;
  readonly grouping: readonly string[];
  /** True for `without(…)`, false for `by(…)` or no clause. */
  readonly without: boolean;
  readonly pos: PositionRange;
}

export interface BinaryExpr {
  readonly type: 'binaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Null when at least one side is a scalar (no matching happens), as in parse.go's checkAST. */
  readonly matching: VectorMatching | null;
  /** The `bool` modifier of a comparison. */
  readonly bool: boolean;
  readonly pos: PositionRange;
}

export interface Call {
  readonly type: 'call';
  readonly func: FunctionSignature;
  readonly args: readonly Expr[];
  readonly pos: PositionRange;
}

export interface ParenExpr {
  readonly type: 'parenExpr';
  readonly expr: Expr;
  readonly pos: PositionRange;
}

export interface UnaryExpr {
  readonly type: 'unaryExpr';
  readonly op: '+' | '-';
  readonly expr: Expr;
  readonly pos: PositionRange;
}

export type Expr =
  | Aggregation
  | BinaryExpr
  | Call
  | MatrixSelector
  | Subquery
  | NumberLiteral
  | ParenExpr
  | StringLiteral
  | UnaryExpr
  | VectorSelector;

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['and', 'or', 'unless']);

/**
 * The value type an expression evaluates to (`Type()` methods in ast.go): a binary expression is a scalar only when
 * both sides are; parentheses and unary operators take their operand's type.
 */
export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case 'aggregation':
    case 'vectorSelector':
      return 'vector';
    case 'call':
      return e.func.returnType;
    case 'matrixSelector':
    case 'subquery':
      return 'matrix';
    case 'numberLiteral':
      return 'scalar';
    case 'stringLiteral':
      return 'string';
    case 'parenExpr':
    case 'unaryExpr':
      return exprType(e.expr);
    case 'binaryExpr':
      return exprType(e.lhs) === 'scalar' && exprType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
  }
}

/** The user-facing name of a value type in error messages (`DocumentedType` in value.go). */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

/** The instant-vector selector inside a matrix selector (Go keeps it as `MatrixSelector.VectorSelector`). */
export function vectorSelector(m: MatrixSelector): VectorSelector {
  return {
    type: 'vectorSelector',
    name: m.name,
    matchers: m.matchers,
    offset: m.offset,
    offsetExpr: m.offsetExpr,
    timestamp: m.timestamp,
    startOrEnd: m.startOrEnd,
    anchored: m.anchored,
    smoothed: m.smoothed,
    pos: m.pos,
  };
}
