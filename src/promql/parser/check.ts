/**
 * Type checks of a whole expression: a port of `checkAST` and `expectType` in `promql/parser/parse.go` at v0.316.0,
 * run after conversion like Go runs it after a clean parse. Errors carry Go's wording and position; the first one
 * (in Go's traversal order) is thrown as a PromQLParseError.
 *
 * Besides checking, it settles vector matching the way checkAST does: set operators default to many-to-many, and
 * the matching is dropped (null) when a side is not an instant vector.
 */
import { PromQLParseError } from '../../errors.js';
import { compileMatcher } from '../../store/matchers.js';
import { goQuote } from './lexer.js';
import {
  COMPARISON_OPS,
  SET_OPS,
  documentedType,
  exprType,
  type BinaryExpr,
  type Expr,
  type LabelMatcher,
  type PositionRange,
  type ValueType,
} from '../ast.js';

export function checkExpr(input: string, root: Expr): Expr {
  const fail = (pos: PositionRange, detail: string): never => {
    throw new PromQLParseError(input, pos, detail);
  };

  const expectType = (e: Expr, want: ValueType, context: string): Expr => {
    const checked = check(e);
    const t = exprType(checked);
    if (t !== want) fail(e.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
    return checked;
  };

  // The operator's span without surrounding whitespace (opRange in checkAST).
  const opRange = (n: BinaryExpr): PositionRange => {
    let start = n.lhs.pos.end;
    while (/\s/.test(input[start] ?? '')) start++;
    let end = n.rhs.pos.start - 1;
    while (end > start && /\s/.test(input[end] ?? '')) end--;
    return { start, end: end + 1 };
  };

  function check(node: Expr): Expr {
    switch (node.type) {
      case 'aggregation': {
        const expr = expectType(node.expr, 'vector', 'aggregation expression');
        let param = node.param;
        if (param !== null) {
          if (['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio'].includes(node.op)) {
            param = expectType(param, 'scalar', 'aggregation parameter');
          } else if (node.op === 'count_values') {
            param = expectType(param, 'string', 'aggregation parameter');
          }
        }
        return { ...node, expr, param };
      }

      case 'binaryExpr': {
        const lhs = check(node.lhs);
        const rhs = check(node.rhs);
        const lt = exprType(lhs);
        const rt = exprType(rhs);
        const n: BinaryExpr = { ...node, lhs, rhs };
        if (n.bool && !COMPARISON_OPS.has(n.op)) fail(opRange(n), 'bool modifier can only be used on comparison operators');
        if (COMPARISON_OPS.has(n.op) && !n.bool && rt === 'scalar' && lt === 'scalar') {
          fail(opRange(n), 'comparisons between scalars must use BOOL modifier');
        }
        let matching = n.matching;
        if (matching !== null && SET_OPS.has(n.op) && matching.card === 'one-to-one') {
          matching = { ...matching, card: 'many-to-many' };
        }
        if (matching !== null && matching.on) {
          for (const l of matching.labels) {
            if (matching.include.includes(l)) fail(opRange(n), `label ${goQuote(l)} must not occur in ON and GROUP clause at once`);
          }
        }
        if (lt !== 'scalar' && lt !== 'vector') fail(lhs.pos, 'binary expression must contain only scalar and instant vector types');
        if (rt !== 'scalar' && rt !== 'vector') fail(rhs.pos, 'binary expression must contain only scalar and instant vector types');
        if (matching !== null) {
          const fills = matching.fillValues.lhs !== null || matching.fillValues.rhs !== null;
          if (lt !== 'vector' || rt !== 'vector') {
            if (matching.labels.length > 0) fail(n.pos, 'vector matching only allowed between instant vectors');
            if (fills) fail(n.pos, 'filling in missing series only allowed between instant vectors');
            matching = null;
          } else if (SET_OPS.has(n.op)) {
            if (matching.card === 'one-to-many' || matching.card === 'many-to-one') fail(n.pos, `no grouping allowed for "${n.op}" operation`);
            if (matching.card !== 'many-to-many') fail(n.pos, 'set operations must always be many-to-many');
            if (fills) fail(n.pos, 'filling in missing series not allowed for set operators');
          }
        }
        if ((lt === 'scalar' || rt === 'scalar') && SET_OPS.has(n.op)) {
          fail(n.pos, `set operator "${n.op}" not allowed in binary scalar expression`);
        }
        return { ...n, matching };
      }

      case 'call': {
        const f = node.func;
        const nargs = f.argTypes.length;
        if (f.variadic === 0) {
          if (nargs !== node.args.length) fail(node.pos, `expected ${nargs} argument(s) in call to "${f.name}", got ${node.args.length}`);
        } else {
          const na = nargs - 1;
          if (na > node.args.length) {
            fail(node.pos, `expected at least ${na} argument(s) in call to "${f.name}", got ${node.args.length}`);
          } else if (f.variadic > 0 && na + f.variadic < node.args.length) {
            fail(node.pos, `expected at most ${na + f.variadic} argument(s) in call to "${f.name}", got ${node.args.length}`);
          }
        }
        const args = [...node.args];
        if (f.name === 'info' && args.length > 1) {
          const second = args[1] as Expr;
          if (exprType(second) !== 'vector') {
            fail(node.pos, `expected type instant vector in call to function "info", got ${documentedType(exprType(second))}`);
          }
          if (second.type === 'vectorSelector' && second.name !== '') {
            fail(second.pos, 'expected label selectors only, got vector selector instead');
          } else if (second.type !== 'vectorSelector') {
            fail(second.pos, 'expected label selectors only');
          }
        }
        for (let i = 0; i < args.length; i++) {
          let ti = i;
          if (i >= nargs) {
            // Extra arguments of a non-variadic call are not type-checked (the count error came first).
            if (f.variadic === 0) break;
            ti = nargs - 1;
          }
          const arg = args[i] as Expr;
          // info()'s second argument is a label-only selector: the empty-matcher rule does not apply to it.
          const checked = f.name === 'info' && i === 1 ? arg : check(arg);
          args[i] = checked;
          const t = exprType(checked);
          const want = f.argTypes[ti] as ValueType;
          if (t !== want) fail(arg.pos, `expected type ${documentedType(want)} in call to function "${f.name}", got ${documentedType(t)}`);
        }
        return { ...node, args };
      }

      case 'parenExpr':
        return { ...node, expr: check(node.expr) };

      case 'unaryExpr': {
        const expr = check(node.expr);
        const t = exprType(expr);
        if (t !== 'scalar' && t !== 'vector') {
          fail(node.pos, `unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(t)}"`);
        }
        return { ...node, expr };
      }

      case 'subquery': {
        const expr = check(node.expr);
        const t = exprType(expr);
        // Go prints the raw type name here ("matrix"), not the documented one.
        if (t !== 'vector') fail(node.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        return { ...node, expr };
      }

      case 'matrixSelector':
      case 'vectorSelector':
        checkSelector(node.name, node.matchers, node.pos);
        return node;

      case 'numberLiteral':
      case 'stringLiteral':
        return node;
    }
  }

  function checkSelector(name: string, matchers: readonly LabelMatcher[], pos: PositionRange): void {
    if (name !== '') {
      // The last matcher is the name written outside the braces; another __name__ matcher sets it twice.
      for (const m of matchers.slice(0, -1)) {
        if (m.name === '__name__') fail(pos, `metric name must not be set twice: ${goQuote(name)} or ${goQuote(m.value)}`);
      }
      return;
    }
    // At least one matcher must not match the empty string, or the selector would select every series.
    if (!matchers.some((m) => !compileMatcher(m).matchesEmpty)) {
      fail(pos, 'vector selector must contain at least one non-empty matcher');
    }
  }

  return check(root);
}
