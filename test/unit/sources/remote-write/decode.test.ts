import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs/minimal.js';
import { RemoteWriteDecodeError } from '../../../../src/errors.js';
import { decodeWriteRequestV1 } from '../../../../src/sources/remote-write/decode-v1.js';
import { decodeWriteRequestV2 } from '../../../../src/sources/remote-write/decode-v2.js';
import type { WireRequest } from '../../../../src/sources/remote-write/write-request.js';
import { RequestV2, WriteRequestV1, encodeV1, encodeV2, type TestSeries } from '../../../support/remote-write-proto.js';

const sampleArb = fc.record({
  // int64 timestamps, including negative ones (before 1970) and the whole exact range
  t: fc.oneof(fc.integer({ min: -1e12, max: 4e12 }), fc.maxSafeInteger(), fc.constant(Number.MIN_SAFE_INTEGER)),
  v: fc.double(),
  stale: fc.boolean(),
});
const seriesArb: fc.Arbitrary<TestSeries> = fc.record({
  labels: fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), { maxLength: 5 }),
  samples: fc.array(sampleArb, { maxLength: 5 }),
  histograms: fc.nat({ max: 2 }),
});

/** What the decoders must return for `series` (stale samples carry NaN). */
function expected(series: TestSeries[]) {
  return series.map((s) => ({
    labels: s.labels.flat(),
    timestamps: s.samples.map((x) => x.t),
    values: s.samples.map((x) => (x.stale ? Number.NaN : x.v)),
    stale: s.samples.map((x) => x.stale ?? false),
    histograms: s.histograms ?? 0,
  }));
}

function comparable(r: WireRequest) {
  return r.series.map((s) => ({ labels: s.labels, timestamps: s.timestamps, values: s.values, stale: s.stale, histograms: s.histograms }));
}

describe('remote-write decoders against protobufjs reflection over proto/', () => {
  it('1.0: decodes what the schema encodes (labels as sent, int64 timestamps, StaleNaN bits, histograms counted)', () => {
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 6 }), (series) => {
        expect(comparable(decodeWriteRequestV1(encodeV1(series)))).toEqual(expected(series));
      }),
    );
  });

  it('2.0: decodes what the schema encodes, symbols resolved', () => {
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 6 }), (series) => {
        expect(comparable(decodeWriteRequestV2(encodeV2(series)))).toEqual(expected(series));
      }),
    );
  });

  it('1.0: metadata of WriteRequest field 3', () => {
    const r = decodeWriteRequestV1(encodeV1([], [{ type: 1, metricFamilyName: 'x_total', help: 'Some help', unit: '' }]));
    expect(r.metadata).toEqual([{ type: 1, family: 'x_total', help: 'Some help', unit: '' }]);
  });

  it('2.0: per-series metadata with help and unit refs', () => {
    const r = decodeWriteRequestV2(
      encodeV2([{ labels: [['__name__', 'a_seconds']], samples: [], metadata: { type: 2, help: 'Age.', unit: 'seconds' } }]),
    );
    expect(r.series[0]?.metadata).toEqual({ type: 2, family: '', help: 'Age.', unit: 'seconds' });
  });

  it('2.0: an rc.3 created_timestamp (TimeSeries field 6) and rc.4 start_timestamp are skipped', () => {
    // timeseries { labels_refs: [1,2]; samples { value 1.5, timestamp 7, start_timestamp 3 }; created_timestamp(6) = 5 }
    const ts = Buffer.from([0x0a, 0x02, 0x01, 0x02, 0x12, 0x0d, 0x09, ...doubleLE(1.5), 0x10, 0x07, 0x18, 0x03, 0x30, 0x05]);
    const body = Buffer.concat([
      Buffer.from([0x22, 0x00, 0x22, 0x08]), Buffer.from('__name__'), Buffer.from([0x22, 0x01]), Buffer.from('a'),
      Buffer.from([0x2a, ts.length]), ts,
    ]);
    const r = decodeWriteRequestV2(body);
    expect(comparable(r)).toEqual([{ labels: ['__name__', 'a'], timestamps: [7], values: [1.5], stale: [false], histograms: 0 }]);
  });

  it('2.0: a v2 body read as 1.0 is an empty WriteRequest (the reserved fields 1–3 make it so, by design)', () => {
    const r = decodeWriteRequestV1(encodeV2([{ labels: [['__name__', 'a']], samples: [{ t: 1, v: 1 }] }]));
    expect(r.series).toEqual([]);
  });

  it('2.0: refuses a symbol ref out of range and symbols[0] other than ""', () => {
    const bad = RequestV2.encode(RequestV2.fromObject({ symbols: ['', 'a'], timeseries: [{ labelsRefs: [1, 5] }] })).finish();
    expect(() => decodeWriteRequestV2(bad)).toThrow(/symbol reference 5 out of range/);
    const bad0 = RequestV2.encode(RequestV2.fromObject({ symbols: ['x', 'a'], timeseries: [{ labelsRefs: [1, 1] }] })).finish();
    expect(() => decodeWriteRequestV2(bad0)).toThrow(/symbols\[0\] must be the empty string/);
    const odd = RequestV2.encode(RequestV2.fromObject({ symbols: ['', 'a'], timeseries: [{ labelsRefs: [1] }] })).finish();
    expect(() => decodeWriteRequestV2(odd)).toThrow(/odd number of labels_refs/);
  });

  it('never throws anything but RemoteWriteDecodeError on arbitrary bytes, nor on mutated valid requests', () => {
    const decoders = [decodeWriteRequestV1, decodeWriteRequestV2];
    const check = (buf: Uint8Array) => {
      for (const d of decoders) {
        try {
          d(buf);
        } catch (e) {
          expect(e).toBeInstanceOf(RemoteWriteDecodeError);
          expect((e as RemoteWriteDecodeError).code).toBe('FPB_ERR_REMOTE_WRITE_DECODE');
        }
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check), { numRuns: 2000 });
    fc.assert(
      fc.property(
        fc.array(seriesArb, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (series, v2, flips, cut) => {
          const buf = Buffer.from(v2 ? encodeV2(series) : encodeV1(series));
          for (const [at, byte] of flips) buf[at % buf.length] = byte;
          check(buf);
          check(buf.subarray(0, cut % (buf.length + 1)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps 1.0 fields it does not know (skipped), e.g. Cortex field 2', () => {
    const withCortex = Buffer.concat([Buffer.from([0x10, 0x01]), encodeV1([{ labels: [['__name__', 'a']], samples: [{ t: 5, v: 2 }] }])]);
    expect(comparable(decodeWriteRequestV1(withCortex))).toEqual([{ labels: ['__name__', 'a'], timestamps: [5], values: [2], stale: [false], histograms: 0 }]);
    expect(WriteRequestV1).toBeDefined();
  });
});

function doubleLE(v: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...b];
}

describe('1.0 label keys (the receiver cache key)', () => {
  const series = (labels: [string, string][], t: number) => ({ labels, samples: [{ t, v: t }] });
  it('equal label bytes give equal keys whatever the samples; other labels other keys', () => {
    const a = decodeWriteRequestV1(encodeV1([series([['__name__', 'up'], ['job', 'a']], 1), series([['__name__', 'up'], ['job', 'b']], 1)])).series;
    const b = decodeWriteRequestV1(encodeV1([series([['__name__', 'up'], ['job', 'a']], 99)])).series;
    expect(a[0]?.labelKey).toBeDefined();
    expect(a[0]?.labelKey).toBe(b[0]?.labelKey);
    expect(a[1]?.labelKey).not.toBe(a[0]?.labelKey);
  });

  it('no key when a sample field splits the label fields (the cache is then skipped)', () => {
    const label = (n: string, v: string) => protobuf.Writer.create().uint32(10).string(n).uint32(18).string(v).finish();
    const sample = protobuf.Writer.create().uint32(9).double(1).uint32(16).int64(5).finish();
    const ts = protobuf.Writer.create().uint32(10).bytes(label('__name__', 'up')).uint32(18).bytes(sample).uint32(10).bytes(label('job', 'a')).finish();
    const req = protobuf.Writer.create().uint32(10).bytes(ts).finish();
    const [s] = decodeWriteRequestV1(req).series;
    expect(s?.labels).toEqual(['__name__', 'up', 'job', 'a']);
    expect(s?.labelKey).toBeUndefined();
  });
});
