import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snappy from 'snappyjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/load.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { labelSet } from '../../../../src/model/labels.js';
import { RemoteWriteQueue } from '../../../../src/sinks/remote-write/queue.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { WriteRequestV1 } from '../../../support/remote-write-proto.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-rw-metadata-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Got {
  series: number;
  metadata: { type?: number; metricFamilyName?: string; help?: string; unit?: string }[];
}

/** A receiver that decodes with protobufjs reflection over proto/ (independent of our encoder) and answers 204. */
async function receiver(v2Headers: boolean) {
  const got: Got[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!String(req.headers['content-type']).includes('v2')) {
        const msg = WriteRequestV1.toObject(WriteRequestV1.decode(snappy.uncompress(Buffer.concat(chunks)) as Uint8Array), { defaults: false }) as { timeseries?: unknown[]; metadata?: Got['metadata'] };
        got.push({ series: msg.timeseries?.length ?? 0, metadata: msg.metadata ?? [] });
      } else got.push({ series: -1, metadata: [] });
      res.writeHead(204, v2Headers ? { 'x-prometheus-remote-write-samples-written': '1' } : {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/api/v1/write`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function storeWithFamilies(): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  store.setMetadata('src', 'a_total', { type: 'counter', help: 'A counter.' });
  store.setMetadata('src', 'b_bytes', { type: 'gauge', help: 'B gauge.', unit: 'bytes' });
  store.setMetadata('src', 'c_seconds', { type: 'summary', help: 'C summary.' });
  const app = store.appender('src');
  const t = Date.now();
  app.append(labelSet('a_total', {}), t, 1);
  app.append(labelSet('b_bytes', {}), t, 2);
  app.append(labelSet('c_seconds', { quantile: '0.5' }), t, 3);
  app.commit();
  return store;
}

describe('remote-write 1.0 metadata (metadata_config)', () => {
  it('sends every family\'s metadata every send_interval, max_samples_per_send entries per request, without series', async () => {
    const r = await receiver(false);
    const config = parseConfig(`remote_write:\n  - url: ${r.url}\n    name: md\n    metadata_config: {send_interval: 1s, max_samples_per_send: 2}\n`, 'c.yml').remoteWrite[0]!;
    const q = new RemoteWriteQueue({ config, externalLabels: {}, storagePath: join(tmp, 'v1'), store: storeWithFamilies(), logger: nullLogger });
    q.start();
    try {
      const deadline = Date.now() + 5000;
      while (r.got.filter((g) => g.metadata.length > 0).length < 4 && Date.now() < deadline) await sleep(20);
    } finally {
      await q.stop();
      await r.close();
    }
    const metadataRequests = r.got.filter((g) => g.metadata.length > 0);
    expect(metadataRequests.length).toBeGreaterThanOrEqual(4); // two intervals of two requests each
    for (const g of metadataRequests) {
      expect(g.series).toBe(0);
      expect(g.metadata.length).toBeLessThanOrEqual(2);
    }
    const firstInterval = metadataRequests.slice(0, 2).flatMap((g) => g.metadata);
    expect(firstInterval).toEqual([
      { type: 1, metricFamilyName: 'a_total', help: 'A counter.' }, // MetricMetadata.COUNTER
      { type: 2, metricFamilyName: 'b_bytes', help: 'B gauge.', unit: 'bytes' }, // GAUGE
      { type: 5, metricFamilyName: 'c_seconds', help: 'C summary.' }, // SUMMARY
    ]);
  });

  it('sends no metadata requests for a 2.0 remote (metadata travels with each series)', async () => {
    const r = await receiver(true);
    const config = parseConfig(`remote_write:\n  - url: ${r.url}\n    name: md2\n    protobuf_message: io.prometheus.write.v2.Request\n    metadata_config: {send_interval: 1s}\n`, 'c.yml').remoteWrite[0]!;
    const q = new RemoteWriteQueue({ config, externalLabels: {}, storagePath: join(tmp, 'v2'), store: storeWithFamilies(), logger: nullLogger });
    q.start();
    await q.sendMetadata();
    await sleep(1300);
    await q.stop();
    await r.close();
    expect(r.got.filter((g) => g.series !== -1)).toEqual([]);
  });

  it('send: false sends none', async () => {
    const r = await receiver(false);
    const config = parseConfig(`remote_write:\n  - url: ${r.url}\n    name: md3\n    metadata_config: {send: false, send_interval: 1s}\n`, 'c.yml').remoteWrite[0]!;
    const q = new RemoteWriteQueue({ config, externalLabels: {}, storagePath: join(tmp, 'v3'), store: storeWithFamilies(), logger: nullLogger });
    q.start();
    await sleep(1300);
    await q.stop();
    await r.close();
    expect(r.got.filter((g) => g.metadata.length > 0)).toEqual([]);
  });
});
