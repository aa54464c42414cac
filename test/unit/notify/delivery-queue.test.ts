/**
 * The per-destination queue. Queue and batch semantics against Prometheus 3.16's own tests
 * (`notifier/sendloop_test.go`: TestAddAlertsToQueue*, TestNextBatchAlertsFromQueue, TestHandlerNextBatch); the
 * retry, expiry, replacement and shutdown rules are ours (Prometheus drops a failed batch) and tested here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../../src/errors.js';
import { nullLogger } from '../../../src/log/logger.js';
import { DeliveryQueue, type DeliveryObserver, type DropReason, type QueueItem } from '../../../src/notify/delivery-queue.js';
import type { PostOutcome } from '../../../src/notify/http-post.js';

const FAR = Date.now() + 3_600_000;
const item = (key: string, deadlineMs = FAR): QueueItem<string> => ({ key, value: key, deadlineMs, weight: 1 });

interface Recorder extends DeliveryObserver {
  readonly counts: { sent: number; errored: number; retried: number; length: number; dropped: Partial<Record<DropReason, number>> };
}
function recorder(): Recorder {
  const counts: Recorder['counts'] = { sent: 0, errored: 0, retried: 0, length: 0, dropped: {} };
  return {
    counts,
    sent: (n) => void (counts.sent += n),
    errored: (n) => void (counts.errored += n),
    retried: (n) => void (counts.retried += n),
    dropped: (r, n) => void (counts.dropped[r] = (counts.dropped[r] ?? 0) + n),
    queueLength: (n) => void (counts.length = n),
  };
}

const ok: PostOutcome = { kind: 'ok' };
const fail = (status: number): PostOutcome => ({ kind: status >= 500 || status === 0 ? 'retry' : 'refused', error: new NotifyError(status, `status ${status}`) });

const queues: DeliveryQueue<string>[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop(0);
});

function queue(opts: { capacity?: number; batchSize?: number; outcomes?: () => PostOutcome; now?: () => number }) {
  const batches: string[][] = [];
  const obs = recorder();
  const q = new DeliveryQueue<string>({
    name: 'test',
    capacity: opts.capacity ?? 100,
    batchSize: opts.batchSize ?? 256,
    minBackoffMs: 5,
    maxBackoffMs: 20,
    send: async (b) => {
      batches.push([...b]);
      return opts.outcomes ? opts.outcomes() : ok;
    },
    observer: obs,
    logger: nullLogger,
    ...(opts.now ? { now: opts.now } : {}),
  });
  queues.push(q);
  return { q, batches, obs };
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('DeliveryQueue: queueing as Prometheus sendLoop.add / nextBatch', () => {
  it('adds in order, nothing dropped below capacity (TestAddAlertsToQueue)', async () => {
    const { q, batches, obs } = queue({ capacity: 5 });
    q.add([item('existing1'), item('existing2')]);
    q.add([item('new1'), item('new2')]);
    expect(obs.counts.dropped).toEqual({});
    expect(obs.counts.length).toBe(4);
    q.start();
    await until(() => obs.counts.sent === 4);
    expect(batches).toEqual([['existing1', 'existing2', 'new1', 'new2']]);
  });

  it('drops the oldest when full (TestAddAlertsToQueueExceedingCapacity)', async () => {
    const { q, batches, obs } = queue({ capacity: 3 });
    q.add([item('alert1'), item('alert2')]);
    q.add([item('alert3'), item('alert4')]);
    expect(obs.counts.dropped).toEqual({ queue_full: 1 });
    q.start();
    await until(() => obs.counts.sent === 3);
    expect(batches).toEqual([['alert2', 'alert3', 'alert4']]);
  });

  it('one add larger than the capacity drops from the new alerts and the queue (TestAddAlertsToQueueExceedingTotalCapacity)', async () => {
    const { q, batches, obs } = queue({ capacity: 3 });
    q.add([item('alert1'), item('alert2')]);
    q.add([item('alert3'), item('alert4'), item('alert5'), item('alert6')]);
    expect(obs.counts.dropped).toEqual({ queue_full: 3 });
    q.start();
    await until(() => obs.counts.sent === 3);
    expect(batches).toEqual([['alert4', 'alert5', 'alert6']]);
  });

  it('batches of batchSize, oldest first (TestHandlerNextBatch with 2 × 256 + 1 alerts)', async () => {
    const { q, batches, obs } = queue({ capacity: 10_000, batchSize: 256 });
    const keys = Array.from({ length: 2 * 256 + 1 }, (_, i) => String(i));
    q.add(keys.map((k) => item(k)));
    q.start();
    await until(() => obs.counts.sent === keys.length);
    expect(batches).toEqual([keys.slice(0, 256), keys.slice(256, 512), keys.slice(512)]);
  });
});

describe('DeliveryQueue: better than Prometheus', () => {
  it('a newer version of a queued alert replaces it and goes to the back', async () => {
    const { q, batches, obs } = queue({});
    q.add([{ ...item('a'), value: 'a-v1' }, item('b')]);
    q.add([{ ...item('a'), value: 'a-v2' }]);
    q.start();
    await until(() => obs.counts.sent === 2);
    expect(batches).toEqual([['b', 'a-v2']]);
  });

  it('a failed batch is retried with backoff until delivered, counted', async () => {
    let calls = 0;
    const { q, batches, obs } = queue({ outcomes: () => (++calls <= 3 ? fail(503) : ok) });
    q.add([item('a'), item('b')]);
    q.start();
    await until(() => obs.counts.sent === 2);
    expect(batches).toHaveLength(4);
    expect(obs.counts).toMatchObject({ errored: 6, retried: 6, dropped: {} });
  });

  it('a refused batch (4xx other than 429) is dropped, not retried', async () => {
    const { q, batches, obs } = queue({ outcomes: () => fail(400) });
    q.add([item('a')]);
    q.start();
    await until(() => obs.counts.dropped.rejected === 1);
    expect(batches).toHaveLength(1);
  });

  it('alerts whose deadline passes while retrying are dropped as expired; the others keep being retried', async () => {
    let clock = 1_000;
    let calls = 0;
    const { q, batches, obs } = queue({
      now: () => clock,
      outcomes: () => {
        calls++;
        if (calls === 2) clock = 2_001; // `short` expires during the second attempt
        return calls <= 3 ? fail(0) : ok;
      },
    });
    q.add([item('short', 2_000), item('long', 9_000)]);
    q.start();
    await until(() => obs.counts.sent === 1);
    expect(batches).toEqual([['short', 'long'], ['short', 'long'], ['long'], ['long']]);
    expect(obs.counts.dropped).toEqual({ expired: 1 });
  });

  it('an alert replaced by a newer version while its batch is retried leaves the batch (nothing dropped)', async () => {
    let calls = 0;
    let qref: DeliveryQueue<string> | undefined;
    const { q, batches, obs } = queue({
      outcomes: () => {
        calls++;
        if (calls === 1) qref?.add([{ ...item('a'), value: 'a-v2' }]);
        return calls === 1 ? fail(502) : ok;
      },
    });
    qref = q;
    q.add([item('a'), item('b')]);
    q.start();
    await until(() => obs.counts.sent === 2);
    expect(batches).toEqual([['a', 'b'], ['b'], ['a-v2']]);
    expect(obs.counts.dropped).toEqual({});
  });

  it('stop drains what is queued within the deadline', async () => {
    const { q, obs } = queue({ batchSize: 1 });
    q.start();
    q.add([item('a'), item('b'), item('c')]);
    await q.stop(1000);
    expect(obs.counts.sent).toBe(3);
    expect(obs.counts.dropped).toEqual({});
  });

  it('stop gives up at the deadline and counts the rest as dropped (shutdown); later adds are ignored', async () => {
    const { q, obs } = queue({ batchSize: 1, outcomes: () => fail(503) });
    q.start();
    q.add([item('a'), item('b')]);
    const began = Date.now();
    await q.stop(100);
    expect(Date.now() - began).toBeLessThan(1000);
    expect(obs.counts.sent).toBe(0);
    expect(obs.counts.dropped).toEqual({ shutdown: 2 });
    q.add([item('c')]);
    expect(q.length).toBe(0);
  });
});
