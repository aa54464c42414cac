/**
 * Defect (issue 5 §3.5): the store's retention was fixed at construction, so after a reload to a longer window
 * the windows computed over history truncated at the old retention. `setRetention` applies the new one (the app
 * calls it on reload), and series keep the samples the longer window needs from then on.
 */
import { describe, expect, it } from 'vitest';
import { labelSet } from '../../src/model/labels.js';
import { MemorySeriesStore } from '../../src/store/memory-series-store.js';

describe('regression: retention did not follow a reload', () => {
  it('after setRetention(longer) a series keeps samples older than the old retention', () => {
    const store = new MemorySeriesStore({ retentionMs: 5 * 60_000 });
    const c = labelSet('flink_task_records_in_total');
    store.setRetention(15 * 60_000);
    for (let t = 0; t <= 14 * 60_000; t += 60_000) store.appendSnapshot('flink-rest', t, [{ labels: c, value: t }]);
    store.collectGarbage(14 * 60_000);
    const s = store.get(c);
    expect(s?.length).toBe(15);
    expect(s?.timestampAt(0)).toBe(0);
  });
});
