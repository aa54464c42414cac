import { describe, expect, it } from 'vitest';
import type { RemoteWriteReceiverConfig } from '../../../../src/config/sections/remote-write-receiver.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { labelSet } from '../../../../src/model/labels.js';
import { SelfMetrics } from '../../../../src/self/metrics.js';
import { REMOTE_WRITE_SOURCE, RemoteWriteReceiver } from '../../../../src/sources/remote-write/receiver.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { encodeV1, encodeV2, snappyBlock, type TestSeries } from '../../../support/remote-write-proto.js';

const V1 = 'application/x-protobuf';
const V2 = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';
const T = 1_700_000_000_000;

const CONFIG: RemoteWriteReceiverConfig = {
  enabled: true,
  maxRequestBytes: 1 << 20,
  maxDecodedBytes: 1 << 20,
  maxSeriesPerRequest: 100,
  maxSeries: 1000,
};

function setup(config: Partial<RemoteWriteReceiverConfig> = {}) {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  const self = new SelfMetrics({ processMetrics: false });
  const commits: number[] = [];
  const receiver = new RemoteWriteReceiver({ store, self, logger: nullLogger, config: { ...CONFIG, ...config }, onCommit: (_s, t) => commits.push(t) });
  const send = (series: TestSeries[], v: '1.0' | '2.0' = '1.0', headers: { ct?: string; ce?: string } = {}) =>
    receiver.handle({
      contentType: headers.ct ?? (v === '1.0' ? V1 : V2),
      contentEncoding: headers.ce ?? 'snappy',
      body: snappyBlock(v === '1.0' ? encodeV1(series) : encodeV2(series)),
    });
  return { store, self, receiver, send, commits };
}

const up = (value: number, t = T, extra: [string, string][] = []): TestSeries => ({
  labels: [['__name__', 'up'], ...extra, ['job', 'a']],
  samples: [{ t, v: value }],
});

async function counterValue(self: SelfMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await self.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const v = metric?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

describe('RemoteWriteReceiver', () => {
  it.each(['1.0', '2.0'] as const)('%s: 204, samples in the store with their timestamps, the remote-write source', (v) => {
    const { store, send, commits } = setup();
    const r = send([up(1), { labels: [['__name__', 'x_total'], ['a', 'b']], samples: [{ t: T, v: 5 }, { t: T + 1000, v: 7.5 }] }], v);
    expect(r.status).toBe(204);
    expect(r.body).toBe('');
    const x = store.get(labelSet('x_total', { a: 'b' }));
    expect(x?.source).toBe(REMOTE_WRITE_SOURCE);
    expect([x?.timestampAt(0), x?.valueAt(0), x?.timestampAt(1), x?.valueAt(1)]).toEqual([T, 5, T + 1000, 7.5]);
    expect(store.get(labelSet('up', { job: 'a' }))?.lastValue).toBe(1);
    expect(commits).toEqual([T + 1000]);
    if (v === '2.0') {
      expect(r.headers).toEqual({
        'X-Prometheus-Remote-Write-Samples-Written': '3',
        'X-Prometheus-Remote-Write-Histograms-Written': '0',
        'X-Prometheus-Remote-Write-Exemplars-Written': '0',
      });
    } else {
      expect(r.headers).toEqual({});
    }
  });

  it('chooses the protocol by Content-Type: empty = 1.0, proto=prometheus.WriteRequest = 1.0; others 415', () => {
    const { send } = setup();
    expect(send([up(1, T)], '1.0', { ct: '' }).status).toBe(204);
    expect(send([up(1, T + 1)], '1.0', { ct: 'application/x-protobuf;proto=prometheus.WriteRequest' }).status).toBe(204);
    expect(send([up(1, T + 2)], '2.0', { ct: 'application/x-protobuf; proto="io.prometheus.write.v2.Request"' }).status).toBe(204);
    expect(send([up(1, T + 3)], '1.0', { ct: 'application/json' }).status).toBe(415);
    expect(send([up(1, T + 3)], '1.0', { ct: 'application/x-protobuf;proto=io.prometheus.write.v3.Request' }).status).toBe(415);
    expect(send([up(1, T + 3)], '1.0', { ce: 'gzip' }).status).toBe(415);
    expect(send([up(1, T + 3)], '1.0', { ce: '' }).status).toBe(204);
  });

  it('StaleNaN becomes a staleness marker; a plain NaN stays a value', () => {
    const { store, send } = setup();
    expect(send([{ labels: [['__name__', 'g']], samples: [{ t: T, v: 1 }, { t: T + 1, v: 0, stale: true }] }, { labels: [['__name__', 'n']], samples: [{ t: T, v: Number.NaN }] }]).status).toBe(204);
    const g = store.get(labelSet('g'));
    expect(g?.isStale).toBe(true);
    expect(g?.lastTimestamp).toBe(T + 1);
    const n = store.get(labelSet('n'));
    expect(n?.isStale).toBe(false);
    expect(n?.lastValue).toBeNaN();
  });

  it.each([
    [[['job', 'a'], ['__name__', 'up']], /series \{job="a", __name__="up"\}: labels not sorted by name/],
    [[['__name__', 'up'], ['a', '1'], ['a', '2']], /series \{__name__="up", a="1", a="2"\}: duplicate label name "a"/],
    [[['', 'x'], ['__name__', 'up']], /empty label name/],
    [[['__name__', 'bad-name']], /invalid metric name "bad-name"/],
    [[['job', 'a']], /no metric name/],
    [[['__name__', 'up'], ['bad-label', 'x']], /invalid label name "bad-label"/],
  ] as [[string, string][], RegExp][])('400 naming the series for invalid labels %j, and nothing written', (labels, message) => {
    const { store, send } = setup();
    const r = send([up(1, T, [['a', 'ok']]), { labels, samples: [{ t: T, v: 1 }] }]);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(message);
    expect(store.seriesCount).toBe(0);
  });

  it('out-of-order and duplicate samples: 400 naming the series, whole request refused; an exact resend is accepted', async () => {
    const { store, send, self } = setup();
    expect(send([up(1, T + 10)]).status).toBe(204);
    const older = send([up(2, T + 20, [['b', 'x']]), up(3, T + 5)]);
    expect(older.status).toBe(400);
    expect(older.body).toMatch(/series up\{job="a"\}: out of order sample/);
    expect(store.get(labelSet('up', { b: 'x', job: 'a' }))).toBeUndefined();
    const dup = send([up(4, T + 10)]);
    expect(dup.status).toBe(400);
    expect(dup.body).toMatch(/duplicate sample for timestamp/);
    // the same sample again (at-least-once senders resend): Prometheus answers 204, so do we
    expect(send([up(1, T + 10), up(5, T + 11, [['c', 'y']])]).status).toBe(204);
    expect(store.get(labelSet('up', { job: 'a' }))?.length).toBe(1);
    expect(await counterValue(self, 'flink_bridge_remote_write_refused_requests_total', { reason: 'out_of_order' })).toBe(1);
    expect(await counterValue(self, 'flink_bridge_remote_write_refused_requests_total', { reason: 'duplicate' })).toBe(1);
  });

  it.each(['1.0', '2.0'] as const)('%s: native histograms get a 400 naming the series, counted', async (v) => {
    const { store, send, self } = setup();
    const r = send([up(1), { labels: [['__name__', 'h'], ['x', 'y']], samples: [], histograms: 2 }], v);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/series h\{x="y"\}: native histograms are not supported/);
    expect(store.seriesCount).toBe(0);
    expect(await counterValue(self, 'flink_bridge_remote_write_native_histograms_refused_total')).toBe(2);
    expect(await counterValue(self, 'flink_bridge_remote_write_refused_requests_total', { reason: 'native_histogram' })).toBe(1);
    if (v === '2.0') expect(r.headers['X-Prometheus-Remote-Write-Samples-Written']).toBe('0');
  });

  describe('series known from an earlier request (the label-bytes cache)', () => {
    it('a rolled-back request teaches nothing: its new series is written whole by the next request', () => {
      const { store, send } = setup();
      const fresh = (t: number): TestSeries => ({ labels: [['__name__', 'fresh'], ['k', 'v']], samples: [{ t, v: t }] });
      expect(send([fresh(T), up(1, T), up(2, T - 1)]).status).toBe(400); // up out of order within the request
      expect(store.get(labelSet('fresh', { k: 'v' }))).toBeUndefined();
      expect(send([fresh(T)]).status).toBe(204);
      expect(send([fresh(T + 1)]).status).toBe(204);
      expect(store.get(labelSet('fresh', { k: 'v' }))?.length).toBe(2);
    });

    it('a known series with non-increasing timestamps in one request gets the same 400 naming it', () => {
      const { send } = setup();
      expect(send([up(1, T)]).status).toBe(204);
      const r = send([{ labels: [['__name__', 'up'], ['job', 'a']], samples: [{ t: T + 20, v: 1 }, { t: T + 10, v: 2 }] }]);
      expect(r.status).toBe(400);
      expect(r.body).toMatch(/series up\{job="a"\}: out of order sample/);
    });

    it('after the store removed series (GC), a re-created series is written under its new ref', () => {
      const { store, send } = setup();
      expect(send([up(1, T)]).status).toBe(204);
      const firstRef = store.get(labelSet('up', { job: 'a' }))?.id;
      expect(send([{ labels: [['__name__', 'up'], ['job', 'a']], samples: [{ t: T + 1, v: 0, stale: true }] }]).status).toBe(204);
      expect(store.collectGarbage(T + 10 * 3_600_000)).toBe(1); // only a staleness marker left after retention: removed
      expect(store.get(labelSet('up', { job: 'a' }))).toBeUndefined();
      expect(send([up(7, T + 10 * 3_600_000)]).status).toBe(204);
      const again = store.get(labelSet('up', { job: 'a' }));
      expect(again?.lastValue).toBe(7);
      expect(again?.id).not.toBe(firstRef);
      expect(store.rejected.unknown_ref).toBe(0);
    });
  });

  it('limits: series per request (400), series in total (400, nothing of the request written)', () => {
    const { store, send } = setup({ maxSeriesPerRequest: 3, maxSeries: 4 });
    const many = (n: number, t: number) => Array.from({ length: n }, (_, i) => up(i, t, [['i', String(i)]]));
    const r = send(many(4, T));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/4 series, more than the limit of 3/);
    expect(send(many(3, T)).status).toBe(204);
    const over = send([up(9, T + 1, [['i', '0']]), up(9, T + 1, [['i', 'new1']]), up(9, T + 1, [['i', 'new2']])]);
    expect(over.status).toBe(400);
    expect(over.body).toMatch(/series limit reached/);
    expect(store.seriesCount).toBe(3);
    expect(store.get(labelSet('up', { i: '0', job: 'a' }))?.lastTimestamp).toBe(T);
  });

  it('a decompression bomb gets 413 from the snappy header alone; a corrupt body 400', () => {
    const { receiver } = setup({ maxDecodedBytes: 1000 });
    // header declares 2^32-1 bytes, no data: refused before any allocation
    const bomb = receiver.handle({ contentType: V1, contentEncoding: 'snappy', body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]) });
    expect(bomb.status).toBe(413);
    expect(bomb.body).toMatch(/4294967295 bytes exceeds the limit of 1000/);
    const big = receiver.handle({ contentType: V1, contentEncoding: 'snappy', body: snappyBlock(Buffer.alloc(1001)) });
    expect(big.status).toBe(413);
    const corrupt = receiver.handle({ contentType: V1, contentEncoding: 'snappy', body: Buffer.from('not snappy at all') });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body).toMatch(/snappy: corrupt input|cannot decode/);
  });

  it('metadata: 1.0 WriteRequest.metadata and 2.0 per-series metadata into the store, per source', () => {
    const { store, receiver, send } = setup();
    const r1 = receiver.handle({
      contentType: V1,
      contentEncoding: 'snappy',
      body: snappyBlock(encodeV1([up(1)], [{ type: 1, metricFamilyName: 'a_total', help: 'Things done.', unit: '' }])),
    });
    expect(r1.status).toBe(204);
    expect(store.metadata('a_total')).toEqual({ type: 'counter', help: 'Things done.' });
    expect(
      send([{ labels: [['__name__', 'age_seconds']], samples: [{ t: T, v: 1 }], metadata: { type: 2, help: 'Age.', unit: 'seconds' } },
        { labels: [['__name__', 'lat_bucket'], ['le', '1']], samples: [{ t: T, v: 1 }], metadata: { type: 3, help: 'Latency.', unit: '' } }], '2.0').status,
    ).toBe(204);
    expect(store.metadata('age_seconds')).toEqual({ type: 'gauge', help: 'Age.', unit: 'seconds' });
    expect(store.metadata('lat')).toEqual({ type: 'histogram', help: 'Latency.' });
  });

  it('a label set owned by another source is refused with 400 naming it', () => {
    const { store, send } = setup();
    store.appendSnapshot('flink-rest', T, [{ labels: labelSet('flink_up'), value: 1 }]);
    const r = send([{ labels: [['__name__', 'flink_up']], samples: [{ t: T + 1, v: 0 }] }]);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/series flink_up: .*belongs to source "flink-rest"/);
  });

  it('counts requests by protocol and code', async () => {
    const { send, self } = setup();
    send([up(1)], '2.0');
    send([up(1)], '1.0', { ct: 'text/plain' });
    expect(await counterValue(self, 'flink_bridge_remote_write_requests_total', { protocol: '2.0', code: '204' })).toBe(1);
    expect(await counterValue(self, 'flink_bridge_remote_write_requests_total', { protocol: 'unknown', code: '415' })).toBe(1);
  });
});
