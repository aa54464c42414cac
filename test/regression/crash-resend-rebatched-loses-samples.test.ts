/**
 * Issue 7 §2 ("a receiver's duplicate/out-of-order 400 after a crash is final"): after a crash, the sender re-read
 * the log from the saved position and built its first batch from whatever was on disk by then — the batch that was
 * in flight at the crash PLUS newer records. A Prometheus-like receiver that had already committed the in-flight
 * batch refuses the resend with 400 (an older sample than the series' newest, whole request rolled back:
 * Prometheus 3.16 storage/remote/write_handler.go), and the sender drops it for good: the newer records in it were
 * lost though never delivered. Fixed by saving the in-flight batch's end before sending, and resending exactly
 * that batch first after a restart.
 *
 * The receiver here is scripted after write_handler.go (per series: a timestamp below the newest is out of order →
 * 400 for the whole request; equal timestamp and value is accepted). The real-peer SIGKILL loop is
 * test/integration/remote-write/crash-loop.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { nullLogger } from '../../src/log/logger.js';
import { labelSet } from '../../src/model/labels.js';
import { RemoteWriteQueue } from '../../src/sinks/remote-write/queue.js';
import { decodeWriteRequestV1 } from '../../src/sources/remote-write/decode-v1.js';
import { snappyDecode } from '../../src/sources/remote-write/snappy-block.js';
import { MemorySeriesStore } from '../../src/store/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-regr-resend-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('regression: the first batch after a crash is the batch that was in flight, so a 400 for it loses nothing newer', async () => {
  const newest = new Map<string, number>();
  const stored: number[] = [];
  let requests = 0;
  let hangFirst = true;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const wire = decodeWriteRequestV1(snappyDecode(Buffer.concat(chunks), 1 << 24));
      const next = new Map(newest);
      const add: number[] = [];
      for (const s of wire.series) {
        const key = s.labels.join('\u0000');
        for (const t of s.timestamps) {
          const max = next.get(key) ?? -Infinity;
          if (t < max) {
            res.writeHead(400).end('out of order sample');
            return;
          }
          if (t > max) add.push(t);
          next.set(key, Math.max(max, t));
        }
      }
      for (const [k, v] of next) newest.set(k, v);
      stored.push(...add);
      if (hangFirst) {
        hangFirst = false; // committed, but the answer never comes: the sender is killed before it
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/api/v1/write`;
  const config = parseConfig(`remote_write:\n  - url: ${url}\n    name: r\n    remote_timeout: 300ms\n    queue_config: {batch_send_deadline: 100ms, min_backoff: 20ms, max_backoff: 50ms}\n`, 'c.yml').remoteWrite[0]!;
  const t0 = Date.now() - 60_000;
  const append = (store: MemorySeriesStore, i: number) => {
    const app = store.appender('src');
    app.append(labelSet('resend_total', {}), t0 + i * 1000, i);
    app.commit();
  };
  try {
    const store1 = new MemorySeriesStore({ retentionMs: 3_600_000 });
    const q1 = new RemoteWriteQueue({ config, externalLabels: {}, storagePath: tmp, store: store1, logger: nullLogger });
    q1.start();
    append(store1, 1);
    append(store1, 2); // both in the first batch (within batch_send_deadline)
    while (requests === 0) await sleep(10);
    append(store1, 3); // on disk while the first batch is in flight
    await q1.stop(); // the crash: the first batch's answer is lost, its records stay unacknowledged

    const q2 = new RemoteWriteQueue({ config, externalLabels: {}, storagePath: tmp, store: new MemorySeriesStore({ retentionMs: 3_600_000 }), logger: nullLogger });
    q2.start();
    const deadline = Date.now() + 5000;
    while (!stored.includes(t0 + 3000) && Date.now() < deadline) await sleep(20);
    await q2.stop();
    expect(stored).toEqual([t0 + 1000, t0 + 2000, t0 + 3000]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
