/**
 * `match[]` parameters (`parseMatchersParam` in `web/api/v1/api.go` at v0.316.0): each is a series selector; every
 * set must have a matcher that does not match the empty string.
 */
import type { LabelMatcher } from '../../store/types.js';
import { compileMatcher } from '../../store/matchers.js';
import { parseExpr } from '../../promql/parser/index.js';
import { ApiBadDataError } from '../../errors.js';

/** @throws ApiBadDataError for a selector that does not parse, is not a series selector, or matches everything */
export function parseMatchSets(selectors: readonly string[]): LabelMatcher[][] {
  const sets: LabelMatcher[][] = [];
  for (const s of selectors) {
    let expr;
    try {
      expr = parseExpr(s);
    } catch (e) {
      throw new ApiBadDataError(`invalid parameter "match[]": ${e instanceof Error ? e.message : String(e)}`);
    }
    if (expr.type !== 'vectorSelector') {
      throw new ApiBadDataError(`invalid parameter "match[]": 1:1: parse error: expected type instant vector in series selector, got ${expr.type}`);
    }
    const ms = expr.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value }));
    if (ms.every((m) => compileMatcher(m).matchesEmpty)) {
      throw new ApiBadDataError('match[] must contain at least one non-empty matcher');
    }
    sets.push(ms);
  }
  return sets;
}
