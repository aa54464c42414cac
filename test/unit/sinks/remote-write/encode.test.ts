import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRequestV2, encodeWriteRequestV1 } from '../../../../src/sinks/remote-write/encode.js';
import { decodeWriteRequestV1 } from '../../../../src/sources/remote-write/decode-v1.js';
import { decodeWriteRequestV2 } from '../../../../src/sources/remote-write/decode-v2.js';
import type { WireSeries } from '../../../../src/sources/remote-write/write-request.js';
import { RequestV2, WriteRequestV1 } from '../../../support/remote-write-proto.js';

const seriesArb: fc.Arbitrary<WireSeries> = fc
  .record({
    labels: fc.array(fc.string(), { maxLength: 3 }).map((names) => names.flatMap((n, i) => [n, `v${i}`])),
    samples: fc.array(fc.record({ t: fc.integer({ min: -1e13, max: 1e13 }), v: fc.double(), stale: fc.boolean() }), { maxLength: 4 }),
  })
  .map(({ labels, samples }) => ({
    labels,
    timestamps: samples.map((s) => s.t),
    values: samples.map((s) => (s.stale ? Number.NaN : s.v)),
    stale: samples.map((s) => s.stale),
    histograms: 0,
    exemplars: 0,
    metadata: undefined,
  }));

describe('remote-write encoders', () => {
  it('1.0 and 2.0 round-trip through our decoders, StaleNaN bits included', () => {
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 5 }), (series) => {
        // 1.0 also gives each series with labels its label bytes as a cache key (checked in decode-v1's tests).
        expect(decodeWriteRequestV1(encodeWriteRequestV1(series)).series.map(({ labelKey: _, ...s }) => s)).toEqual(series);
        expect(decodeWriteRequestV2(encodeRequestV2(series)).series).toEqual(series);
      }),
    );
  });

  it('protobufjs reflection over proto/ reads what we write, and the StaleNaN bits are 0x7ff0000000000002', () => {
    const s: WireSeries = { labels: ['__name__', 'up', 'job', 'x'], timestamps: [5, 6], values: [1.5, Number.NaN], stale: [false, true], histograms: 0, exemplars: 0, metadata: undefined };
    const v1 = WriteRequestV1.toObject(WriteRequestV1.decode(encodeWriteRequestV1([s], [{ type: 1, family: 'up', help: 'h', unit: '' }])), { longs: Number });
    expect(v1['timeseries'][0].labels).toEqual([{ name: '__name__', value: 'up' }, { name: 'job', value: 'x' }]);
    expect(v1['timeseries'][0].samples[0]).toEqual({ value: 1.5, timestamp: 5 });
    expect(v1['metadata']).toEqual([{ type: 1, metricFamilyName: 'up', help: 'h' }]);
    const raw = encodeWriteRequestV1([s]);
    expect(raw.includes(Buffer.from([0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]))).toBe(true);
    const v2 = RequestV2.toObject(RequestV2.decode(encodeRequestV2([s], () => ({ type: 2, family: '', help: 'Help.', unit: '' }))), { longs: Number });
    expect(v2['symbols']).toEqual(['', '__name__', 'up', 'job', 'x', 'Help.']);
    expect(v2['timeseries'][0].labelsRefs).toEqual([1, 2, 3, 4]);
    expect(v2['timeseries'][0].metadata).toEqual({ type: 2, helpRef: 5 });
  });
});
