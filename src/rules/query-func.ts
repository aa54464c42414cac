/**
 * How rules query the engine (Prometheus 3.16 `rules/manager.go` `EngineQueryFunc`): an instant query; a scalar
 * becomes one sample without labels; anything else (string, range vector) is an error.
 */
import { RuleEvalError } from '../errors.js';
import type { Expr } from '../promql/ast.js';
import type { Engine } from '../promql/engine/index.js';
import type { Vector } from '../promql/value.js';
import { LabelSet } from '../model/labels.js';

/** Runs `expr` (text or a parsed AST) as an instant query at `tMs`. Rejects with the engine's error. */
export type RuleQueryFunc = (expr: Expr | string, tMs: number, queryText?: string) => Promise<Vector>;

const NO_LABELS = LabelSet.from({});

/** Wraps the engine. @throws (rejects) PromQL errors, RuleEvalError `rule result is not a vector or scalar` */
export function engineQueryFunc(engine: Pick<Engine, 'instantQuery'>): RuleQueryFunc {
  return async (expr, tMs, queryText) => {
    const res = await engine.instantQuery(expr, tMs, queryText !== undefined ? { queryText } : {});
    const v = res.value;
    if (v.type === 'vector') return v.vector;
    if (v.type === 'scalar') return [{ labels: NO_LABELS, t: v.t, v: v.v }];
    throw new RuleEvalError('rule result is not a vector or scalar');
  };
}
