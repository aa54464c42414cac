import { describe, expect, it } from 'vitest';
import { parseTextExposition } from '../../src/exposition/index.js';
import { MemorySeriesStore } from '../../src/store/index.js';
import { parseGroupingKey, type GroupingKey } from '../../src/sources/push/grouping-key.js';
import { PushReceiver } from '../../src/sources/push/receiver.js';

// Found by the differential test against Pushgateway 1.5.1: Flink's reporter pushes its histograms as summaries
// without `_sum`; the Pushgateway (expfmt) exposes `_sum 0` and `_count` for every summary metric, adds the `+Inf`
// bucket to histograms and writes quantile/le values in Go float form. The sidecar stored the samples as pushed, so
// series a dashboard built on the Pushgateway reads were missing.
describe('regression: pushed summaries and histograms are completed as the Pushgateway exposes them', () => {
  it('adds _sum/_count, the +Inf bucket, and normalises quantile and le', () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const r = new PushReceiver({ store, groupTtlMs: 60_000, limits: { maxGroups: 10, maxSeriesPerGroup: 100, maxSeriesTotal: 100 } });
    r.push(
      parseGroupingKey('/job/tm') as GroupingKey,
      parseTextExposition('# TYPE lat summary\nlat{quantile="0.50"} 3\nlat_count 120\n# TYPE h histogram\nh_bucket{le="1000000"} 2\nh_count 4\n'),
      true,
    );
    const series = store
      .select([{ name: 'job', op: '=', value: 'tm' }])
      .map((s) => `${s.labels.toString()} ${s.lastValue}`)
      .filter((l) => !l.startsWith('push_'))
      .sort();
    expect(series).toEqual([
      'h_bucket{job="tm", le="+Inf"} 4',
      'h_bucket{job="tm", le="1e+06"} 2',
      'h_count{job="tm"} 4',
      'h_sum{job="tm"} 0',
      'lat_count{job="tm"} 120',
      'lat_sum{job="tm"} 0',
      'lat{job="tm", quantile="0.5"} 3',
    ]);
  });
});
