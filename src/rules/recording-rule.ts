/**
 * A recording rule (Prometheus 3.16 `rules/recording.go` `RecordingRule.Eval`): the instant query at
 * `ts − query_offset`; each sample's `__name__` set to the record name and the static labels (group labels merged
 * under the rule's) set on top, an empty value removing the label; two samples ending with one label set, or more
 * samples than the group limit, fail the rule with Prometheus's text.
 */
import { RuleEvalError } from '../errors.js';
import { LabelSet } from '../model/labels.js';
import type { Expr } from '../promql/ast.js';
import type { RuleQueryFunc } from './query-func.js';
import type { RuleEvalContext, RuleSample } from './rule-sample.js';
import type { LabelRecord } from '../model/labels.js';

/** `ErrDuplicateRecordingLabelSet`. */
export const DUPLICATE_RECORDING_LABELSET = 'vector contains metrics with the same labelset after applying rule labels';

export class RecordingRule {
  readonly kind = 'recording';
  /**
   * @param name the `record` name
   * @param expr the parsed expression; `exprText` its text
   * @param labels group labels merged with the rule's (rule wins), as `FromMaps(rg.Labels, r.Labels)`
   */
  constructor(
    readonly name: string,
    private readonly expr: Expr,
    private readonly exprText: string,
    readonly labels: LabelRecord,
  ) {}

  /** @throws (rejects) the query's error; RuleEvalError for duplicate label sets or the limit */
  async eval(ctx: RuleEvalContext, query: RuleQueryFunc): Promise<RuleSample[]> {
    const t = ctx.tsMs - ctx.queryOffsetMs;
    const vector = await query(this.expr, t, this.exprText);
    const out: RuleSample[] = [];
    const seen = new Set<string>();
    let duplicate = false;
    for (const s of vector) {
      const rec = s.labels.toRecord();
      rec['__name__'] = this.name;
      for (const [k, v] of Object.entries(this.labels)) rec[k] = v;
      const labels = LabelSet.from(rec);
      if (seen.has(labels.key)) duplicate = true;
      seen.add(labels.key);
      out.push({ labels, t, v: s.v });
    }
    if (duplicate) throw new RuleEvalError(DUPLICATE_RECORDING_LABELSET);
    if (ctx.limit > 0 && out.length > ctx.limit) {
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${out.length} series`);
    }
    return out;
  }
}
