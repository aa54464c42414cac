import { isUtf8 } from 'node:buffer';
import { ExpositionParseError } from '../../errors.js';

/**
 * UTF-8 checks of exposition input, stricter than expfmt (which checks label values only): a string must not
 * hold lone surrogates, bytes must be valid UTF-8. Errors name the line (and the byte offset for bytes).
 */

const C_LF = 10;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** @throws ExpositionParseError when `s` holds a lone surrogate. */
export function checkString(s: string): string {
  const m = LONE_SURROGATE.exec(s);
  if (m !== null) throw new ExpositionParseError(lineAt(s, m.index), 'invalid UTF-8: lone surrogate');
  return s;
}

/** @throws ExpositionParseError (line and byte offset) when `bytes` is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === C_LF) line++;
    throw new ExpositionParseError(line, `invalid UTF-8 at byte ${at}`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function lineAt(s: string, index: number): number {
  let line = 1;
  for (let i = s.indexOf('\n'); i >= 0 && i < index; i = s.indexOf('\n', i + 1)) line++;
  return line;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (only called on invalid input). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
