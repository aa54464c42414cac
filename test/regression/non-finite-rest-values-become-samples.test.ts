import { describe, expect, it } from 'vitest';
import { ExceptionTracker } from '../../src/sources/flink/exception-tracker.js';
import { mapPollOutcome } from '../../src/sources/flink/mapping.js';
import type { PollOutcome } from '../../src/sources/flink/poll-outcome.js';

/**
 * Two defects found by the fast-check properties over the Flink REST JSON (test/unit/sources/flink/rest-json.property.test.ts):
 * - a JobManager metric of `1e400` (JSON numbers beyond float64 parse as Infinity) became a `+Inf` sample;
 * - a NaN exception timestamp poisoned ExceptionTracker's newest timestamp, so no later exception was ever counted.
 */
describe('hostile numbers in Flink REST answers', () => {
  it('a non-finite metric value never becomes a sample', () => {
    const outcome: PollOutcome = {
      startedAtMs: 1_000,
      reachable: true,
      taskManagers: [],
      jobManagerMetrics: new Map([
        ['Status.JVM.Memory.Heap.Used', Number('1e400')],
        ['Status.JVM.Memory.Heap.Max', -Infinity],
        ['Status.JVM.CPU.Load', 0.25],
      ]),
      jobs: [],
      failures: [],
      answered: new Set(),
      discoveryRequests: 0,
      plannedRequests: 4,
    };
    const samples = mapPollOutcome(outcome);
    expect(samples.every((s) => Number.isFinite(s.value))).toBe(true);
    expect(samples.find((s) => s.labels.metricName === 'flink_jobmanager_cpu_load_ratio')?.value).toBe(0.25);
    expect(samples.some((s) => s.labels.metricName === 'flink_jobmanager_heap_used_bytes')).toBe(false);
  });

  it('a NaN exception timestamp does not stop the counting of later exceptions', () => {
    const t = new ExceptionTracker();
    const history = (...ts: number[]) => ({ exceptionHistory: { entries: ts.map((timestamp) => ({ timestamp })) } });
    expect(t.observe('job', history(NaN), 0)).toBe(1);
    expect(t.observe('job', history(NaN, 5_000), 1)).toBe(2);
  });
});
