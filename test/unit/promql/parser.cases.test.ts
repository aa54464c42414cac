/**
 * Hand-written parser cases: the grammar traps of reference/promql.md §1.5, Go's literal rules, the type checks,
 * the options. Expected values are Prometheus's (observed with the v0.316.0 parser through
 * fixtures/golden-gen, or stated in reference/promql.md), never our own output.
 */
import { describe, expect, it } from 'vitest';
import { PromQLParseError } from '../../../src/errors.js';
import type { Expr } from '../../../src/promql/ast.js';
import { formatExpr, parseExpr, type ParseOptions } from '../../../src/promql/parser/index.js';

function parse(q: string, options?: ParseOptions): Expr {
  return parseExpr(q, options);
}

function errorOf(q: string, options?: ParseOptions): string {
  try {
    parseExpr(q, options);
  } catch (err) {
    expect(err).toBeInstanceOf(PromQLParseError);
    return (err as PromQLParseError).message;
  }
  throw new Error(`expected ${JSON.stringify(q)} to fail`);
}

const sel = (name: string) => ({ type: 'vectorSelector', name, matchers: [{ name: '__name__', op: '=', value: name }] });
const num = (value: number) => ({ type: 'numberLiteral', value });
const bin = (op: string, lhs: object, rhs: object) => ({ type: 'binaryExpr', op, lhs, rhs });

describe('grammar traps (reference/promql.md §1.5)', () => {
  it('-2^2 is -(2^2): unary minus binds like *, below ^', () => {
    expect(parse('-2^2')).toMatchObject({ type: 'unaryExpr', op: '-', expr: bin('^', num(2), num(2)) });
    expect(parse('- 2 ^ 2')).toMatchObject({ type: 'unaryExpr', op: '-', expr: bin('^', num(2), num(2)) });
    expect(parse('1 + -2^2')).toMatchObject(bin('+', num(1), { type: 'unaryExpr', op: '-', expr: bin('^', num(2), num(2)) }));
    expect(parse('-2^2^3')).toMatchObject({ type: 'unaryExpr', expr: bin('^', num(2), bin('^', num(2), num(3))) });
  });

  it('a sign elsewhere folds into the literal, like unary_expr does', () => {
    expect(parse('-2 * 3')).toMatchObject(bin('*', num(-2), num(3)));
    expect(parse('1 - -1')).toMatchObject(bin('-', num(1), num(-1)));
    expect(parse('- -1')).toMatchObject(num(1));
    expect(parse('-(2)^2')).toMatchObject({ type: 'unaryExpr', expr: bin('^', { type: 'parenExpr' }, num(2)) });
  });

  it('associativity and precedence of the binary operators', () => {
    expect(parse('a - b - c')).toMatchObject(bin('-', bin('-', sel('a'), sel('b')), sel('c')));
    expect(parse('2^3^2')).toMatchObject(bin('^', num(2), bin('^', num(3), num(2))));
    expect(parse('a or b and c')).toMatchObject(bin('or', sel('a'), bin('and', sel('b'), sel('c'))));
    expect(parse('a unless b or c')).toMatchObject(bin('or', bin('unless', sel('a'), sel('b')), sel('c')));
    expect(parse('a + b * c > d')).toMatchObject(bin('>', bin('+', sel('a'), bin('*', sel('b'), sel('c'))), sel('d')));
    expect(parse('a atan2 b * c')).toMatchObject(bin('*', bin('atan2', sel('a'), sel('b')), sel('c')));
  });

  it('offset, @, [range] and [range:step] bind tighter than every operator (lezer 0.315.0 binds them loosest)', () => {
    expect(parse('a + b offset 5m')).toMatchObject(bin('+', sel('a'), { type: 'vectorSelector', name: 'b', offset: 300_000 }));
    expect(parse('a + b @ 10')).toMatchObject(bin('+', sel('a'), { type: 'vectorSelector', name: 'b', timestamp: 10_000 }));
    expect(parse('rate(a[5m:]) + b offset 1m')).toMatchObject(
      bin('+', { type: 'call', args: [{ type: 'subquery', range: 300_000 }] }, { type: 'vectorSelector', offset: 60_000 }),
    );
    expect(errorOf('a and b[5m:]')).toBe('1:7: parse error: binary expression must contain only scalar and instant vector types');
    expect(parse('-foo offset 5m')).toMatchObject({ type: 'unaryExpr', expr: { type: 'vectorSelector', offset: 300_000 } });
    expect(errorOf('a + b[5m]')).toBe('1:5: parse error: binary expression must contain only scalar and instant vector types');
    expect(errorOf('-test[5m]')).toBe(
      '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
    );
    expect(parse('(a + b)[5m:1m]')).toMatchObject({ type: 'subquery', expr: { type: 'parenExpr' }, step: 60_000 });
  });

  it('the vector matching of a binary operator', () => {
    expect(parse('a + on(x) group_left(y) b')).toMatchObject({
      matching: { card: 'many-to-one', labels: ['x'], on: true, include: ['y'] },
    });
    expect(parse('a and b')).toMatchObject({ matching: { card: 'many-to-many', on: false, labels: [] } });
    expect(parse('a > bool 1')).toMatchObject({ bool: true, matching: null });
    expect(parse('sum(x) by (a)')).toMatchObject({ type: 'aggregation', op: 'sum', grouping: ['a'], without: false });
  });
});

describe('literals with Go rules', () => {
  it.each([
    ['0x1f', 31],
    ['0X1F', 31],
    ['0x_1F', 31],
    ['010', 8],
    ['09', 9],
    ['1_000', 1000],
    ['1_000.5', 1000.5],
    ['.5', 0.5],
    ['5.', 5],
    ['2.e2', 200],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['iNf', Infinity],
    ['-Inf', -Infinity],
    ['nan', NaN],
    ['5m', 300],
    ['1h30m', 5400],
    ['9223372036854775807', 9223372036854775807],
  ])('number %s = %d', (text, value) => {
    const e = parse(text);
    expect(e.type).toBe('numberLiteral');
    expect(e.type === 'numberLiteral' && e.value).toBe(value);
  });

  it.each([
    ['1./6.', 1 / 6],
    ['2. + 1', 3],
  ])('trailing-dot numbers, a 0.315.0 grammar gap, parse: %s', (text, value) => {
    const e = parse(text);
    const v = e.type === 'binaryExpr' && e.lhs.type === 'numberLiteral' && e.rhs.type === 'numberLiteral'
      ? e.op === '/' ? e.lhs.value / e.rhs.value : e.lhs.value + e.rhs.value
      : NaN;
    expect(v).toBe(value);
  });

  it.each([
    ['0o17', '1:1: parse error: bad number or duration syntax: "0"'],
    ['0b101', '1:1: parse error: bad number or duration syntax: "0"'],
    ['1__0', '1:1: parse error: bad number or duration syntax: "1__"'],
    ['1_', '1:1: parse error: bad number or duration syntax: "1_"'],
    ['9'.repeat(400), `1:1: parse error: error parsing number: strconv.ParseFloat: parsing "${'9'.repeat(400)}": value out of range`],
  ])('bad number %s', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it.each([
    [String.raw`"a\x41\u00e9\101"`, 'aAéA'],
    ['`a\\nb`', 'a\\nb'],
    [String.raw`'\''`, "'"],
    [String.raw`"\""`, '"'],
    [String.raw`"\a\b\f\n\r\t\v\\"`, '\x07\b\f\n\r\t\v\\'],
    [String.raw`"\xc3\xa9"`, 'é'],
    [String.raw`"\U0001F600"`, '😀'],
  ])('string %s', (text, value) => {
    expect(parse(text)).toMatchObject({ type: 'stringLiteral', value });
  });

  it.each([
    [String.raw`"\q"`, "1:1: parse error: unknown escape sequence U+0071 'q'"],
    [String.raw`'\"'`, `1:1: parse error: unknown escape sequence U+0022 '"'`],
    ['"abc', '1:1: parse error: unterminated quoted string'],
    ['`abc', '1:1: parse error: unterminated raw string'],
    ['"a\nb"', '1:1: parse error: unterminated quoted string'],
  ])('bad string %s', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('durations: units largest first, each once, integers; bare numbers are seconds in 3.x', () => {
    expect(parse('x[1h30m]')).toMatchObject({ type: 'matrixSelector', range: 5_400_000 });
    expect(parse('x[1y]')).toMatchObject({ range: 365 * 86_400_000 });
    expect(parse('x[90]')).toMatchObject({ range: 90_000 });
    expect(parse('x[1.5]')).toMatchObject({ range: 1500 });
    expect(parse('x[250ms]')).toMatchObject({ range: 250 });
    expect(errorOf('x[30m1h]')).toBe('1:3: parse error: not a valid duration string: "30m1h"');
    expect(errorOf('x[1.5m]')).toBe('1:3: parse error: unknown unit "." in duration "1.5m"');
    expect(errorOf('x[0]')).toBe('1:3: parse error: duration must be greater than 0');
    expect(parse('x[5m] offset 0')).toMatchObject({ offset: 0 });
    expect(parse('x offset -5m')).toMatchObject({ offset: -300_000 });
  });

  it('duration arithmetic (3.x, on by default): kept as an expression for the engine', () => {
    expect(parse('x[5m+1m]')).toMatchObject({
      range: 0,
      rangeExpr: { type: 'durationExpr', op: '+', lhs: { value: 300, duration: true }, rhs: { value: 60, duration: true } },
    });
    expect(parse('x[5m:step()*2]')).toMatchObject({
      type: 'subquery',
      stepExpr: { op: '*', lhs: { type: 'durationExpr', op: 'step' }, rhs: { value: 2, duration: false } },
    });
    expect(parse('x offset min_of(5m, 1m)')).toMatchObject({ offsetExpr: { op: 'min_of' } });
    expect(parse('x[STEP()]')).toMatchObject({ rangeExpr: { op: 'step' } });
    expect(errorOf('x[5m/0]')).toBe('1:5: parse error: division by zero');
  });

  it('@ timestamps', () => {
    expect(parse('x @ 1.5')).toMatchObject({ timestamp: 1500 });
    expect(parse('x[1m] @ end()')).toMatchObject({ startOrEnd: 'end', timestamp: null });
    expect(errorOf('x @ Inf')).toBe('1:1: parse error: timestamp out of bounds for @ modifier: +Inf');
    expect(errorOf('x @ 1e30')).toBe(
      '1:1: parse error: timestamp out of bounds for @ modifier: 1000000000000000019884624838656.000000',
    );
  });
});

describe("type checks and grammar-action checks, with Prometheus's wording and position", () => {
  it.each([
    ['rate(foo)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ['1 > 2', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['x and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['x + on(a) group_left(a) y', '1:3: parse error: label "a" must not occur in ON and GROUP clause at once'],
    ['{a=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['topk(x, y)', '1:6: parse error: expected type scalar in aggregation parameter, got instant vector'],
    ['count_values(1, x)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
    ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
    ['quantile(x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['limitk(1, x)', '1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions'],
    ['holt_winters(x[5m], 0.5, 0.5)', '1:1: parse error: unknown function with name "holt_winters"'],
    ['double_exponential_smoothing(x[5m], 0.5, 0.5)', '1:1: parse error: function "double_exponential_smoothing" is not enabled'],
    ['round(x, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
    ['time(1)', '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
    ['"a"[5m:]', '1:1: parse error: subquery is only allowed on instant vector, got string instead'],
    ['foo[5m] @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['foo offset 1m offset 2m', '1:1: parse error: offset may not be set multiple times'],
    ['sum(x) offset 5m', '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['(foo)[5m]', '1:6: parse error: ranges only allowed for vector selectors'],
    ['a + fill(0) b', '1:1: parse error: binop fill modifiers are experimental and not enabled'],
    ['x{a=~"("}', '1:3: parse error: error parsing regexp: missing closing ): `(`'],
    ['rate(x[5m],)', '1:11: parse error: trailing commas not allowed in function call args'],
    ['sum(rate(x[5m])', '1:16: parse error: unclosed left parenthesis'],
    ['1 + ', '1:5: parse error: unexpected end of input'],
    ['sum(x)\n  + \n', '3:1: parse error: unexpected end of input'],
    ['foo(x)', '1:1: parse error: unknown function with name "foo"'],
    ['', 'unknown position: parse error: no expression found in input'],
    ['  # only a comment', '1:1: parse error: no expression found in input'],
    ['some_metric{a=b}', '1:15: parse error: unexpected identifier "b" in label matching, expected string'],
    ['sum (some_metric) by test', '1:22: parse error: unexpected identifier "test" in grouping opts, expected "("'],
    ['foo[]', '1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()'],
    ['end() .5', '1:1: parse error: function "end" is not enabled'],
  ])('%j', (q, message) => {
    expect(errorOf(q)).toBe(message);
  });

  it('errors carry the stable code, the span and a byte-based column', () => {
    let caught: unknown;
    try {
      parseExpr('"é" + rate(foo)');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PromQLParseError);
    const err = caught as PromQLParseError;
    expect(err.code).toBe('FPB_ERR_PROMQL_PARSE');
    expect(err.position).toEqual({ start: 11, end: 14 });
    // 'é' is two bytes in UTF-8: Go counts column 13 where the UTF-16 offset is 11.
    expect(err.column).toBe(13);
    expect(err.line).toBe(1);
    expect(err.detail).toBe('expected type range vector in call to function "rate", got instant vector');
  });
});

describe('options', () => {
  it('experimentalFunctions enables the experimental functions and limitk/limit_ratio', () => {
    expect(parse('limitk(1, x)', { experimentalFunctions: true })).toMatchObject({ type: 'aggregation', op: 'limitk' });
    expect(parse('sort_by_label(x, "a", "b")', { experimentalFunctions: true })).toMatchObject({
      type: 'call', func: { name: 'sort_by_label', experimental: true },
    });
    expect(parse('integral(x[5m])', { experimentalFunctions: true })).toMatchObject({ func: { name: 'integral' } });
    expect(parse('min_of(1, 2)', { experimentalFunctions: true })).toMatchObject({ func: { name: 'min_of' } });
  });

  it('binopFillModifiers enables fill(), fill_left(), fill_right()', () => {
    expect(parse('a + fill_left(-1) fill_right(2) b', { binopFillModifiers: true })).toMatchObject({
      matching: { fillValues: { lhs: -1, rhs: 2 } },
    });
  });

  it('unquotedUtf8Names lets Unicode letters and dots into names', () => {
    expect(parse('http.server.requests{service.name="api"}', { unquotedUtf8Names: true })).toMatchObject({
      name: 'http.server.requests',
      matchers: [{ name: 'service.name', value: 'api' }, { name: '__name__', value: 'http.server.requests' }],
    });
    expect(errorOf('http.server.requests')).toBe("1:5: parse error: unexpected character: '.'");
  });

  describe("compat '2' (Prometheus 2.x; wording observed with Debian's promtool 2.42.0 `check rules`)", () => {
    const v2 = { compat: '2' } as const;
    it('holt_winters is a function, with the signature of its 3.x successor', () => {
      expect(parse('holt_winters(x[5m], 0.5, 0.5)', v2)).toMatchObject({
        type: 'call', func: { name: 'holt_winters', argTypes: ['matrix', 'scalar', 'scalar'], experimental: false },
      });
      expect(formatExpr(parse('holt_winters(x[5m], 0.5, 0.5)', v2))).toBe('holt_winters(x[5m], 0.5, 0.5)');
    });
    it.each([
      ['x[90]', '1:3: parse error: missing unit character in duration'],
      ['x[5m] offset 5', '1:14: parse error: unexpected number "5" in offset, expected duration'],
      ['x offset 0s', '1:10: parse error: duration must be greater than 0'],
      ['x[0s]', '1:3: parse error: duration must be greater than 0'],
      ['x[1m:0s]', '1:6: parse error: duration must be greater than 0'],
      ['1_000', '1:1: parse error: bad number or duration syntax: "1"'],
      ['{"a.b"}', '1:2: parse error: unexpected string "\\"a.b\\"" in label matching, expected identifier or "}"'],
      ['x{"a"="b"}', '1:3: parse error: unexpected string "\\"a\\"" in label matching, expected identifier or "}"'],
      ['sum by ("a") (x)', '1:9: parse error: unexpected string "\\"a\\"" in grouping opts, expected label'],
      ['x[5m+1m]', '1:5: parse error: unexpected <op:+> in subquery or range, expected ":" or "]"'],
    ])('%s fails as in 2.42', (q, message) => {
      expect(errorOf(q, v2)).toBe(message);
    });
    it.each([['x offset -5m'], ['x @ 10 offset 5m'], ['2.'], ['foo[5m:]'], ['0x1F']])('%s parses, as in 2.42', (q) => {
      expect(() => parse(q, v2)).not.toThrow();
    });
  });
});

describe('formatExpr prints like Go String()', () => {
  it.each([
    ['x[90]', 'x[1m30s]'],
    ['x @ 1.5', 'x @ 1.500'],
    ['foo{b="1",a=~"x"}', 'foo{a=~"x",b="1"}'],
    ['sum by(a,b)(x)', 'sum by (a, b) (x)'],
    ['a+on(x)group_left b', 'a + on (x) group_left () b'],
    ['1e21', '1000000000000000000000'],
    ['0.0000001', '0.0000001'],
    ['-2^2', '-2 ^ 2'],
    ['x offset -(1m)', 'x offset -(1m)'],
    ['{"a.b"="c"}', '{"a.b"="c"}'],
  ])('%s → %s', (q, printed) => {
    expect(formatExpr(parse(q))).toBe(printed);
  });
});
