/**
 * Test-side remote-write encoding through protobufjs *reflection* over our `proto/` files: an encoder independent of
 * the hand-written decoders, so round trips check the decoders against the schema, not against themselves.
 */
import { resolve } from 'node:path';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

const PROTO = resolve(import.meta.dirname, '../../proto');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => resolve(PROTO, target.replace(/^.*proto\//, ''));
root.loadSync([resolve(PROTO, 'remote.proto'), resolve(PROTO, 'io/prometheus/write/v2/types.proto')]);

export const WriteRequestV1 = root.lookupType('prometheus.WriteRequest');
export const RequestV2 = root.lookupType('io.prometheus.write.v2.Request');

/** StaleNaN as Prometheus writes it (`0x7ff0000000000002`). */
export const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0] as number;

export interface TestSeries {
  /** name/value pairs in the order to send */
  labels: [string, string][];
  samples: { t: number; v: number; stale?: boolean }[];
  histograms?: number;
  metadata?: { type: number; help: string; unit: string };
}

/** protobufjs writes doubles through a Float64Array, which keeps the StaleNaN payload; this patches the bits in anyway. */
function value(s: { v: number; stale?: boolean }): number {
  return s.stale ? STALE_NAN : s.v;
}

export function encodeV1(series: TestSeries[], metadata: { type: number; metricFamilyName: string; help: string; unit: string }[] = []): Buffer {
  const msg = WriteRequestV1.fromObject({
    timeseries: series.map((s) => ({
      labels: s.labels.map(([name, value]) => ({ name, value })),
      samples: s.samples.map((x) => ({ value: value(x), timestamp: x.t })),
      histograms: Array.from({ length: s.histograms ?? 0 }, () => ({ countInt: 1, sum: 1, schema: 0, timestamp: 1 })),
    })),
    metadata,
  });
  return Buffer.from(WriteRequestV1.encode(msg).finish());
}

export function encodeV2(series: TestSeries[]): Buffer {
  const symbols = [''];
  const index = new Map<string, number>([['', 0]]);
  const ref = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = symbols.length;
      symbols.push(s);
      index.set(s, i);
    }
    return i;
  };
  const timeseries = series.map((s) => ({
    labelsRefs: s.labels.flatMap(([n, v]) => [ref(n), ref(v)]),
    samples: s.samples.map((x) => ({ value: value(x), timestamp: x.t })),
    histograms: Array.from({ length: s.histograms ?? 0 }, () => ({ countInt: 1, sum: 1, schema: 0, timestamp: 1 })),
    ...(s.metadata ? { metadata: { type: s.metadata.type, helpRef: ref(s.metadata.help), unitRef: ref(s.metadata.unit) } } : {}),
  }));
  return Buffer.from(RequestV2.encode(RequestV2.fromObject({ symbols, timeseries })).finish());
}

export function snappyBlock(raw: Buffer): Buffer {
  return snappy.compress(raw);
}
