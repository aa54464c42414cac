import type { LabelSet } from '../model/labels.js';

/** One sample a rule evaluation writes (Prometheus's `promql.Sample` of a rule's output vector). Times in ms. */
export interface RuleSample {
  readonly labels: LabelSet;
  readonly t: number;
  readonly v: number;
}

/** What a rule's `eval` needs from its group (Prometheus's `Rule.Eval` arguments). */
export interface RuleEvalContext {
  /** The group's evaluation time, ms. */
  readonly tsMs: number;
  /** The group's query offset, ms: queries and output samples are at `tsMs − queryOffsetMs`. */
  readonly queryOffsetMs: number;
  /** The group `limit` (0 = none). */
  readonly limit: number;
}
