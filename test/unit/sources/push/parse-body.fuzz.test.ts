import protobuf from 'protobufjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpositionParseError, PushRejectedError } from '../../../../src/errors.js';
import { isDelimitedProtobuf, parsePushBody } from '../../../../src/sources/push/parse-body.js';

const PROTO_CT = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
const root = protobuf.loadSync(new URL('../../../../proto/metrics.proto', import.meta.url).pathname);
const MF = root.lookupType('io.prometheus.client.MetricFamily');

function delimited(...families: Record<string, unknown>[]): Buffer {
  const w = protobuf.Writer.create();
  for (const f of families) MF.encodeDelimited(MF.fromObject(f), w);
  return Buffer.from(w.finish());
}

function expectPushError(e: unknown): void {
  // Every refusal is a typed error the route answers with 400 and a reason.
  if (e instanceof ExpositionParseError) {
    expect(e.line).toBeGreaterThan(0);
    return;
  }
  expect(e).toBeInstanceOf(PushRejectedError);
  expect((e as PushRejectedError).status).toBe(400);
  expect((e as PushRejectedError).message).not.toBe('');
}

describe('push body parsers', () => {
  it('recognises the delimited protobuf Content-Type as Go mime.ParseMediaType reads it', () => {
    expect(isDelimitedProtobuf(PROTO_CT)).toBe(true);
    expect(isDelimitedProtobuf('Application/Vnd.Google.Protobuf; encoding="delimited"; proto=io.prometheus.client.MetricFamily')).toBe(true);
    expect(isDelimitedProtobuf('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text')).toBe(false);
    expect(isDelimitedProtobuf('text/plain; version=0.0.4')).toBe(false);
    expect(isDelimitedProtobuf(undefined)).toBe(false);
  });

  it('decodes protobuf families into the samples the Pushgateway exposes', () => {
    const body = delimited(
      { name: 'c', type: 0, help: 'h', metric: [{ label: [{ name: 'a', value: '1' }], counter: { value: 2 } }] },
      { name: 's', type: 2, metric: [{ summary: { sampleCount: 3, sampleSum: 4.5, quantile: [{ quantile: 0.99, value: 7 }] } }] },
      { name: 'h', type: 4, metric: [{ histogram: { sampleCount: 5, sampleSum: 6, bucket: [{ upperBound: 1000000, cumulativeCount: 4 }] } }] },
    );
    const fams = parsePushBody(body, PROTO_CT);
    expect(fams.map((f) => [f.name, f.type, f.help])).toEqual([
      ['c', 'counter', 'h'],
      ['s', 'summary', undefined],
      ['h', 'histogram', undefined],
    ]);
    expect(fams[0]?.samples).toEqual([{ name: 'c', labels: { a: '1' }, value: 2 }]);
    expect(fams[1]?.samples.map((s) => [s.name, { ...s.labels }, s.value])).toEqual([
      ['s', { quantile: '0.99' }, 7],
      ['s_sum', {}, 4.5],
      ['s_count', {}, 3],
    ]);
    // Go %g: 1e+06; the +Inf bucket added from the count, as expfmt writes it.
    expect(fams[2]?.samples.map((s) => [s.name, { ...s.labels }, s.value])).toEqual([
      ['h_bucket', { le: '1e+06' }, 4],
      ['h_bucket', { le: '+Inf' }, 5],
      ['h_sum', {}, 6],
      ['h_count', {}, 5],
    ]);
  });

  it('keeps the last of two protobuf families with one name, and reports timestamps', () => {
    const fams = parsePushBody(
      delimited({ name: 'g', type: 1, metric: [{ gauge: { value: 1 } }] }, { name: 'g', type: 1, metric: [{ gauge: { value: 2 }, timestampMs: 5 }] }),
      PROTO_CT,
    );
    expect(fams).toHaveLength(1);
    expect(fams[0]?.samples).toEqual([{ name: 'g', labels: {}, value: 2, timestampMs: 5 }]);
  });

  it('refuses truncated protobuf with the byte offset of the message', () => {
    const body = delimited({ name: 'g', type: 1, metric: [{ gauge: { value: 1 } }] });
    expect(() => parsePushBody(Buffer.concat([body, body.subarray(0, body.length - 3)]), PROTO_CT)).toThrow(
      new RegExp(`MetricFamily #2 at byte offset ${body.length}`),
    );
  });

  it('never crashes on arbitrary bytes, text or protobuf: results or a 400 with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, proto) => {
        try {
          const fams = parsePushBody(Buffer.from(bytes), proto ? PROTO_CT : undefined);
          for (const f of fams) expect(f.samples.length).toBeGreaterThan(0);
        } catch (e) {
          expectPushError(e);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never crashes on mutated valid protobuf bodies', () => {
    const valid = delimited(
      { name: 'c', type: 0, metric: [{ label: [{ name: 'a', value: 'x' }], counter: { value: 2 } }] },
      { name: 'h', type: 4, metric: [{ histogram: { sampleCount: 1, bucket: [{ upperBound: 1, cumulativeCount: 1 }] } }] },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(valid.length), (edits, cut) => {
        const b = Buffer.from(valid.subarray(0, cut));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        try {
          parsePushBody(b, PROTO_CT);
        } catch (e) {
          expectPushError(e);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
