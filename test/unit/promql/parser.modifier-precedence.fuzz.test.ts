/**
 * Property tests of how modifiers bind, from Go's grammar (Prometheus 3.16 promql/parser/generated_parser.y):
 * `%nonassoc OFFSET` and `%right LEFT_BRACKET` rank above every binary operator, `AT` has no precedence (yacc shifts),
 * and `unary_op expr` has the precedence of `*`. So (1) an operand with its modifiers parses exactly as the same
 * operand in parentheses would, had parentheses no node of their own, and (2) the operators between operands keep
 * their usual precedence whatever modifiers the operands carry. The same shapes are checked against Prometheus's
 * own parser in parser.golden.test.ts (modifier-chains.golden.jsonl, 2000 chains answered by Go).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PromQLParseError } from '../../../src/errors.js';
import type { Expr } from '../../../src/promql/ast.js';
import { parseExpr } from '../../../src/promql/parser/index.js';
import { comparable } from './golden.js';

// `group_left()` with its (empty) list: after a bare `group_left`, `(a)` would be read as the list of labels.
const OPS = ['+', '-', '*', '/', '%', '^', 'atan2', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless', '> bool', '* on(x) group_left()'];
const MODIFIERS = [' offset 1m', ' offset -2m', ' @ 10', ' @ start()', ' @ end()'];

const operand = fc.record({
  signs: fc.array(fc.constantFrom('-', '+'), { maxLength: 2 }),
  name: fc.constantFrom('a', 'b', 'c', 'd{x="1"}'),
  modifiers: fc.subarray(MODIFIERS.slice(0, 2).concat(MODIFIERS.slice(2, 3)), { maxLength: 2 }),
  subquery: fc.boolean(),
});
const chain = fc.tuple(operand, fc.array(fc.tuple(fc.constantFrom(...OPS), operand), { minLength: 1, maxLength: 5 }));

type Operand = { signs: string[]; name: string; modifiers: string[]; subquery: boolean };

/** `-a offset 1m` → the operand with modifiers; `parens` wraps the selector and its modifiers (not the signs). */
function render(o: Operand, parens: boolean): string {
  // A range vector in a binary operation is a type error: a subquery goes inside a function, as in dashboards.
  const mods = o.modifiers.join('');
  const core = o.subquery ? `rate(${o.name}[5m:1m]${mods})` : `${o.name}${mods}`;
  return o.signs.join('') + (parens ? `(${core})` : core);
}

function withoutParens(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(withoutParens);
  if (e === null || typeof e !== 'object') return e;
  const o = e as Record<string, unknown>;
  if (o.type === 'parenExpr') return withoutParens(o.expr);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withoutParens(v)]));
}

function outcome(q: string): unknown {
  try {
    return comparable(withoutParens(parseExpr(q)));
  } catch (err) {
    if (err instanceof PromQLParseError) return 'error';
    throw err;
  }
}

describe('modifiers bind to the operand before them, operators keep their precedence', () => {
  it('an operand with modifiers parses as that operand in parentheses', () => {
    fc.assert(
      fc.property(chain, ([first, rest]) => {
        const bare = [render(first, false), ...rest.flatMap(([op, o]) => [op, render(o, false)])].join(' ');
        const wrapped = [render(first, true), ...rest.flatMap(([op, o]) => [op, render(o, true)])].join(' ');
        expect(outcome(bare)).toEqual(outcome(wrapped));
      }),
      { numRuns: 1500 },
    );
  });

  it('dropping every modifier changes no operator and no operand order', () => {
    const shape = (e: Expr | unknown): unknown => {
      if (e === null || typeof e !== 'object') return null;
      const o = e as Expr;
      if (o.type === 'binaryExpr') return [o.op, shape(o.lhs), shape(o.rhs)];
      if (o.type === 'unaryExpr') return [o.op, shape(o.expr)];
      if (o.type === 'parenExpr') return shape(o.expr);
      if (o.type === 'numberLiteral') return o.value;
      return o.type === 'call' ? 'call' : (o as { name?: string }).name ?? o.type;
    };
    fc.assert(
      fc.property(chain, ([first, rest]) => {
        const plain = (o: Operand): Operand => ({ ...o, modifiers: [] });
        const q = (f: (o: Operand) => Operand): string =>
          [render(f(first), false), ...rest.flatMap(([op, o]) => [op, render(f(o), false)])].join(' ');
        let withMods: unknown;
        try {
          withMods = shape(parseExpr(q((o) => o)));
        } catch (err) {
          if (err instanceof PromQLParseError) return; // a type error of the chain, with or without modifiers
          throw err;
        }
        expect(withMods).toEqual(shape(parseExpr(q(plain))));
      }),
      { numRuns: 1500 },
    );
  });

  it('examples from Go\'s grammar', () => {
    const tree = (q: string): unknown => {
      const s = (e: Expr): unknown => e.type === 'binaryExpr' ? [s(e.lhs), e.op, s(e.rhs)]
        : e.type === 'unaryExpr' ? [e.op, s(e.expr)]
        : e.type === 'vectorSelector' ? `${e.name}${e.offset !== 0 ? `@off${e.offset}` : ''}${e.timestamp !== null ? `@${e.timestamp}` : ''}`
        : e.type === 'numberLiteral' ? e.value : e.type;
      return s(parseExpr(q));
    };
    expect(tree('a + b offset 1m * 0')).toEqual(['a', '+', ['b@off60000', '*', 0]]);
    expect(tree('a * b offset 1m + c')).toEqual([['a', '*', 'b@off60000'], '+', 'c']);
    expect(tree('a ^ b @ 10 ^ c')).toEqual(['a', '^', ['b@10000', '^', 'c']]);
    expect(tree('a or b offset 1m and c offset 2m + d')).toEqual(['a', 'or', ['b@off60000', 'and', ['c@off120000', '+', 'd']]]);
    expect(tree('-a offset 1m * b')).toEqual([['-', 'a@off60000'], '*', 'b']);
    expect(tree('-a offset 1m ^ b')).toEqual(['-', ['a@off60000', '^', 'b']]);
    expect(tree('-2 ^ 2')).toEqual(['-', [2, '^', 2]]);
  });
});
