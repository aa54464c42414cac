import type { Expr } from '../ast.js';
import { evalDurationMs } from './durations.js';

/** Query bounds a time range is computed from (ms). */
export interface QueryBounds {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly lookbackMs: number;
}

/**
 * The `[mint, maxt]` (ms, inclusive) a query can read, from its AST: every selector's evaluation times shifted
 * by its offset, `@` and the enclosing subqueries' ranges and offsets, widened by its range (or the lookback
 * delta for an instant selector). The role of `FindMinMaxTime` in `promql/engine.go` at v0.316.0; conservative
 * (subquery alignment can only move the first step later). Undefined when the query has no selector.
 */
export function findMinMaxTime(e: Expr, b: QueryBounds): { mint: number; maxt: number } | undefined {
  let mint = Infinity;
  let maxt = -Infinity;
  const rangeOfQuery = b.endMs - b.startMs;
  const offsetOf = (n: { offset: number; offsetExpr: Parameters<typeof evalDurationMs>[0] | null }): number =>
    n.offsetExpr !== null ? evalDurationMs(n.offsetExpr, b.stepMs, rangeOfQuery, true) : n.offset;
  const base = (n: { timestamp: number | null; startOrEnd: 'start' | 'end' | null }, lo: number, hi: number): [number, number] => {
    if (n.timestamp !== null) return [n.timestamp, n.timestamp];
    if (n.startOrEnd === 'start') return [b.startMs, b.startMs];
    if (n.startOrEnd === 'end') return [b.endMs, b.endMs];
    return [lo, hi];
  };
  const walk = (n: Expr, lo: number, hi: number): void => {
    switch (n.type) {
      case 'vectorSelector':
      case 'matrixSelector': {
        const [l, h] = base(n, lo, hi);
        const off = offsetOf(n);
        const width = n.type === 'matrixSelector' ? (n.rangeExpr !== null ? evalDurationMs(n.rangeExpr, b.stepMs, rangeOfQuery, false) : n.range) : b.lookbackMs;
        mint = Math.min(mint, l - off - width);
        maxt = Math.max(maxt, h - off);
        return;
      }
      case 'subquery': {
        const [l, h] = base(n, lo, hi);
        const off = offsetOf(n);
        const range = n.rangeExpr !== null ? evalDurationMs(n.rangeExpr, b.stepMs, rangeOfQuery, false) : n.range;
        walk(n.expr, l - off - range, h - off);
        return;
      }
      case 'parenExpr':
      case 'unaryExpr':
        walk(n.expr, lo, hi);
        return;
      case 'binaryExpr':
        walk(n.lhs, lo, hi);
        walk(n.rhs, lo, hi);
        return;
      case 'aggregation':
        walk(n.expr, lo, hi);
        if (n.param !== null) walk(n.param, lo, hi);
        return;
      case 'call':
        for (const a of n.args) walk(a, lo, hi);
        return;
      default:
        return;
    }
  };
  walk(e, b.startMs, b.endMs);
  return mint === Infinity ? undefined : { mint, maxt };
}
