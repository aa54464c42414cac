/**
 * Properties of the alert state machine over random condition histories (fast-check), each a consequence of
 * Prometheus 3.16 `rules/alerting.go` Eval: an alert fires only once `for` has passed since ActiveAt; a pending
 * alert never outlives its condition; a firing one outlives it by less than `keep_firing_for`; resolved alerts are
 * kept at most 15 minutes; ALERTS/ALERTS_FOR_STATE come in pairs for exactly the pending and firing alerts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../src/model/labels.js';
import { RESOLVED_RETENTION_MS, ZERO_TIME } from '../../../src/rules/alert-state.js';
import { AlertingRule } from '../../../src/rules/alerting-rule.js';
import type { RuleQueryFunc } from '../../../src/rules/query-func.js';
import { loadedStore, trivialTemplates } from './eval-support.js';

const STEP = 15_000;

describe('alert state machine properties', () => {
  it('random presence of three series over random steps', async () => {
    const { engine } = loadedStore(STEP, []);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 8 }).map((n) => n * STEP),
        fc.integer({ min: 0, max: 6 }).map((n) => n * STEP),
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 80 })), { minLength: 1, maxLength: 60 }),
        async (forMs, keepMs, steps) => {
          let present: boolean[] = [];
          const q: RuleQueryFunc = (_e, t) =>
            Promise.resolve(present.flatMap((p, i) => (p ? [{ labels: LabelSet.from({ i: String(i) }), t, v: i }] : [])));
          const r = new AlertingRule('A', engine.parse('x'), 'x', forMs, keepMs, {}, {}, { templates: trivialTemplates, externalLabels: {}, externalURL: '' });
          let ts = 0;
          for (const [a, b, c, gap] of steps) {
            ts += gap * 1000;
            present = [a, b, c];
            const out = await r.eval({ tsMs: ts, queryOffsetMs: 0, limit: 0 }, q);
            const live = [...r.active.values()].filter((x) => x.state !== 'inactive');
            expect(out.filter((s) => s.labels.metricName === 'ALERTS')).toHaveLength(live.length);
            expect(out.filter((s) => s.labels.metricName === 'ALERTS_FOR_STATE')).toHaveLength(live.length);
            for (const al of r.active.values()) {
              const i = al.labels.get('i') ?? '';
              if (al.state === 'firing') {
                expect(ts - al.activeAtMs).toBeGreaterThanOrEqual(forMs);
                if (!present[Number(i)]) expect(ts - al.keepFiringSinceMs).toBeLessThan(keepMs);
              }
              if (al.state === 'pending') {
                expect(present[Number(i)]).toBe(true);
                expect(ts - al.activeAtMs).toBeLessThan(forMs);
              }
              if (al.state === 'inactive') {
                expect(al.resolvedAtMs).not.toBe(ZERO_TIME);
                expect(ts - al.resolvedAtMs).toBeLessThanOrEqual(RESOLVED_RETENTION_MS);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
