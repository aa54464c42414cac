// snappyjs 0.7.0 ships no types. Only the two functions the sidecar calls.
declare module 'snappyjs' {
  /** Snappy block format decode; throws `Error` for corrupt input or a header length above `maxLength`. */
  export function uncompress(compressed: Buffer, maxLength?: number): Buffer;
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  /** Snappy block format encode. */
  export function compress(uncompressed: Buffer): Buffer;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
