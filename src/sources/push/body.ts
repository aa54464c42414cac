import { gunzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { PushRejectedError } from '../../errors.js';

/** Size limits of one push body, bytes. */
export interface BodyLimits {
  /** Most bytes read from the wire (after HTTP framing, before `Content-Encoding` is undone). */
  readonly maxBodyBytes: number;
  /** Most bytes after `Content-Encoding` is undone; a body inflating beyond it is refused without inflating it whole. */
  readonly maxDecodedBytes: number;
}

/**
 * Undoes the request's `Content-Encoding`: none/`identity`, `gzip` (as Pushgateway 1.5.1's `gunzipRequest`) or
 * `snappy` (block format, as the later Pushgateway and remote-write; 1.5.1 does not know it).
 *
 * zlib stops at `maxDecodedBytes` (`maxOutputLength`), and a snappy block's declared length is checked before
 * anything is allocated for it: a decompression bomb costs at most the limit.
 *
 * @throws PushRejectedError 413 (reason `body_size`) beyond `maxDecodedBytes`; 400 (reason `encoding`) for corrupt
 *   input; 415 (reason `encoding`) for another encoding.
 */
export function decodeContentEncoding(raw: Buffer, contentEncoding: string | undefined, limits: BodyLimits): Buffer {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') {
    if (raw.length > limits.maxDecodedBytes) throw tooLarge('decoded', limits.maxDecodedBytes);
    return raw;
  }
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      return gunzipSync(raw, { maxOutputLength: limits.maxDecodedBytes });
    } catch (e) {
      if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge('decoded', limits.maxDecodedBytes);
      }
      throw new PushRejectedError(400, 'encoding', `gzip: invalid body: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (encoding === 'snappy') {
    const declared = snappyDecodedLength(raw);
    if (declared < 0) throw new PushRejectedError(400, 'encoding', 'snappy: corrupt input (bad length header)');
    if (declared > limits.maxDecodedBytes) throw tooLarge('decoded', limits.maxDecodedBytes);
    try {
      return snappy.uncompress(raw, limits.maxDecodedBytes);
    } catch (e) {
      throw new PushRejectedError(400, 'encoding', `snappy: corrupt input (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
  }
  throw new PushRejectedError(415, 'encoding', `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}: use gzip, snappy or none`);
}

/** The decoded length a snappy block declares (its leading uvarint, ≤ 32 bits); -1 when the header is invalid. */
export function snappyDecodedLength(block: Uint8Array): number {
  let result = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    const b = block[i] as number;
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result > 0xffffffff ? -1 : result;
  }
  return -1;
}

/** A 413 for a body beyond a limit; `stage` says which one (`body` on the wire, `decoded` after decompression). */
export function tooLarge(stage: 'body' | 'decoded', limit: number): PushRejectedError {
  return new PushRejectedError(
    413,
    'body_size',
    stage === 'body'
      ? `push body larger than push.limits.max_body_size (${limit} bytes)`
      : `decompressed push body larger than push.limits.max_decoded_body_size (${limit} bytes)`,
  );
}
