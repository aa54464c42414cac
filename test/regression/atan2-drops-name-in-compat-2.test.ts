import { describe, expect, it } from 'vitest';
import { labelSet } from '../../src/model/labels.js';
import { Engine } from '../../src/promql/engine/index.js';
import { MemorySeriesStore } from '../../src/store/index.js';

// Defect (found by the differential run against promtool 2.42): in compat "2" `a atan2 b` dropped __name__ like the
// other arithmetic operators. Prometheus 2.42's shouldDropMetricName does not list ATAN2, so 2.x keeps the lhs
// name (observed: promtool 2.42 prints `g{i="0", …}` for `g atan2 c_total`); 3.x's changesMetricSchema drops it.
describe('atan2 and the metric name', () => {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const app = store.appender('t');
  app.append(labelSet('g', { i: '0' }), 0, 1);
  app.append(labelSet('c', { i: '0' }), 0, 1);
  app.commit();

  it('keeps it in compat 2, drops it in compat 3', async () => {
    for (const [compat, want] of [['2', { __name__: 'g', i: '0' }], ['3', { i: '0' }]] as const) {
      const r = await new Engine({ store, compat }).instantQuery('g atan2 c', 0);
      if (r.value.type !== 'vector') throw new Error('vector expected');
      expect(r.value.vector.map((s) => [s.labels.toRecord(), s.v])).toEqual([[want, Math.PI / 4]]);
    }
  });
});
