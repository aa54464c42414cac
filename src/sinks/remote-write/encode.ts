/**
 * Encoders of remote-write requests with protobufjs's `Writer`: 1.0 `prometheus.WriteRequest` (also the payload
 * format of the segment log) and 2.0 rc.4 `io.prometheus.write.v2.Request` (symbols table, label refs). Field
 * numbers as in proto/. Staleness markers are written with Prometheus's StaleNaN bits `0x7ff0000000000002`.
 */
import protobuf from 'protobufjs/minimal.js';
import type { WireMetadata, WireSeries } from '../../sources/remote-write/write-request.js';

/**
 * StaleNaN as a number. Its payload survives being passed around and stored into the Float64Array protobufjs
 * writes doubles through (V8 canonicalises NaNs only in double *arrays*, which is why samples carry a separate
 * `stale` flag and this constant is used at write time); the encoder tests check the bits on the wire.
 */
const STALE_NAN = new Float64Array(new Uint32Array([0x00000002, 0x7ff00000]).buffer)[0] as number;

function writeSample(w: protobuf.Writer, v: number, t: number, stale: boolean): void {
  w.uint32(18).fork();
  w.uint32(9).double(stale ? STALE_NAN : v);
  if (t !== 0) w.uint32(16).int64(t);
  w.ldelim();
}

/**
 * Encodes a 1.0 WriteRequest of `series` (labels: flat sorted name/value pairs) and optional family metadata.
 * @returns the protobuf bytes (not compressed)
 */
export function encodeWriteRequestV1(series: readonly WireSeries[], metadata: readonly WireMetadata[] = []): Buffer {
  const w = protobuf.Writer.create();
  for (const s of series) {
    w.uint32(10).fork();
    for (let i = 0; i < s.labels.length; i += 2) {
      w.uint32(10).fork().uint32(10).string(s.labels[i] as string).uint32(18).string(s.labels[i + 1] as string).ldelim();
    }
    for (let i = 0; i < s.timestamps.length; i++) writeSample(w, s.values[i] as number, s.timestamps[i] as number, s.stale[i] as boolean);
    w.ldelim();
  }
  for (const m of metadata) {
    w.uint32(26).fork();
    if (m.type !== 0) w.uint32(8).int32(m.type);
    if (m.family !== '') w.uint32(18).string(m.family);
    if (m.help !== '') w.uint32(34).string(m.help);
    if (m.unit !== '') w.uint32(42).string(m.unit);
    w.ldelim();
  }
  return Buffer.from(w.finish());
}

/**
 * Encodes a 2.0 (rc.4) Request: a symbols table (`symbols[0] = ""`) and label refs; `metadataOf` gives the
 * series' metadata (type, help, unit), when known.
 */
export function encodeRequestV2(series: readonly WireSeries[], metadataOf: (s: WireSeries) => WireMetadata | undefined = () => undefined): Buffer {
  const symbols: string[] = [''];
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
  const body = protobuf.Writer.create();
  for (const s of series) {
    body.uint32(42).fork();
    body.uint32(10).fork();
    for (const l of s.labels) body.uint32(ref(l));
    body.ldelim();
    for (let i = 0; i < s.timestamps.length; i++) writeSample(body, s.values[i] as number, s.timestamps[i] as number, s.stale[i] as boolean);
    const md = metadataOf(s);
    if (md !== undefined) {
      body.uint32(42).fork();
      if (md.type !== 0) body.uint32(8).int32(md.type);
      if (md.help !== '') body.uint32(24).uint32(ref(md.help));
      if (md.unit !== '') body.uint32(32).uint32(ref(md.unit));
      body.ldelim();
    }
    body.ldelim();
  }
  const head = protobuf.Writer.create();
  for (const s of symbols) head.uint32(34).string(s);
  return Buffer.concat([head.finish(), body.finish()]);
}
