/**
 * Snappy block format (not the framed format: the remote-write specs forbid it), via `snappyjs`. The decoded length
 * is a varint at the start of a block; it is read and checked against the limit first, so a decompression bomb is
 * refused before anything is allocated for it.
 */
import snappy from 'snappyjs';
import { RemoteWriteDecodeError, RemoteWriteTooLargeError } from '../../errors.js';

/**
 * The decoded length a snappy block declares (its leading uvarint, at most 32 bits).
 * @returns the length, or -1 when the header is truncated or longer than 5 bytes
 */
export function snappyDecodedLength(block: Uint8Array): number {
  let result = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    const b = block[i] as number;
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result > 0xffffffff ? -1 : result;
  }
  return -1;
}

/**
 * Decodes a snappy block of at most `maxDecodedBytes`.
 * @throws RemoteWriteTooLargeError (`stage: 'decoded'`) when the declared length exceeds the limit (nothing allocated)
 * @throws RemoteWriteDecodeError for a corrupt block
 */
export function snappyDecode(block: Buffer, maxDecodedBytes: number): Buffer {
  const declared = snappyDecodedLength(block);
  if (declared < 0) throw new RemoteWriteDecodeError('snappy: corrupt input (bad length header)');
  if (declared > maxDecodedBytes) throw new RemoteWriteTooLargeError('decoded', declared, maxDecodedBytes);
  try {
    return snappy.uncompress(block, maxDecodedBytes);
  } catch (e) {
    throw new RemoteWriteDecodeError(`snappy: corrupt input (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

/** Encodes a snappy block. */
export function snappyEncode(data: Buffer): Buffer {
  return snappy.compress(data);
}
