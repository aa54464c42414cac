import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseTextExposition } from '../../src/exposition/index.js';
import { PushReceiver } from '../../src/sources/push/receiver.js';
import { parseGroupingKey, type GroupingKey } from '../../src/sources/push/grouping-key.js';
import { MemorySeriesStore } from '../../src/store/index.js';

/**
 * Bug: every push group kept its whole push body alive. V8 makes `body.slice(a, b)` (13+ code units) a view into
 * `body`, and the receiver and the store kept such slices (HELP texts, family names, new label values) for as long
 * as the group lived: with Flink's 245 KB TaskManager bodies, ~430 B per pushed series (bench/README.md, "Push
 * API"). Fixed by keeping owned copies (`ownedString`, `StringInterner`). This pushes bodies padded with a 400 KB
 * comment (which nothing keeps) to 20 groups and checks that the heap does not grow by their size.
 */
describe('regression: push bodies are not kept alive by the strings stored from them', () => {
  it('20 pushes of 400 KB bodies leave well under 20 × 400 KB on the heap', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const receiver = new PushReceiver({ store, groupTtlMs: 600_000, limits: { maxGroups: 100, maxSeriesPerGroup: 1000, maxSeriesTotal: 100_000 } });
    const body = (g: number): string =>
      `# ${'x'.repeat(400_000)} ${g}\n` +
      '# HELP flink_taskmanager_job_task_operator_numRecordsIn The number of records this operator received.\n' +
      '# TYPE flink_taskmanager_job_task_operator_numRecordsIn gauge\n' +
      Array.from({ length: 20 }, (_, i) => `flink_taskmanager_job_task_operator_numRecordsIn{operator_name="Source:_Kafka_orders_${i}",task_attempt_id="attempt_${g}_${i}_0123456789abcdef"} ${i}\n`).join('');
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let g = 0; g < 20; g++) receiver.push(parseGroupingKey(`/job/tm${g}`) as GroupingKey, parseTextExposition(body(g)), true);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(store.seriesCount).toBe(20 * 22);
    // 440 series with long label values take ~0.5 MB; one retained body alone is 0.4 MB, all of them 8 MB.
    expect(grown).toBeLessThan(2_000_000);
  });
});
