/**
 * Defect (issue 6 §2, job lifecycle): when a job ended, the rule removed a TaskManager's push group WHOLE because
 * every `job_id` in it named a finished job — but that group also holds the TaskManager's own process series
 * (`flink_taskmanager_Status_JVM_*`, no `job_id`), which then went stale for up to one reporter interval until the
 * next push re-created the group. Now only the finished job's series end; the process series stay live.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseTextExposition } from '../../src/exposition/index.js';
import { nullLogger } from '../../src/log/logger.js';
import { SelfMetrics } from '../../src/self/metrics.js';
import type { PollOutcome } from '../../src/sources/flink/poll-outcome.js';
import { parseGroupingKey, type GroupingKey } from '../../src/sources/push/grouping-key.js';
import { pushSetup } from '../../src/sources/push/setup.js';
import { MemorySeriesStore } from '../../src/store/index.js';

const BODY = [
  '# TYPE flink_taskmanager_Status_JVM_CPU_Load gauge',
  'flink_taskmanager_Status_JVM_CPU_Load{host="h",tm_id="tm-1"} 0.25',
  '# TYPE flink_taskmanager_job_task_numRecordsIn gauge',
  'flink_taskmanager_job_task_numRecordsIn{host="h",tm_id="tm-1",job_id="j1",task_name="Map",subtask_index="0"} 42',
  '',
].join('\n');

describe('regression: a finished job took the TaskManager process series with it', () => {
  it('ends only the job series at the poll that sees the job CANCELED', () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const config = parseConfig('flink:\n  rest_url: http://127.0.0.1:9\n', 'c.yml');
    const setup = pushSetup(config.push, { store, self: new SelfMetrics({ processMetrics: false }), logger: nullLogger, onCommit: () => {} });
    expect(setup).toBeDefined();
    setup!.receiver.push(parseGroupingKey('/job/flinktm') as GroupingKey, parseTextExposition(BODY), true);
    const outcome = {
      startedAtMs: Date.now(),
      reachable: true,
      jobsOverview: { jobs: [{ jid: 'j1', state: 'CANCELED' }] },
    } as unknown as PollOutcome;
    setup!.polled(outcome);
    const live = (name: string) => store.select([{ name: '__name__', op: '=', value: name }]).filter((s) => !s.isStale).length;
    expect(live('flink_taskmanager_Status_JVM_CPU_Load')).toBe(1);
    expect(live('flink_taskmanager_job_task_numRecordsIn')).toBe(0);
    expect(setup!.receiver.groupCount).toBe(1);
  });
});
