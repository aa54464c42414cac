import { describe, expect, it } from 'vitest';
import { parseTextExposition } from '../../../src/exposition/index.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { parseGroupingKey, type GroupingKey } from '../../../src/sources/push/grouping-key.js';
import { PushReceiver } from '../../../src/sources/push/receiver.js';
import { derivePushed } from '../../../src/windows/pushed.js';

const W = [{ name: '1m', ms: 60_000 }];
const TASK = 'job_id="j1",job_name="demo",task_id="v1",task_name="Window"';

function setup() {
  let now = 1_700_000_000_000;
  const store = new MemorySeriesStore({ retentionMs: 600_000, now: () => now });
  const receiver = new PushReceiver({ store, groupTtlMs: 120_000, limits: { maxGroups: 10, maxSeriesPerGroup: 1000, maxSeriesTotal: 1000 }, now: () => now });
  return {
    store,
    at: () => now,
    advance: (ms: number) => (now += ms),
    push: (tm: string, text: string) => receiver.push(parseGroupingKey(`/job/${tm}`) as GroupingKey, parseTextExposition(text), true),
  };
}

function byName(samples: ReturnType<typeof derivePushed>, name: string) {
  return samples
    .filter((s) => s.labels.metricName === name)
    .map((s) => ({ labels: Object.fromEntries(s.labels.names.filter((n) => n !== '__name__').map((n) => [n, s.labels.get(n)])), value: s.value }));
}

describe('derivePushed: operator-level and data-quality families from pushed reporter data', () => {
  it('sums rates and counters of subtasks pushed by two TaskManagers', () => {
    const t = setup();
    for (let i = 0; i <= 6; i++) {
      // subtask 0 on tm1: 10 records/s and 1 late record/s; subtask 1 on tm2: 30 records/s, 2 errors in total
      t.push('tm1', `# TYPE flink_taskmanager_job_task_operator_numRecordsIn gauge
flink_taskmanager_job_task_operator_numRecordsIn{${TASK},subtask_index="0",operator_id="o1",operator_name="agg"} ${100 * i}
flink_taskmanager_job_task_operator_numLateRecordsDropped{${TASK},subtask_index="0",operator_id="o1",operator_name="agg"} ${10 * i}
`);
      t.push('tm2', `# TYPE flink_taskmanager_job_task_operator_numRecordsIn gauge
flink_taskmanager_job_task_operator_numRecordsIn{${TASK},subtask_index="1",operator_id="o1",operator_name="agg"} ${300 * i}
flink_taskmanager_job_task_operator_numLateRecordsDropped{${TASK},subtask_index="1",operator_id="o1",operator_name="agg"} 0
flink_taskmanager_job_task_operator_numRecordsOutErrors{${TASK},subtask_index="1",operator_id="o2",operator_name="sink"} 2
`);
      t.advance(10_000);
    }
    const out = derivePushed(t.store, t.at() - 10_000, W);
    const vertex = { job_id: 'j1', job_name: 'demo', task_id: 'v1', task_name: 'Window' };
    const rin = byName(out, 'flink_operator_records_in_per_second');
    expect(rin).toHaveLength(1);
    expect(rin[0]?.labels).toEqual({ ...vertex, operator_id: 'o1', operator_name: 'agg', window: '1m' });
    expect(rin[0]?.value).toBeCloseTo(40, 9);
    expect(byName(out, 'flink_task_late_records_dropped_total')).toEqual([{ labels: vertex, value: 60 }]);
    const lateRate = byName(out, 'flink_task_late_records_dropped_per_second');
    expect(lateRate[0]?.value).toBeCloseTo(1, 9);
    expect(byName(out, 'flink_task_records_out_errors_total')).toEqual([{ labels: vertex, value: 2 }]);
    expect(byName(out, 'flink_task_records_in_errors_total')).toEqual([]);
  });

  it.each([
    ['1.x', 'flink_taskmanager_job_latency_source_id_operator_id_operator_subtask_index_latency'],
    ['2.3.0', 'flink_taskmanager_job_task_latency_source_id_operator_id_operator_subtask_index_latency'],
  ])('takes the largest latency quantile of the job, in seconds (%s names)', (_line, l) => {
    const t = setup();
    t.push('tm1', `# TYPE ${l} summary
${l}{job_id="j1",job_name="demo",source_id="s",operator_id="a",operator_subtask_index="0",quantile="0.99"} 120
${l}{job_id="j1",job_name="demo",source_id="s",operator_id="b",operator_subtask_index="0",quantile="0.99"} 250
${l}{job_id="j1",job_name="demo",source_id="s",operator_id="b",operator_subtask_index="0",quantile="0.5"} 30
${l}_count{job_id="j1",job_name="demo",source_id="s",operator_id="b",operator_subtask_index="0"} 1000
`);
    const out = byName(derivePushed(t.store, t.at(), W), 'flink_job_latency_seconds');
    expect(out).toEqual([
      { labels: { job_id: 'j1', job_name: 'demo', quantile: '0.99' }, value: 0.25 },
      { labels: { job_id: 'j1', job_name: 'demo', quantile: '0.5' }, value: 0.03 },
    ]);
  });
});
