/**
 * Decoder of remote-write 2.0 requests (`io.prometheus.write.v2.Request`, rc.4, proto/io/prometheus/write/v2/types.proto;
 * spec: prometheus/docs `remote_write_spec_2_0.md`). Hand-written protobufjs `Reader` loops. Symbol references are
 * resolved to strings here; rc.3's `TimeSeries.created_timestamp` (field 6) and rc.4's `Sample.start_timestamp`
 * are skipped, so senders of both generations decode. Native histograms and exemplars are counted, not decoded.
 */
import { RemoteWriteDecodeError } from '../../errors.js';
import { expectEnd } from './decode-v1.js';
import { emptySeries, type WireRequest, type WireSeries } from './write-request.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, doubleWithStale, int64, lengthEnd, readerOf, skip, type Reader } from './wire.js';

/** A series before its symbol refs are resolved. */
interface PendingSeries {
  readonly series: WireSeries;
  readonly labelRefs: number[];
  /** type, help ref, unit ref; undefined when the series carries no Metadata message. */
  meta: [type: number, help: number, unit: number] | undefined;
}

/**
 * Decodes an uncompressed `io.prometheus.write.v2.Request`.
 * @param buf the protobuf bytes (after snappy)
 * @throws RemoteWriteDecodeError (`FPB_ERR_REMOTE_WRITE_DECODE`) for an invalid encoding, `symbols[0]` other than
 *         "", a symbol reference out of range, or an odd number of label refs; never another error
 */
export function decodeWriteRequestV2(buf: Uint8Array): WireRequest {
  const r = readerOf(buf);
  const symbols: string[] = [];
  const pending: PendingSeries[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 4 && (tag & 7) === WIRE_LEN) symbols.push(r.string());
      else if (field === 5 && (tag & 7) === WIRE_LEN) pending.push(timeSeries(r, lengthEnd(r)));
      else skip(r, tag);
    }
    return { series: pending.map((p, i) => resolve(p, i, symbols)), metadata: [] };
  } catch (e) {
    throw RemoteWriteDecodeError.wrap('io.prometheus.write.v2.Request', e);
  }
}

function resolve(p: PendingSeries, index: number, symbols: string[]): WireSeries {
  if (p.labelRefs.length % 2 !== 0) throw new RangeError(`timeseries[${index}]: odd number of labels_refs (${p.labelRefs.length})`);
  if (symbols.length > 0 && symbols[0] !== '') throw new RangeError('symbols[0] must be the empty string');
  const sym = (ref: number): string => {
    const s = symbols[ref];
    if (s === undefined) throw new RangeError(`timeseries[${index}]: symbol reference ${ref} out of range (${symbols.length} symbols)`);
    return s;
  };
  const s = p.series;
  for (const ref of p.labelRefs) s.labels.push(sym(ref));
  if (p.meta !== undefined) {
    const [type, help, unit] = p.meta;
    s.metadata = { type, family: '', help: sym(help), unit: sym(unit) };
  }
  return s;
}

const staleBit = [false];

function timeSeries(r: Reader, end: number): PendingSeries {
  const p: PendingSeries = { series: emptySeries(), labelRefs: [], meta: undefined };
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === WIRE_LEN) {
      // packed (proto3 default)
      const e = lengthEnd(r);
      while (r.pos < e) p.labelRefs.push(r.uint32());
      expectEnd(r, e);
    } else if (field === 1 && wt === WIRE_VARINT) p.labelRefs.push(r.uint32());
    else if (field === 2 && wt === WIRE_LEN) sample(r, lengthEnd(r), p.series);
    else if (field === 3 && wt === WIRE_LEN) {
      r.pos = lengthEnd(r);
      p.series.histograms++;
    } else if (field === 4 && wt === WIRE_LEN) {
      r.pos = lengthEnd(r);
      p.series.exemplars++;
    } else if (field === 5 && wt === WIRE_LEN) p.meta = metadata(r, lengthEnd(r));
    else skip(r, tag);
  }
  expectEnd(r, end);
  return p;
}

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
    else skip(r, tag); // 3: start_timestamp (rc.4), not used
  }
  expectEnd(r, end);
  s.timestamps.push(t);
  s.values.push(value);
  s.stale.push(stale);
}

function metadata(r: Reader, end: number): [number, number, number] {
  let type = 0;
  let help = 0;
  let unit = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === WIRE_VARINT) type = r.int32();
    else if (field === 3 && wt === WIRE_VARINT) help = r.uint32();
    else if (field === 4 && wt === WIRE_VARINT) unit = r.uint32();
    else skip(r, tag);
  }
  expectEnd(r, end);
  return [type, help, unit];
}
