/**
 * Decoder of remote-write 1.0 requests (`prometheus.WriteRequest`, proto/remote.proto and proto/types.proto; spec:
 * prometheus/docs `remote_write_spec.md`). Hand-written protobufjs `Reader` loops: the hot path of the receiver.
 * Unknown fields are skipped (the spec requires it: e.g. Cortex's field 2); native histograms and exemplars are
 * counted, not decoded.
 */
import { RemoteWriteDecodeError } from '../../errors.js';
import { emptySeries, type WireMetadata, type WireRequest, type WireSeries } from './write-request.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, doubleWithStale, int64, lengthEnd, readerOf, skip, type Reader } from './wire.js';

/**
 * Decodes an uncompressed `prometheus.WriteRequest`.
 * @param buf the protobuf bytes (after snappy)
 * @throws RemoteWriteDecodeError (`FPB_ERR_REMOTE_WRITE_DECODE`) for anything that is not a valid encoding; never
 *         another error
 */
export function decodeWriteRequestV1(buf: Uint8Array): WireRequest {
  const r = readerOf(buf);
  const series: WireSeries[] = [];
  const metadata: WireMetadata[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1 && (tag & 7) === WIRE_LEN) series.push(timeSeries(r, lengthEnd(r)));
      else if (field === 3 && (tag & 7) === WIRE_LEN) metadata.push(metricMetadata(r, lengthEnd(r)));
      else skip(r, tag);
    }
  } catch (e) {
    throw RemoteWriteDecodeError.wrap('prometheus.WriteRequest', e);
  }
  return { series, metadata };
}

function timeSeries(r: Reader, end: number): WireSeries {
  const s = emptySeries();
  /** Byte range of the label fields while they are contiguous; `labelsFrom` -1 when none yet, -2 when split. */
  let labelsFrom = -1;
  let labelsTo = -1;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === WIRE_LEN) {
      if (labelsFrom === -1) labelsFrom = at;
      else if (labelsTo !== at) labelsFrom = -2;
      label(r, lengthEnd(r), s.labels);
      labelsTo = r.pos;
    } else if (field === 2 && wt === WIRE_LEN) sample(r, lengthEnd(r), s);
    else if (field === 3 && wt === WIRE_LEN) {
      r.pos = lengthEnd(r);
      s.exemplars++;
    } else if (field === 4 && wt === WIRE_LEN) {
      r.pos = lengthEnd(r);
      s.histograms++;
    } else skip(r, tag);
  }
  expectEnd(r, end);
  if (labelsFrom >= 0) s.labelKey = latin1(r.buf, labelsFrom, labelsTo);
  return s;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  return (Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)).toString('latin1', from, to);
}

function label(r: Reader, end: number, out: string[]): void {
  let name = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_LEN) name = r.string();
    else if (field === 2 && (tag & 7) === WIRE_LEN) value = r.string();
    else skip(r, tag);
  }
  expectEnd(r, end);
  out.push(name, value);
}

const staleBit = [false];

function sample(r: Reader, end: number, s: WireSeries): void {
  let value = 0;
  let stale = false;
  let t = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_FIXED64) {
      value = doubleWithStale(r, staleBit);
      stale = staleBit[0] as boolean;
    } else if (field === 2 && (tag & 7) === WIRE_VARINT) t = int64(r);
    else skip(r, tag);
  }
  expectEnd(r, end);
  s.timestamps.push(t);
  s.values.push(value);
  s.stale.push(stale);
}

function metricMetadata(r: Reader, end: number): WireMetadata {
  let type = 0;
  let family = '';
  let help = '';
  let unit = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === WIRE_VARINT) type = r.int32();
    else if (field === 2 && wt === WIRE_LEN) family = r.string();
    else if (field === 4 && wt === WIRE_LEN) help = r.string();
    else if (field === 5 && wt === WIRE_LEN) unit = r.string();
    else skip(r, tag);
  }
  expectEnd(r, end);
  return { type, family, help, unit };
}

/** A nested message must end exactly at its declared length (a field straddling it is corrupt input). */
export function expectEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new RangeError(`nested message overruns its length (${r.pos} != ${end})`);
}
