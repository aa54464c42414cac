/**
 * When a rule group evaluates: Prometheus 3.16's slotting (`rules/group.go` `Group.hash`, `Group.EvalTimestamp`,
 * the missed-iteration arithmetic of `Group.run`). Every group evaluates at `offset + k × interval` (Unix time),
 * where `offset = hash(file, name) mod interval` spreads groups over the interval deterministically, so the sidecar
 * and a Prometheus loading the same file at the same path evaluate the group at the same instants.
 *
 * Times are nanoseconds as BigInt (Go's `time.Time` precision: the offset is a nanosecond count, and a slot in ms
 * would drift from Prometheus's by rounding); {@link slotMs} gives the millisecond timestamp samples carry.
 */
import { xxhash64 } from '../promql/functions/xxhash64.js';

const NS_PER_MS = 1_000_000n;
/**
 * A string as Prometheus's default label encoding stores it (`model/labels/labels_stringlabels.go` `encodeSize`):
 * its UTF-8 length in one byte below 255, else 0xff and three little-endian bytes; then the bytes.
 */
function encodeString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const n = b.length;
  const size = n < 255 ? Buffer.from([n]) : Buffer.from([255, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
  return Buffer.concat([size, b]);
}

/**
 * `Group.hash()`: `labels.New({name: name}, {file: file}).Hash()`. Prometheus 3.x builds with `stringlabels` (the
 * default build tag), where `Hash` is xxhash64 of the encoded label data: `file`, the file, `name`, the name, each
 * length-prefixed ({@link encodeString}; labels sorted by name, so `file` first). Unsigned 64-bit.
 */
export function groupHash(file: string, name: string): bigint {
  return xxhash64(Buffer.concat([encodeString('file'), encodeString(file), encodeString('name'), encodeString(name)]));
}

/** The group's offset within its interval, ns: `hash mod interval`. */
export function groupOffsetNs(file: string, name: string, intervalMs: number): bigint {
  return groupHash(file, name) % (BigInt(intervalMs) * NS_PER_MS);
}

/**
 * `Group.EvalTimestamp(startTime)`: the group's slot at or before `nowNs` (`base = (now − offset) − (now − offset)
 * mod interval; slot = base + offset`). Go's `%` truncates towards zero; times before 1970 are not expected.
 */
export function evalSlotAtOrBefore(nowNs: bigint, intervalNs: bigint, offsetNs: bigint): bigint {
  const adj = nowNs - offsetNs;
  return adj - (adj % intervalNs) + offsetNs;
}

/** A slot (ns) as the millisecond timestamp its samples carry (`timestamp.FromTime`: truncation). */
export function slotMs(slotNs: bigint): number {
  return Number(slotNs / NS_PER_MS);
}

/** Milliseconds → nanoseconds. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MS;
}

/**
 * After a tick at `nowNs` following the slot `lastSlotNs` (`Group.run`): `missed = (now − last) / interval − 1`
 * (integer division), the next slot is `last + (missed + 1) × interval`. A timer that fires a little early (Node
 * timers round) still advances by one slot: the next slot is never the last one again.
 */
export function nextSlot(lastSlotNs: bigint, nowNs: bigint, intervalNs: bigint): { readonly slotNs: bigint; readonly missed: number } {
  let steps = (nowNs - lastSlotNs) / intervalNs;
  if (steps < 1n) steps = 1n;
  return { slotNs: lastSlotNs + steps * intervalNs, missed: Number(steps - 1n) };
}
