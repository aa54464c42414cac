import { describe, expect, it } from 'vitest';
import { differences, EVAL_TIMES, generateExpressions, generateSeries, runOurs, runPromtool } from '../../support/promql-differential.js';
import { prometheusPeers, reportUnavailablePeer } from '../../support/prometheus.js';

// Our engine against each real Prometheus generation's `promtool test rules` (issue 8 §2), with the compat of that
// generation: the same generated series and expressions, equal results within 1e-9 relative, same label sets, and
// errors on both sides or on neither. Three seeds × ~285 expressions × 5 evaluation times.
for (const lookup of prometheusPeers()) {
  describe(`PromQL differential vs promtool ${lookup.line}`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const compat = lookup.peer.major >= 3 ? '3' : '2';
    for (const seed of [1, 2, 3]) {
      it(`seed ${seed}: every expression agrees`, async () => {
        const series = generateSeries(seed);
        const exprs = generateExpressions(compat);
        const [theirs, ours] = await Promise.all([runPromtool(lookup.peer.promtool, series, exprs), runOurs(compat, series, exprs)]);
        // The comparison is not vacuous: most (expression, time) pairs have a non-empty result.
        expect(theirs.size).toBeGreaterThan((exprs.length * EVAL_TIMES.length) / 2);
        expect(differences(exprs, theirs, ours)).toEqual([]);
      });
    }
  });
}
