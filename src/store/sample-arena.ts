/**
 * Slab storage for the sample rings of all series.
 *
 * Why not three typed arrays per series: measured on Node 20, every typed array costs ≈200 B of object and
 * backing-store overhead, so a series with 3 small arrays spent ≈700 B before holding a single sample (see
 * bench/README.md). Here rings of the same capacity (a power of two) live side by side in large shared chunks;
 * a series holds only a chunk reference and an offset. Chunks whose rings are all freed are dropped, so
 * memory follows the live series instead of the high-water mark.
 */

/** Smallest ring capacity; rings start here and double. */
export const MIN_RING_CAPACITY = 4;

/** Samples per chunk array (a chunk holds `CHUNK_SAMPLES / capacity` rings, at least one). */
const CHUNK_SAMPLES = 1 << 14;

/** One chunk: the timestamp, value and staleness arrays shared by the rings of one size class. */
export class ArenaChunk {
  readonly ts: Float64Array;
  readonly vals: Float64Array;
  /** 1 = staleness marker. Kept apart from `vals` because typed-array stores may canonicalise NaN payloads. */
  readonly stale: Uint8Array;
  /** Index of this chunk in its size class. */
  readonly index: number;
  used = 0;
  /** Next never-used slot. */
  fresh = 0;
  /** Freed slots, reused before fresh ones. */
  readonly freeSlots: number[] = [];

  /** The arena the chunk belongs to: rings reach it through their chunk instead of a field per series. */
  readonly arena: SampleArena;

  constructor(samples: number, index: number, arena: SampleArena) {
    this.arena = arena;
    this.ts = new Float64Array(samples);
    this.vals = new Float64Array(samples);
    this.stale = new Uint8Array(samples);
    this.index = index;
  }
}

class SizeClass {
  readonly capacity: number;
  readonly slotsPerChunk: number;
  readonly chunks: (ArenaChunk | undefined)[] = [];
  /** Indexes of chunks with at least one free slot. */
  readonly withSpace = new Set<number>();
  /** Indexes in `chunks` whose chunk was released and can be reused. */
  readonly emptyIndexes: number[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.slotsPerChunk = Math.max(1, Math.floor(CHUNK_SAMPLES / capacity));
  }
}

/** Where a ring lives: a chunk and the first sample index of the ring inside it. */
export interface RingSlot {
  chunk: ArenaChunk;
  base: number;
}

/**
 * Allocator of ring slots. Not thread-safe (nothing in Node is); one arena per store so that stores in tests
 * do not share memory.
 */
export class SampleArena {
  private readonly classes: SizeClass[] = [];
  private allocatedSamples = 0;

  /**
   * Reserves a ring of `capacity` samples (a power of two ≥ {@link MIN_RING_CAPACITY}) and writes its location
   * into `out` (an object reused by the caller, so allocation creates no garbage).
   */
  alloc(capacity: number, out: RingSlot): void {
    const sc = this.sizeClass(capacity);
    let chunk: ArenaChunk | undefined;
    for (const i of sc.withSpace) {
      chunk = sc.chunks[i];
      break;
    }
    if (chunk === undefined) {
      const index = sc.emptyIndexes.length > 0 ? (sc.emptyIndexes.pop() as number) : sc.chunks.length;
      chunk = new ArenaChunk(sc.slotsPerChunk * capacity, index, this);
      sc.chunks[index] = chunk;
      sc.withSpace.add(index);
      this.allocatedSamples += sc.slotsPerChunk * capacity;
    }
    const slot = chunk.freeSlots.length > 0 ? (chunk.freeSlots.pop() as number) : chunk.fresh++;
    chunk.used++;
    if (chunk.used === sc.slotsPerChunk) sc.withSpace.delete(chunk.index);
    out.chunk = chunk;
    out.base = slot * capacity;
  }

  /** Returns a ring obtained from {@link alloc}. Releases the chunk when it holds no ring any more. */
  free(capacity: number, chunk: ArenaChunk, base: number): void {
    const sc = this.sizeClass(capacity);
    chunk.used--;
    if (chunk.used === 0) {
      sc.chunks[chunk.index] = undefined;
      sc.withSpace.delete(chunk.index);
      sc.emptyIndexes.push(chunk.index);
      this.allocatedSamples -= sc.slotsPerChunk * capacity;
      return;
    }
    chunk.freeSlots.push(base / capacity);
    sc.withSpace.add(chunk.index);
  }

  /** Sample slots currently backed by memory (used or free), for the memory self-metrics and tests. */
  get capacitySamples(): number {
    return this.allocatedSamples;
  }

  private sizeClass(capacity: number): SizeClass {
    const k = 31 - Math.clz32(capacity);
    let sc = this.classes[k];
    if (sc === undefined) {
      sc = new SizeClass(capacity);
      this.classes[k] = sc;
    }
    return sc;
  }
}
