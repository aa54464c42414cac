/**
 * Low-level protobuf reads shared by the hand-written remote-write decoders (a `protobufjs` `Reader` loop is the
 * fastest decode path, see reference/prometheus.md §7.3). Only what protobufjs's Reader lacks: int64 as a plain
 * number without `Long` objects, and a double read that keeps Prometheus's StaleNaN payload visible.
 */
import protobuf from 'protobufjs/minimal.js';

export type Reader = protobuf.Reader;

/** A Reader over `buf` (the decoded, uncompressed request body). */
export function readerOf(buf: Uint8Array): Reader {
  return protobuf.Reader.create(buf);
}

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;

/** Upper 32 bits and lower 32 bits of StaleNaN (`model/value/value.go`: `0x7ff0000000000002`). */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/**
 * Reads an int64 varint as a number: exact for |v| ≤ 2^53 (every millisecond timestamp), rounded beyond.
 * @throws RangeError when the varint runs past the end or is longer than 10 bytes
 */
export function int64(r: Reader): number {
  const buf = r.buf;
  let pos = r.pos;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= r.len) throw new RangeError('index out of range: truncated varint');
    const b = buf[pos++] as number;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
    if (b < 0x80) {
      r.pos = pos;
      lo >>>= 0;
      if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
      return (hi >>> 0) * 4294967296 + lo;
    }
  }
  throw new RangeError('invalid varint encoding: longer than 10 bytes');
}

/**
 * Reads a double (wire type 1) and reports whether its bits are StaleNaN. JavaScript may canonicalise NaN payloads
 * when a number is copied, so the bits are checked on the wire, before the value becomes a number.
 * @returns the value; `staleOut[0]` is set to whether it is a staleness marker
 */
export function doubleWithStale(r: Reader, staleOut: boolean[]): number {
  if (r.pos + 8 > r.len) throw new RangeError('index out of range: truncated double');
  const b = r.buf;
  const p = r.pos;
  const lo = (b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24);
  const hi = (b[p + 4] as number) | ((b[p + 5] as number) << 8) | ((b[p + 6] as number) << 16) | ((b[p + 7] as number) << 24);
  staleOut[0] = hi >>> 0 === STALE_HI && lo >>> 0 === STALE_LO;
  return r.double();
}

/** Skips a field of `wireType` (protobufjs rejects field number 0 and bad wire types there). */
export function skip(r: Reader, tag: number): void {
  r.skipType(tag & 7, 0, tag >>> 3);
}

/** Byte offset where the length-delimited field starting at `r.pos` ends; checks it lies inside the buffer. */
export function lengthEnd(r: Reader): number {
  const n = r.uint32();
  const end = r.pos + n;
  if (end > r.len) throw new RangeError(`index out of range: length ${n} past the end`);
  return end;
}
