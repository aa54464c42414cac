import { PromQLEvalError } from '../../errors.js';
import type { DurationNode } from '../ast.js';
import { goPow } from './binop.js';

/**
 * Evaluates a duration expression (`[5m + step()]`, `offset -min_of(1m, range())`, 3.4+) to milliseconds, as
 * `durationVisitor.calculateDuration` in `promql/durations.go` at v0.316.0: arithmetic on seconds, `step()` and
 * `range()` from the query, then checks. `allowNegative` for offsets.
 *
 * @throws PromQLEvalError "duration must be greater than 0", "division by zero", … with Go's `start:end:` prefix
 */
export function evalDurationMs(node: DurationNode, stepMs: number, rangeMs: number, allowNegative: boolean): number {
  const pos = `${node.pos.start}:${node.pos.end}`;
  const d = seconds(node, stepMs, rangeMs);
  if (!Number.isFinite(d)) throw new PromQLEvalError(`${pos}: duration is NaN or infinite`);
  if (d <= 0 && !allowNegative) throw new PromQLEvalError(`${pos}: duration must be greater than 0`);
  if (Math.abs(d) > 2 ** 63 / 1e9) throw new PromQLEvalError(`${pos}: duration is out of range`);
  return Math.trunc(d * 1000);
}

function seconds(n: DurationNode, stepMs: number, rangeMs: number): number {
  if (n.type === 'numberLiteral') return n.value;
  const l = n.lhs === null ? 0 : seconds(n.lhs, stepMs, rangeMs);
  const r = n.rhs === null ? 0 : seconds(n.rhs, stepMs, rangeMs);
  const pos = `${n.pos.start}:${n.pos.end}`;
  switch (n.op) {
    case 'step': return stepMs / 1000;
    case 'range': return rangeMs / 1000;
    case 'min_of': return Math.min(l, r);
    case 'max_of': return Math.max(l, r);
    case '+': return n.lhs === null ? r : l + r;
    case '-': return n.lhs === null ? -r : l - r;
    case '*': return l * r;
    case '/':
      if (r === 0) throw new PromQLEvalError(`${pos}: division by zero`);
      return l / r;
    case '%':
      if (r === 0) throw new PromQLEvalError(`${pos}: modulo by zero`);
      return l % r;
    case '^': return goPow(l, r);
  }
}
