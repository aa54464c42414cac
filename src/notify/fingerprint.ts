/**
 * Alertmanager's alert fingerprint: `model.LabelSet.Fingerprint()` of prometheus/common (v0.72.1
 * `model/signature.go` `labelSetToFingerprint`, `model/fnv.go`): FNV-1a 64 over the label names sorted bytewise,
 * each name and value followed by the separator byte 0xff, hashed as UTF-8 bytes. Printed as 16 lower-case hex
 * digits (`Fingerprint.String`, `%016x`), which is what Alertmanager's API and webhook payload show.
 */
import type { LabelRecord } from '../model/labels.js';

const OFFSET64 = 14695981039346656037n;
const PRIME64 = 1099511628211n;
const MASK64 = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

/** The fingerprint as an unsigned 64-bit integer. */
export function labelSetFingerprint(labels: LabelRecord): bigint {
  // Go sorts names as byte strings; UTF-16 order differs for characters above U+FFFF, so compare UTF-8 bytes.
  const names = Object.keys(labels)
    .map((n) => ({ n, b: Buffer.from(n, 'utf8') }))
    .sort((x, y) => Buffer.compare(x.b, y.b));
  let h = OFFSET64;
  const add = (byte: number): void => {
    h = ((h ^ BigInt(byte)) * PRIME64) & MASK64;
  };
  for (const { n, b } of names) {
    for (const byte of b) add(byte);
    add(SEPARATOR);
    for (const byte of Buffer.from(labels[n] as string, 'utf8')) add(byte);
    add(SEPARATOR);
  }
  return h;
}

/** The fingerprint as Alertmanager prints it: 16 lower-case hex digits, e.g. `a3ac0235bd418b1b`. */
export function alertFingerprint(labels: LabelRecord): string {
  return labelSetFingerprint(labels).toString(16).padStart(16, '0');
}
