/**
 * Fuzzing of the PromQL parser: (a) whatever the input, only PromQLParseError comes out, with a position inside
 * the query; (b) generated ASTs survive formatExpr → parseExpr unchanged (up to positions).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PromQLParseError } from '../../../src/errors.js';
import type { AggregationOp, Expr, LabelMatcher, MatchOp, ValueType } from '../../../src/promql/ast.js';
import { formatExpr, lookupFunction, parseExpr, type ParseOptions } from '../../../src/promql/parser/index.js';
import { comparable } from './golden.js';

function onlyParseErrors(input: string, options?: ParseOptions): void {
  try {
    parseExpr(input, options);
  } catch (err) {
    if (!(err instanceof PromQLParseError)) throw err;
    expect(err.code).toBe('FPB_ERR_PROMQL_PARSE');
    expect(err.position.start).toBeGreaterThanOrEqual(0);
    expect(err.position.start).toBeLessThanOrEqual(input.length);
    expect(err.message).toMatch(/^(\d+:\d+|unknown position): parse error: ./s);
  }
}

// PromQL tokens and fragments that reach deep into the grammar and the lexer when glued together at random.
const TOKENS = [
  'foo', 'bar', 'x', 'sum', 'rate', 'topk', 'count_values', 'quantile', 'histogram_quantile', 'label_replace',
  'holt_winters', 'integral', 'step', 'range', 'min_of', 'max_of', 'start', 'end', 'STEP', 'Sum', 'BY', 'OFFSET',
  '(', ')', '[', ']', '{', '}', ',', ':', '@', '+', '-', '*', '/', '^', '%', '==', '!=', '>', '<', '>=', '<=', '=',
  '=~', '!~', '</', '>/', 'and', 'or', 'unless', 'atan2', 'by', 'without', 'on', 'ignoring', 'group_left',
  'group_right', 'bool', 'offset', 'anchored', 'smoothed', 'fill', 'fill_left', 'fill_right', '5m', '1h30m', '30m1h',
  '1.5m', '0', '1', '2.', '.5', '0x1F', '0X1f', '010', '1e3', '1e', '1_000', '1__0', 'Inf', 'NaN', '"x"', "'y'",
  '`z`', '"\\q"', '"\\xff"', '"', "'", '`', '\\', '#c\n', ' ', '\n', '\t', 'é', '😀', '\ud800', '\ufffd', 'a.b',
  '__name__', 'a="b"', 'a=~"("', '[5m]', '[5m:]', '[5m:1m]', '[5m+1m]', '[step()]', '()', 'start()', 'end()',
];

describe('parseExpr never throws anything but PromQLParseError', () => {
  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (s) => onlyParseErrors(s)), { numRuns: 1000 });
  });

  it('token soups, with every option combination', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 });
    const options = fc.record({
      compat: fc.constantFrom('2' as const, '3' as const),
      experimentalFunctions: fc.boolean(),
      binopFillModifiers: fc.boolean(),
      unquotedUtf8Names: fc.boolean(),
    });
    fc.assert(
      fc.property(soup, fc.boolean(), options, (tokens, spaced, opts) => onlyParseErrors(tokens.join(spaced ? ' ' : ''), opts)),
      { numRuns: 1500 },
    );
  });

  it('long and deep queries within the limits of lezer parse (about 650 chained operators, 2800 parentheses)', () => {
    expect(parseExpr(`a${' + a'.repeat(500)}`).type).toBe('binaryExpr');
    expect(parseExpr(`${'('.repeat(1000)}1${')'.repeat(1000)}`).type).toBe('parenExpr');
    expect(parseExpr(`${'sum('.repeat(500)}x${')'.repeat(500)}`).type).toBe('aggregation');
  });

  it('deep nesting and long inputs stay typed errors or parse', () => {
    onlyParseErrors(`${'('.repeat(500)}1${')'.repeat(500)}`);
    onlyParseErrors(`${'('.repeat(500)}1`);
    onlyParseErrors(`sum(${'rate(x[5m]) + '.repeat(200)}1)`);
    onlyParseErrors(`${'-'.repeat(1000)}1`);
  });
});

// --- Generated ASTs ------------------------------------------------------------------------------------------------

const NAMES = ['up', 'foo', 'http_requests_total', 'sum', 'a:b', 'on_x'];
const LABELS = ['a', 'job', 'le', 'instance', 'x_1'];
const pos = { start: 0, end: 0 };

const labelName = fc.constantFrom(...LABELS);
const labelValue = fc.string({ maxLength: 6 }).filter((s) => !s.includes('\ufffd') && !/[\ud800-\udfff]/.test(s));
const matcher: fc.Arbitrary<LabelMatcher> = fc.record({
  name: labelName,
  op: fc.constantFrom<MatchOp>('=', '!=', '=~', '!~'),
  value: labelValue,
}).map((m) => (m.op === '=~' || m.op === '!~' ? { ...m, value: m.value.replace(/[\\()[\]{}|*+?.^$]/g, '') } : m));

// Durations in whole milliseconds, as Prometheus prints them.
const durationMs = fc.integer({ min: 1, max: 10 * 86_400_000 });

const selector: fc.Arbitrary<Expr> = fc
  .record({
    name: fc.constantFrom(...NAMES),
    matchers: fc.uniqueArray(matcher, { maxLength: 3, selector: (m) => `${m.name}${m.op}${m.value}` }),
    offset: fc.oneof(fc.constant(0), durationMs, durationMs.map((d) => -d)),
    at: fc.oneof(fc.constant(null), fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('start' as const, 'end' as const)),
  })
  .map(({ name, matchers, offset, at }) => ({
    type: 'vectorSelector' as const,
    name,
    matchers: [...matchers, { name: '__name__', op: '=' as const, value: name }],
    offset,
    offsetExpr: null,
    timestamp: typeof at === 'number' ? at : null,
    startOrEnd: typeof at === 'string' ? at : null,
    anchored: false,
    smoothed: false,
    pos,
  }));

const matrix: fc.Arbitrary<Expr> = fc.tuple(selector, durationMs).map(([s, range]) => {
  if (s.type !== 'vectorSelector') throw new Error('unreachable');
  const { type: _t, ...rest } = s;
  return { ...rest, type: 'matrixSelector' as const, range, rangeExpr: null };
});

const scalarLiteral: fc.Arbitrary<Expr> = fc
  .oneof(fc.double({ noNaN: true, min: 0 }), fc.integer({ min: 0, max: 1e6 }), fc.constant(Infinity))
  .map((value) => ({ type: 'numberLiteral' as const, value, duration: false, pos }));

const paren = (expr: Expr): Expr => ({ type: 'parenExpr', expr, pos });
// Operands are parenthesised unless atomic, so that the printed text needs no precedence knowledge.
const operand = (e: Expr): Expr => (e.type === 'binaryExpr' || e.type === 'unaryExpr' || e.type === 'numberLiteral' ? paren(e) : e);

function call(name: string, args: Expr[]): Expr {
  const func = lookupFunction(name, '3');
  if (func === undefined) throw new Error(`no function ${name}`);
  return { type: 'call', func, args, pos };
}

const { expr: exprOf } = fc.letrec<{ vector: Expr; scalar: Expr; expr: Expr }>((tie) => ({
  vector: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    selector,
    matrix.map((m) => call('rate', [m])),
    fc.tuple(tie('vector'), fc.constantFrom<AggregationOp>('sum', 'avg', 'max', 'count', 'group'), fc.uniqueArray(labelName, { maxLength: 2 }), fc.boolean())
      .map(([expr, op, grouping, without]): Expr => ({ type: 'aggregation', op, expr, param: null, grouping, without, pos })),
    fc.tuple(tie('vector'), tie('scalar')).map(([expr, k]): Expr => ({ type: 'aggregation', op: 'topk', expr, param: k, grouping: [], without: false, pos })),
    fc.tuple(tie('vector'), fc.constantFrom('+', '-', '*', '/', '^', '%', 'atan2', '==', '>', '<=', 'and', 'or', 'unless'), tie('vector'), fc.boolean(), fc.uniqueArray(labelName, { maxLength: 2 }))
      .map(([lhs, op, rhs, on, labels]): Expr => ({
        type: 'binaryExpr', op: op as never, lhs: operand(lhs), rhs: operand(rhs), bool: false,
        matching: { card: ['and', 'or', 'unless'].includes(op) ? 'many-to-many' : 'one-to-one', labels, on, include: [], fillValues: { lhs: null, rhs: null } },
        pos,
      })),
    fc.tuple(tie('vector'), fc.constantFrom('==', '!=', '>'), tie('scalar')).map(([lhs, op, rhs]): Expr => ({
      type: 'binaryExpr', op: op as never, lhs: operand(lhs), rhs: operand(rhs), bool: true, matching: null, pos,
    })),
    tie('vector').map((e): Expr => ({ type: 'unaryExpr', op: '-', expr: operand(e), pos })),
    fc.tuple(tie('vector'), durationMs, fc.option(durationMs, { nil: 0 })).map(([e, range, step]): Expr => ({
      type: 'call', func: lookupFunction('max_over_time', '3') as never, pos,
      args: [{ type: 'subquery', expr: operand(e), range, rangeExpr: null, step, stepExpr: null, offset: 0, offsetExpr: null, timestamp: null, startOrEnd: null, pos }],
    })),
    fc.tuple(tie('vector'), fc.constantFrom('a', 'dst'), labelValue).map(([e, dst, repl]) =>
      call('label_replace', [e, { type: 'stringLiteral', value: dst, pos }, { type: 'stringLiteral', value: repl, pos }, { type: 'stringLiteral', value: 'src', pos }, { type: 'stringLiteral', value: '(.*)', pos }])),
  ),
  scalar: fc.oneof(
    { depthSize: 'small' },
    scalarLiteral,
    fc.constant(call('time', [])),
    tie('vector').map((e) => call('scalar', [e])),
    fc.tuple(tie('scalar'), fc.constantFrom('+', '*', '/'), tie('scalar')).map(([lhs, op, rhs]): Expr => ({
      type: 'binaryExpr', op: op as never, lhs: operand(lhs), rhs: operand(rhs), bool: false, matching: null, pos,
    })),
  ),
  expr: fc.oneof(tie('vector'), tie('scalar')),
}));

/** Go's printer sorts label matchers, so compare matcher lists as sets. */
function normalized(e: Expr): unknown {
  return JSON.parse(JSON.stringify(comparable(e), (key, value: unknown) =>
    key === 'matchers' && Array.isArray(value)
      ? [...(value as LabelMatcher[])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
      : value));
}

describe('formatExpr → parseExpr round trip', () => {
  it('gives the same AST back for generated expressions', () => {
    fc.assert(
      fc.property(exprOf, (e: Expr) => {
        const text = formatExpr(e);
        const back = parseExpr(text);
        expect(normalized(back)).toEqual(normalized(e));
        expect(formatExpr(back)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('and for every expression type the generator does not build', () => {
    const queries = [
      'x[5m+1m] offset -(1m) @ start()',
      'foo anchored',
      'rate(foo[5m] smoothed)',
      'a + on(x) group_right(y, z) b',
      'count_values("v", x) without (a)',
      '"str"',
      'quantile_over_time(0.9, x[10m:30s] offset 1m)',
    ];
    for (const q of queries) {
      const e = parseExpr(q, { experimentalFunctions: true });
      expect(normalized(parseExpr(formatExpr(e), { experimentalFunctions: true }))).toEqual(normalized(e));
    }
  });
});
