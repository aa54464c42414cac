/**
 * The durable queue of the remote-write sender: an append-only log of records in numbered segment files, with a
 * saved read position. Small on purpose (reference/libraries.md: no maintained pure-JS WAL fits).
 *
 * Layout under `dir`: `00000001.seg`, `00000002.seg`, … and `position.json` (`{"segment":n,"offset":bytes}`, plus
 * `"inflight":{"segment":n,"offset":bytes}` while a batch is being sent).
 * Record: `u32 length | u32 crc32 | u32 weight | payload` (little endian; `length` counts the payload; the CRC
 * (zlib.crc32) covers weight and payload). `weight` is the caller's unit of accounting (the sender: samples).
 *
 * Promises and limits:
 * - `append` returns after `write(2)` of the whole record: the record survives a SIGKILL of the process from then on.
 *   It is not fsynced: a power loss or kernel crash can lose the newest records (fdatasync per append costs
 *   ~350 µs; see README "Durability").
 * - On open, the first record that is truncated or fails its CRC ends its segment: the file is cut there (a torn
 *   tail of a killed writer), and the bytes after it are counted in `cutBytes`.
 * - `ack(pos)` saves the position atomically (write a temp file, rename) and deletes the segments before it. A
 *   restart resumes reading at the last saved position: records after it are read again (at least once).
 * - `markInFlight(end)` saves, before a batch is sent, where it ends; after a crash `inFlightAtOpen` says so, and the
 *   sender resends exactly that batch first. Why: a receiver that committed the batch but whose answer was lost
 *   refuses the resend (out of order, 400), which is final; had the resend also carried newer records, they would
 *   be dropped with it although never delivered.
 * - `maxDiskBytes`: when the segments exceed it after an append, the oldest whole segments (never the one being
 *   written) are deleted, unsent or not, and their records and weights reported through `onDrop`.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, readdirSync, renameSync, unlinkSync, writeFileSync, writeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** A place in the log: segment number and byte offset inside it. */
export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface SegmentLogOptions {
  /** A new segment starts once the current one reaches this size, bytes (default 8 MiB). */
  readonly maxSegmentBytes?: number;
  /** Most bytes of segments kept; the oldest are dropped beyond (default: unlimited). */
  readonly maxDiskBytes?: number;
  /** Told about records dropped by the size limit (records, summed weights, bytes). */
  readonly onDrop?: (records: number, weight: number, bytes: number) => void;
}

/** A record read back. */
export interface LogRecord {
  readonly payload: Buffer;
  readonly weight: number;
  /** The position just after this record (what to `ack` once it is delivered). */
  readonly end: LogPosition;
}

const HEADER = 12;
const POSITION_FILE = 'position.json';
/** Larger lengths are treated as corruption (a sender batch is far smaller). */
const MAX_RECORD = 256 * 1024 * 1024;

interface Segment {
  readonly n: number;
  size: number;
  records: number;
  weight: number;
}

function segmentName(n: number): string {
  return `${String(n).padStart(8, '0')}.seg`;
}

export class SegmentLog {
  private readonly segments: Segment[] = [];
  private writeFd = -1;
  private acked: LogPosition;
  private inflight: LogPosition | undefined;
  private cursor: LogPosition;
  private readFd = -1;
  private readFdSegment = -1;
  /** Bytes cut from torn or corrupt tails when the log was opened. */
  readonly cutBytes: number;
  private readonly maxSegmentBytes: number;
  private readonly maxDiskBytes: number;
  private pending = 0;

  private constructor(
    readonly dir: string,
    private readonly opts: SegmentLogOptions,
  ) {
    this.maxSegmentBytes = opts.maxSegmentBytes ?? 8 * 1024 * 1024;
    this.maxDiskBytes = opts.maxDiskBytes ?? Infinity;
    mkdirSync(dir, { recursive: true });
    const numbers = readdirSync(dir)
      .filter((f) => /^\d{8}\.seg$/.test(f))
      .map((f) => Number(f.slice(0, 8)))
      .sort((a, b) => a - b);
    let cut = 0;
    for (const n of numbers) {
      const s = scanSegment(join(dir, segmentName(n)));
      cut += s.cut;
      this.segments.push({ n, size: s.size, records: s.records, weight: s.weight });
    }
    this.cutBytes = cut;
    const saved = readPosition(join(dir, POSITION_FILE));
    const first = this.segments[0];
    if (first === undefined) {
      this.segments.push({ n: saved ? saved.segment : 1, size: 0, records: 0, weight: 0 });
    }
    const firstN = (this.segments[0] as Segment).n;
    this.acked = this.clamp(saved ?? { segment: firstN, offset: 0 });
    this.inflight = saved?.inflight !== undefined && comparePositions(saved.inflight, this.acked) > 0 ? this.clamp(saved.inflight) : undefined;
    this.cursor = this.acked;
    for (const s of this.segments) if (s.n >= this.acked.segment) this.pending += s.weight;
    if (this.acked.offset > 0) this.pending -= countRecords(join(dir, segmentName(this.acked.segment)), this.acked.offset).weight;
    const last = this.segments[this.segments.length - 1] as Segment;
    this.writeFd = openSync(join(dir, segmentName(last.n)), 'a');
  }

  /** Opens (or creates) the log in `dir`, cutting torn tails. */
  static open(dir: string, opts: SegmentLogOptions = {}): SegmentLog {
    return new SegmentLog(dir, opts);
  }

  /** A saved position outside the kept segments moves to the nearest valid place. */
  private clamp(p: LogPosition): LogPosition {
    const first = this.segments[0] as Segment;
    if (p.segment < first.n) return { segment: first.n, offset: 0 };
    const seg = this.segments.find((s) => s.n === p.segment);
    if (seg === undefined) {
      const next = this.segments.find((s) => s.n > p.segment);
      const last = this.segments[this.segments.length - 1] as Segment;
      return next ? { segment: next.n, offset: 0 } : { segment: last.n, offset: last.size };
    }
    return { segment: p.segment, offset: Math.min(p.offset, seg.size) };
  }

  /** The last saved (acknowledged) position. */
  get position(): LogPosition {
    return this.acked;
  }

  /**
   * The end of the batch that was in flight when the process stopped (saved by `markInFlight`, not yet acknowledged),
   * or undefined. The sender's first batch must end exactly there. Cleared by `ack`.
   */
  get inFlightAtOpen(): LogPosition | undefined {
    return this.inflight;
  }

  /** Saves atomically that a batch from the acknowledged position to `end` is about to be sent. */
  markInFlight(end: LogPosition): void {
    this.savePosition(this.acked, end);
  }

  /** Summed weights of the records after the acknowledged position (as far as `ack` was told them). */
  get pendingWeight(): number {
    return this.pending;
  }

  /** Bytes of all segment files. */
  get bytesOnDisk(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Bytes after the acknowledged position (not yet delivered). */
  get pendingBytes(): number {
    let n = 0;
    for (const s of this.segments) {
      if (s.n > this.acked.segment) n += s.size;
      else if (s.n === this.acked.segment) n += s.size - this.acked.offset;
    }
    return n;
  }

  /** Appends one record (written before returning). `weight` is a non-negative integer < 2^32. */
  append(payload: Buffer, weight: number): void {
    let last = this.segments[this.segments.length - 1] as Segment;
    if (last.size > 0 && last.size + HEADER + payload.length > this.maxSegmentBytes) {
      closeSync(this.writeFd);
      last = { n: last.n + 1, size: 0, records: 0, weight: 0 };
      this.segments.push(last);
      this.writeFd = openSync(join(this.dir, segmentName(last.n)), 'a');
    }
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(weight >>> 0, 8);
    header.writeUInt32LE(crc32(payload, crc32(header.subarray(8, 12))) >>> 0, 4);
    const record = Buffer.concat([header, payload]);
    let off = 0;
    while (off < record.length) off += writeSync(this.writeFd, record, off, record.length - off);
    last.size += record.length;
    last.records++;
    last.weight += weight;
    this.pending += weight;
    this.enforceLimit();
  }

  private enforceLimit(): void {
    let total = this.bytesOnDisk;
    while (total > this.maxDiskBytes && this.segments.length > 1) {
      const old = this.segments.shift() as Segment;
      total -= old.size;
      // What of the dropped segment was still undelivered is what is lost.
      let records = old.records;
      let weight = old.weight;
      let bytes = old.size;
      if (this.acked.segment > old.n) {
        records = 0;
        weight = 0;
        bytes = 0;
      } else if (this.acked.segment === old.n && this.acked.offset > 0) {
        const delivered = countRecords(join(this.dir, segmentName(old.n)), this.acked.offset);
        records -= delivered.records;
        weight -= delivered.weight;
        bytes -= this.acked.offset;
      }
      this.closeReader(old.n);
      unlinkSync(join(this.dir, segmentName(old.n)));
      const next = this.segments[0] as Segment;
      if (this.acked.segment <= old.n) this.savePosition({ segment: next.n, offset: 0 }, undefined);
      if (this.cursor.segment <= old.n) this.cursor = { segment: next.n, offset: 0 };
      this.pending -= weight;
      if (records > 0) this.opts.onDrop?.(records, weight, bytes);
    }
  }

  /** Reads the next record after the read cursor (starting at the saved position), or undefined at the end. */
  next(): LogRecord | undefined {
    for (;;) {
      const seg = this.segments.find((s) => s.n === this.cursor.segment);
      if (seg === undefined) {
        // the cursor's segment was deleted (acknowledged to its end, or dropped): go on at the next one
        const following = this.segments.find((s) => s.n > this.cursor.segment);
        if (following === undefined) return undefined;
        this.cursor = { segment: following.n, offset: 0 };
        continue;
      }
      if (this.cursor.offset >= seg.size) {
        const following = this.segments.find((s) => s.n > seg.n);
        if (following === undefined) return undefined;
        this.cursor = { segment: following.n, offset: 0 };
        continue;
      }
      const fd = this.reader(seg.n);
      const header = Buffer.alloc(HEADER);
      readExactly(fd, header, this.cursor.offset);
      const len = header.readUInt32LE(0);
      const payload = Buffer.alloc(len);
      readExactly(fd, payload, this.cursor.offset + HEADER);
      const end = { segment: seg.n, offset: this.cursor.offset + HEADER + len };
      this.cursor = end;
      return { payload, weight: header.readUInt32LE(8), end };
    }
  }

  /** Moves the read cursor back to the saved position (records after it will be read again). */
  rewind(): void {
    this.cursor = this.acked;
  }

  /**
   * Saves `pos` as delivered (atomically) and deletes the segments before it. `weight`: the summed weights of the
   * records this acknowledges (for `pendingWeight`).
   */
  ack(pos: LogPosition, weight = 0): void {
    this.pending -= weight;
    // At the end of a segment that is not the one being written: the segment is fully sent, start at the next.
    const seg = this.segments.find((s) => s.n === pos.segment);
    const next = this.segments.find((s) => s.n > pos.segment);
    if (seg !== undefined && next !== undefined && pos.offset >= seg.size) pos = { segment: next.n, offset: 0 };
    this.savePosition(pos, undefined);
    while (this.segments.length > 1 && (this.segments[0] as Segment).n < pos.segment) {
      const old = this.segments.shift() as Segment;
      this.closeReader(old.n);
      unlinkSync(join(this.dir, segmentName(old.n)));
    }
  }

  private savePosition(pos: LogPosition, inflight: LogPosition | undefined): void {
    const tmp = join(this.dir, `${POSITION_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(inflight === undefined ? { segment: pos.segment, offset: pos.offset } : { segment: pos.segment, offset: pos.offset, inflight }));
    renameSync(tmp, join(this.dir, POSITION_FILE));
    this.acked = pos;
    this.inflight = inflight;
  }

  private reader(n: number): number {
    if (this.readFdSegment !== n) {
      if (this.readFd >= 0) closeSync(this.readFd);
      this.readFd = openSync(join(this.dir, segmentName(n)), 'r');
      this.readFdSegment = n;
    }
    return this.readFd;
  }

  private closeReader(n?: number): void {
    if (this.readFd >= 0 && (n === undefined || this.readFdSegment === n)) {
      closeSync(this.readFd);
      this.readFd = -1;
      this.readFdSegment = -1;
    }
  }

  close(): void {
    this.closeReader();
    if (this.writeFd >= 0) closeSync(this.writeFd);
    this.writeFd = -1;
  }
}

function readExactly(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) throw new Error(`segment log: unexpected end of segment at ${position + off}`);
    off += n;
  }
}

/** Orders positions: negative when `a` is before `b`. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset;
}

function asPosition(p: { segment?: unknown; offset?: unknown } | undefined): LogPosition | undefined {
  if (p !== undefined && p !== null && Number.isSafeInteger(p.segment) && Number.isSafeInteger(p.offset) && (p.offset as number) >= 0) return { segment: p.segment as number, offset: p.offset as number };
  return undefined;
}

function readPosition(file: string): (LogPosition & { inflight?: LogPosition }) | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as { segment?: unknown; offset?: unknown; inflight?: { segment?: unknown; offset?: unknown } };
    const pos = asPosition(p);
    const inflight = asPosition(p.inflight);
    if (pos !== undefined) return inflight === undefined ? pos : { ...pos, inflight };
  } catch {
    // a position file is replaced by rename, so it is whole or absent; anything else reads from the start
  }
  return undefined;
}

/** Validates a segment's records, cutting the file at the first bad one. */
function scanSegment(file: string): { size: number; records: number; weight: number; cut: number } {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const data = Buffer.alloc(size);
    if (size > 0) readExactly(fd, data, 0);
    let off = 0;
    let records = 0;
    let weight = 0;
    while (off + HEADER <= size) {
      const len = data.readUInt32LE(off);
      if (len > MAX_RECORD || off + HEADER + len > size) break;
      const crc = data.readUInt32LE(off + 4);
      if ((crc32(data.subarray(off + HEADER, off + HEADER + len), crc32(data.subarray(off + 8, off + 12))) >>> 0) !== crc) break;
      weight += data.readUInt32LE(off + 8);
      records++;
      off += HEADER + len;
    }
    if (off < size) ftruncateSync(fd, off);
    return { size: off, records, weight, cut: size - off };
  } finally {
    closeSync(fd);
  }
}

/** Records and weight in the first `upTo` bytes of a segment. */
function countRecords(file: string, upTo: number): { records: number; weight: number } {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(HEADER);
    let off = 0;
    let records = 0;
    let weight = 0;
    while (off < upTo) {
      readExactly(fd, header, off);
      weight += header.readUInt32LE(8);
      records++;
      off += HEADER + header.readUInt32LE(0);
    }
    return { records, weight };
  } finally {
    closeSync(fd);
  }
}
