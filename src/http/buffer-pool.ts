/**
 * Buffers of one size, handed back once their bytes have left the process, for answers rendered a chunk at a time
 * (`/metrics`): without it every scrape allocates its whole answer anew (≈ 40 MB for 100 000 pushed series), and
 * the dead chunks stay resident until V8 happens to collect them (measured: ≈ 40 MB more RSS after a scrape,
 * bench/README.md "Push API"). Keeps at most `keep` free buffers.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    /** Bytes of every buffer taken from the pool. */
    readonly size: number,
    private readonly keep = 4,
  ) {}

  /** A buffer of `size` bytes (contents undefined). */
  // allocUnsafeSlow: a buffer of its own (allocUnsafe serves small sizes from a shared slab, which `give` could not tell apart).
  readonly take = (): Buffer => this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);

  /**
   * Returns the buffer under `view` (a view from its first byte, e.g. a chunk's `subarray(0, n)`) once nothing
   * reads it any more. Views of other buffers (a grown chunk, a copy) are ignored.
   */
  readonly give = (view: Buffer): void => {
    if (view.byteOffset !== 0 || view.buffer.byteLength !== this.size || this.free.length >= this.keep) return;
    this.free.push(Buffer.from(view.buffer, 0, this.size));
  };
}
