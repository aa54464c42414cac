/**
 * Defect (issue 5 §1 "Limits"): `InvalidMetricNameError` existed but was never thrown, so a series with a `__name__`
 * outside `[a-zA-Z_:][a-zA-Z0-9_:]*` (or without one) was stored and written into `/metrics`, where Prometheus
 * rejects the whole scrape. The store now refuses it at append.
 */
import { describe, expect, it } from 'vitest';
import { writeExposition } from '../../src/exposition/writer.js';
import { LabelSet, labelSet } from '../../src/model/labels.js';
import { MemorySeriesStore } from '../../src/store/memory-series-store.js';

describe('regression: invalid metric names reached /metrics', () => {
  it('a snapshot with a bad or missing __name__ stores and exposes only the valid series', () => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    const r = store.appendSnapshot('push', 1000, [
      { labels: labelSet('good_total'), value: 1 },
      { labels: labelSet('bad-name'), value: 2 },
      { labels: labelSet('1st'), value: 3 },
      { labels: LabelSet.from({ job: 'nameless' }), value: 4 },
    ]);
    expect(r.rejected).toBe(3);
    expect(store.seriesCount).toBe(1);
    expect(writeExposition(store)).toBe('# TYPE good_total untyped\ngood_total 1\n');
  });
});
