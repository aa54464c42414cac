import type { LabelSet } from '../model/labels.js';
import { METRIC_NAME_LABEL } from '../model/names.js';
import type { MetricMetadata } from '../model/metadata.js';
import type { SeriesStore, StoredSeries } from '../store/types.js';
import { escapeHelpText, escapeLabelValue } from './escape.js';
import { formatFloat, formatOpenMetricsFloat } from './format-float.js';
import type { ExpositionFormat } from './types.js';

export interface WriteExpositionOptions {
  /** Default `text` (Prometheus text 0.0.4). */
  readonly format?: ExpositionFormat;
}

/**
 * Renders every live series of `store` as a scrape answer.
 *
 * - Families in name order (`store.familyNames()` sorted, summary/histogram `_sum`/`_count`/`_bucket`
 *   families grouped under the base name that carries their metadata), each with `# HELP` and `# TYPE`
 *   (OpenMetrics: `# TYPE`, `# UNIT`, `# HELP`) from `store.metadata()`. No metadata ⇒ no HELP and type
 *   `untyped` (OpenMetrics `unknown`). Empty HELP text ⇒ no HELP line. Families without a live series are
 *   left out entirely.
 * - A series is live when its newest sample is not a staleness marker; it is written as
 *   `name{labels} value` without timestamp (we are an exporter: the scraper stamps the scrape time).
 * - Values as client_golang writes them (see {@link formatFloat}); OpenMetrics adds `.0` to integers.
 * - OpenMetrics counters: a counter family `foo_total` is announced as `# TYPE foo counter` with samples
 *   named `foo_total`. A counter family whose name lacks `_total` (or whose stripped name collides with
 *   another family) is announced as `unknown` under its own name, so the series name is the same in both
 *   formats (client_golang would rename the sample to `foo_total` instead, which splits series by format).
 * - `# UNIT` only when `metadata.unit` is set and the OpenMetrics family name ends with `_<unit>`.
 * - OpenMetrics output ends with exactly one `# EOF\n`.
 *
 * Returns a string, or a UTF-8 Buffer with `output: 'buffer'`. Throws nothing of its own.
 */
export function writeExposition(store: SeriesStore, options?: WriteExpositionOptions & { output?: 'string' }): string;
export function writeExposition(store: SeriesStore, options: WriteExpositionOptions & { output: 'buffer' }): Buffer;
export function writeExposition(
  store: SeriesStore,
  options: WriteExpositionOptions & { output?: 'string' | 'buffer' } = {},
): string | Buffer {
  let buf: Buffer | undefined;
  for (const chunk of writeExpositionChunks(store, { format: options.format, chunkBytes: Infinity })) buf = chunk;
  const out = buf ?? Buffer.alloc(0);
  return options.output === 'buffer' ? out : out.toString('utf8');
}

export interface ExpositionChunkOptions extends WriteExpositionOptions {
  /**
   * Bytes after which a chunk is handed out, at the next family boundary (a family is never split, so a chunk
   * may be larger). Default 1 MiB; `Infinity` for one chunk.
   */
  readonly chunkBytes?: number;
  /**
   * Source of the chunk buffers (at least `chunkBytes` + a quarter; e.g. a pool whose buffers come back once sent).
   * A chunk that must grow for a large family is copied into a new, larger buffer. Default `Buffer.allocUnsafe`.
   */
  readonly allocate?: (bytes: number) => Buffer;
}

/**
 * {@link writeExposition} as a sequence of UTF-8 chunks of about `chunkBytes` each, cut between families, for an
 * HTTP answer that is sent while it is rendered: the sender writes a chunk and takes the next one when the socket
 * has drained, so a scrape of 100 000 pushed series (≈ 40 MB) holds a chunk at a time instead of the whole answer
 * (bench/README.md, "Push API"). Families are read when their turn comes: a push between two chunks shows in the
 * families after it, each family is consistent in itself. The concatenated chunks are byte for byte
 * {@link writeExposition}'s output for the store at the time each family was rendered.
 */
export function* writeExpositionChunks(store: SeriesStore, options: ExpositionChunkOptions = {}): Generator<Buffer, void, undefined> {
  const om = options.format === 'openmetrics';
  // Everything, the self-metrics included (the `self` source), comes from the store: one writer, one truth.
  const chunkBytes = options.chunkBytes ?? EXPOSITION_CHUNK_BYTES;
  yield* renderChunks(store, groupFamilies(store), om, om ? '# EOF\n' : '', chunkBytes, options.allocate ?? ((n) => Buffer.allocUnsafe(n)));
}

/** Default chunk size of {@link writeExpositionChunks}; a chunk buffer is allocated with a quarter more. */
export const EXPOSITION_CHUNK_BYTES = 1024 * 1024;

/** Bytes of the buffer {@link writeExpositionChunks} needs per chunk for `chunkBytes`. */
export function chunkAllocation(chunkBytes: number): number {
  return chunkBytes + (chunkBytes >> 2);
}

/** Bytes per series to start the output buffer with before the first render of a store (Flink-shaped series take ~400). */
const BYTES_PER_SERIES_GUESS = 320;

/** Size of each store's last rendered answer: the next render of the same store allocates that much at once. */
const lastSize = new WeakMap<SeriesStore, number>();

/**
 * Buffer output. Why no cached `name{labels} ` string per series any more: profiling the first render after
 * 100 000 new series (`node --cpu-prof`, bench/README.md) showed its time going to building and flattening one
 * prefix string per series, `Buffer#write` of each, the `WeakMap` that cached them and the GC of ~30 MB of new
 * long-lived strings. Label values are interned and shared by many series, so one render now encodes each
 * distinct name and value once ({@link EncodedStrings}) and copies bytes; the first render costs what every
 * later one does, and rendering keeps no memory per series between scrapes. The steady render then spent its
 * time on one map lookup and one byte loop per label and one number string per sample: the metric name and
 * label runs equal to the previous line's are now copied from that line with one `copyWithin`, and integer
 * values are written as digits ({@link writeValue}).
 */
function* renderChunks(
  store: SeriesStore,
  groups: readonly FamilyGroup[],
  om: boolean,
  tail: string,
  chunkBytes: number,
  allocate: (bytes: number) => Buffer,
): Generator<Buffer, void, undefined> {
  const expected = lastSize.get(store) ?? store.seriesCount * BYTES_PER_SERIES_GUESS;
  // One chunk: the whole answer at once (a little more than last time, so no growing copy). Several: a chunk and
  // room for the family that crosses its end.
  const chunked = Number.isFinite(chunkBytes);
  const w = new LineWriter(chunked ? allocate(chunkAllocation(chunkBytes)) : Buffer.allocUnsafe(Math.max(64 * 1024, Math.ceil(expected * 1.0625))), om);
  let total = 0;
  for (const group of groups) {
    if (w.pos >= chunkBytes) {
      total += w.pos;
      yield w.buf.subarray(0, w.pos);
      w.buf = allocate(chunkAllocation(chunkBytes));
      w.pos = 0;
    }
    let header = om ? openMetricsHeader(group, groups) : textHeader(group);
    for (const member of group.members) header = w.family(member, store.family(member), header);
  }
  if (tail !== '') w.text(tail);
  lastSize.set(store, total + w.pos);
  // One chunk: an exact-size copy when most of the buffer would be wasted (it is kept by whoever asked for it).
  const { buf, pos } = w;
  yield !chunked && pos < buf.length / 2 ? Buffer.from(buf.subarray(0, pos)) : buf.subarray(0, pos);
}

/**
 * Writes sample lines into `buf` from `pos` (both advanced as it goes; the caller swaps in a new chunk between
 * families). A class with a plain method rather than code in the generator: the hot loop optimizes better outside
 * a resumable function.
 */
class LineWriter {
  pos = 0;
  private readonly names = new EncodedStrings(false);
  private readonly values = new EncodedStrings(true);
  // Byte offsets of the previous line's parts in `buf` and of the line being written (layout in `family`).
  private prevOff = new Int32Array(16);
  private curOff = new Int32Array(16);

  constructor(
    public buf: Buffer,
    private readonly om: boolean,
  ) {}

  /** Writes `s` (UTF-8). */
  text(s: string): void {
    if (this.pos + 3 * s.length > this.buf.length) this.buf = grow(this.buf, this.pos, 3 * s.length);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * Writes the live series of family `member` (sample name), `header` before the first one. Returns the header
   * still to write ('' once written), for the next member of the same exposed family.
   *
   * Consecutive series of a family mostly share their label values (same job, same task, next subtask; push
   * groups that differ in `job` only): runs of labels equal to the previous line's, the metric name included,
   * are copied from that line in one move. Offsets: entry 0 is the line start, entry i + 1 the `{`/`,` before
   * label i (empty for `__name__`), entry n + 1 where `}` goes. Room is checked where bytes are written (every
   * UTF-16 code unit takes at most 3 bytes, an escaped one 2; growing keeps the line's offsets), not summed for
   * the line up front: reading every value's length was the render's hottest line (profiled, bench/README.md).
   */
  family(member: string, series: Iterable<StoredSeries>, header: string): string {
    const { names, om } = this;
    let { buf, pos, prevOff, curOff } = this;
    let prevNames: readonly string[] | undefined;
    let prevVals: readonly string[] = [];
    let nameAt = -1; // index of `__name__` in the current name list, -1 when absent
    for (const s of series) {
      if (s.isStale) continue;
      if (header !== '') {
        this.buf = buf;
        this.pos = pos;
        this.text(header);
        ({ buf, pos } = this);
        header = '';
      }
      const labels = s.labels;
      const labelNames = labels.names;
      const vals = labels.values;
      const n = labelNames.length;
      if (curOff.length <= n + 1) {
        curOff = new Int32Array(2 * n + 2);
        prevOff = new Int32Array(2 * n + 2);
        prevNames = undefined;
      }
      if (labelNames !== prevNames) nameAt = labelNames.indexOf(METRIC_NAME_LABEL);
      // The label that opens the braces: the first one that is not `__name__`.
      const firstLabel = nameAt === 0 ? 1 : 0;
      if (labelNames === prevNames) {
        let run = 0; // offset index where the pending run copied from the previous line starts, -1 for none
        for (let i = 0; i < n; i++) {
          const v = vals[i] as string;
          if (prevVals[i] === v) {
            if (run < 0) run = i + 1;
            continue;
          }
          if (run >= 0) {
            const bytes = (prevOff[i + 1] as number) - (prevOff[run] as number);
            if (pos + bytes > buf.length) buf = grow(buf, pos, bytes);
            pos = copyRun(buf, pos, prevOff, curOff, run, i + 1);
            run = -1;
          }
          curOff[i + 1] = pos;
          if (i === nameAt) continue;
          const name = labelNames[i] as string;
          const room = 3 * (name.length + v.length) + 4; // `{` or `,`, `="`, `"`
          if (pos + room > buf.length) buf = grow(buf, pos, room);
          pos = this.label(buf, pos, i === firstLabel, name, v);
        }
        if (run >= 0) {
          const bytes = (prevOff[n + 1] as number) - (prevOff[run] as number);
          if (pos + bytes > buf.length) buf = grow(buf, pos, bytes);
          pos = copyRun(buf, pos, prevOff, curOff, run, n + 1);
        }
      } else {
        curOff[0] = pos;
        if (pos + 3 * member.length > buf.length) buf = grow(buf, pos, 3 * member.length);
        pos = names.copy(member, buf, pos);
        for (let i = 0; i < n; i++) {
          curOff[i + 1] = pos;
          if (i === nameAt) continue;
          const name = labelNames[i] as string;
          const v = vals[i] as string;
          const room = 3 * (name.length + v.length) + 4;
          if (pos + room > buf.length) buf = grow(buf, pos, room);
          pos = this.label(buf, pos, i === firstLabel, name, v);
        }
      }
      curOff[n + 1] = pos;
      // `}`, the space, a value of at most 24 bytes, the new-line
      if (pos + 27 > buf.length) buf = grow(buf, pos, 27);
      if (n > (nameAt >= 0 ? 1 : 0)) buf[pos++] = 0x7d; // }
      buf[pos++] = 0x20;
      pos = writeValue(s.lastValue, om, buf, pos);
      buf[pos++] = 10;
      const t = prevOff;
      prevOff = curOff;
      curOff = t;
      prevNames = labelNames;
      prevVals = vals;
    }
    this.buf = buf;
    this.pos = pos;
    this.prevOff = prevOff;
    this.curOff = curOff;
    return header;
  }

  /** Writes `{name="value"` (`,` instead of `{` unless `opens`) at `pos`, which has room; returns the new position. */
  private label(buf: Buffer, pos: number, opens: boolean, name: string, value: string): number {
    buf[pos++] = opens ? 0x7b : 0x2c; // `{` or `,`
    pos = this.names.copy(name, buf, pos);
    buf[pos++] = 0x3d; // =
    buf[pos++] = 0x22; // "
    pos = this.values.copy(value, buf, pos);
    buf[pos++] = 0x22;
    return pos;
  }
}

/**
 * Copies labels `from`..`to - 1` of the previous line (offsets `prevOff`) to `pos`, records their offsets in the
 * current line in `curOff`; returns the new position.
 */
function copyRun(buf: Buffer, pos: number, prevOff: Int32Array, curOff: Int32Array, from: number, to: number): number {
  const start = prevOff[from] as number;
  const delta = pos - start;
  for (let k = from; k < to; k++) curOff[k] = (prevOff[k] as number) + delta;
  const end = prevOff[to] as number;
  return copyBytes(buf, start, end, pos);
}

/** Below this many bytes a loop beats the call into `copyWithin`. */
const SHORT_COPY = 24;

/** Copies `buf[start, end)` to `pos` (not overlapping: the source lies before `pos`); returns the new position. */
function copyBytes(buf: Buffer, start: number, end: number, pos: number): number {
  if (end - start < SHORT_COPY) {
    for (let i = start; i < end; i++) buf[pos++] = buf[i] as number;
    return pos;
  }
  buf.copyWithin(pos, start, end);
  return pos + end - start;
}

/** 2^53: below it every integer is a double, so its shortest round-trip digits are its own digits. */
const EXACT_INTEGERS = 9007199254740992;

/**
 * Writes `v` as {@link formatFloat} (OpenMetrics: {@link formatOpenMetricsFloat}) would, integers below 2^53 in
 * magnitude (counters, most gauges) without building a string: below 1e6 as plain digits (OpenMetrics adds
 * `.0`), from 1e6 on in Go's `%g` exponent form, the digits without trailing zeros (`1234000` → `1.234e+06`).
 * `buf` has room for 24 bytes at `pos`.
 */
function writeValue(v: number, om: boolean, buf: Buffer, pos: number): number {
  if (v < EXACT_INTEGERS && v > -EXACT_INTEGERS && Number.isInteger(v)) {
    // -0 prints as "0" (Go's `f == 0` shortcut): `v < 0` is false for it.
    let x = v;
    if (x < 0) {
      buf[pos++] = 0x2d; // -
      x = -x;
    }
    let digits = 1;
    for (let p = 10; p <= x; p *= 10) digits++;
    if (x < 1e6) {
      pos = writeDigits(x, buf, pos + digits);
      if (om) {
        buf[pos++] = 0x2e; // .
        buf[pos++] = 0x30;
      }
      return pos;
    }
    // d.ddde+XX: the digits one place to the right, then the first moved before the point.
    let end = writeDigits(x, buf, pos + 1 + digits);
    buf[pos] = buf[pos + 1] as number;
    buf[pos + 1] = 0x2e;
    while (buf[end - 1] === 0x30) end--;
    if (end === pos + 2) end--; // no digit after the point: no point
    buf[end++] = 0x65; // e
    buf[end++] = 0x2b; // +
    // 6 ≤ exponent ≤ 15: Go pads it to two digits.
    buf[end] = 0x30;
    return writeDigits(digits - 1, buf, end + 2);
  }
  const s = om ? formatOpenMetricsFloat(v) : formatFloat(v);
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/** Writes the decimal digits of the non-negative integer `x` so that they end at `end` (exclusive); returns `end`. */
function writeDigits(x: number, buf: Buffer, end: number): number {
  let i = end;
  do {
    const r = x % 10;
    buf[--i] = 0x30 + r;
    x = (x - r) / 10; // exact: a multiple of 10 below 2^53
  } while (x > 0);
  return end;
}

/**
 * The strings of one render (label-value escaped when `escape`: `\` → `\\`, `"` → `\"`, LF → `\n`, as
 * {@link escapeLabelValue}), each UTF-8 encoded once, at its first use, into a slab of its own; every use copies
 * those bytes. Label values are interned by the store, so the slab holds each distinct value once (kilobytes for a
 * Flink cluster), and output chunks already sent are not needed to copy from. Lives for one render only.
 */
class EncodedStrings {
  /** string → index into `starts`/`ends` (its bytes in `slab`). */
  private readonly where = new Map<string, number>();
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private slab: Buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  constructor(private readonly escape: boolean) {}

  /** Writes `s` at `pos` of `out` (which has room for 3 bytes per code unit); returns the new position. */
  copy(s: string, out: Buffer, pos: number): number {
    let id = this.where.get(s);
    if (id === undefined) id = this.encode(s);
    const start = this.starts[id] as number;
    const end = this.ends[id] as number;
    const slab = this.slab;
    if (end - start < SHORT_COPY) {
      for (let i = start; i < end; i++) out[pos++] = slab[i] as number;
      return pos;
    }
    slab.copy(out, pos, start, end);
    return pos + end - start;
  }

  private encode(s: string): number {
    const bytes = this.escape ? escapeLabelValue(s) : s;
    if (this.used + 3 * bytes.length > this.slab.length) this.slab = grow(this.slab, this.used, 3 * bytes.length);
    const slab = this.slab;
    const start = this.used;
    let p = start;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes.charCodeAt(i);
      if (c >= 0x80) {
        p = start + slab.write(bytes, start, 'utf8');
        break;
      }
      slab[p++] = c;
    }
    this.used = p;
    const id = this.starts.length;
    this.where.set(s, id);
    this.starts.push(start);
    this.ends.push(p);
    return id;
  }
}

function grow(buf: Buffer, used: number, need: number): Buffer {
  const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, used + need));
  buf.copy(grown, 0, 0, used);
  return grown;
}

/** Metric families as exposed: a name, its metadata and the store families (sample names) it covers. */
interface FamilyGroup {
  readonly name: string;
  readonly metadata: MetricMetadata | undefined;
  readonly members: string[];
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_count', '_sum'] as const;
const SUMMARY_SUFFIXES = ['_count', '_sum'] as const;

/** Groups the store's families into exposed families, sorted by name; members base-first, then by name. */
function groupFamilies(store: SeriesStore): FamilyGroup[] {
  const groups = new Map<string, FamilyGroup>();
  for (const name of store.familyNames()) {
    let groupName = name;
    let metadata = store.metadata(name);
    if (metadata === undefined) {
      const base = summaryOrHistogramBase(store, name);
      if (base !== undefined) {
        groupName = base.name;
        metadata = base.metadata;
      }
    }
    const group = groups.get(groupName);
    if (group === undefined) groups.set(groupName, { name: groupName, metadata, members: [name] });
    else group.members.push(name);
  }
  const sorted = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const g of sorted) {
    // familyNames() is sorted, but the base family itself must come first when it has series.
    const i = g.members.indexOf(g.name);
    if (i > 0) g.members.unshift(...g.members.splice(i, 1));
  }
  return sorted;
}

function summaryOrHistogramBase(store: SeriesStore, name: string): { name: string; metadata: MetricMetadata } | undefined {
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const baseName = name.slice(0, -suffix.length);
    const metadata = store.metadata(baseName);
    if (metadata === undefined) return undefined;
    if (metadata.type === 'histogram') return { name: baseName, metadata };
    if (metadata.type === 'summary' && (SUMMARY_SUFFIXES as readonly string[]).includes(suffix)) {
      return { name: baseName, metadata };
    }
    return undefined;
  }
  return undefined;
}

function textHeader(group: FamilyGroup): string {
  const m = group.metadata;
  if (m === undefined) return `# TYPE ${group.name} untyped\n`;
  const help = m.help === '' ? '' : `# HELP ${group.name} ${escapeHelpText(m.help)}\n`;
  return `${help}# TYPE ${group.name} ${m.type}\n`;
}

function openMetricsHeader(group: FamilyGroup, all: readonly FamilyGroup[]): string {
  const m = group.metadata;
  if (m === undefined) return `# TYPE ${group.name} unknown\n`;
  let name = group.name;
  let type: string = m.type === 'untyped' ? 'unknown' : m.type;
  if (m.type === 'counter') {
    const stripped = name.endsWith('_total') ? name.slice(0, -'_total'.length) : '';
    if (stripped !== '' && !hasGroup(all, stripped)) name = stripped;
    else type = 'unknown';
  }
  let header = `# TYPE ${name} ${type}\n`;
  if (m.unit !== undefined && m.unit !== '' && name.endsWith(`_${m.unit}`)) header += `# UNIT ${name} ${m.unit}\n`;
  if (m.help !== '') header += `# HELP ${name} ${escapeLabelValue(m.help)}\n`;
  return header;
}

function hasGroup(groups: readonly FamilyGroup[], name: string): boolean {
  let lo = 0;
  let hi = groups.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const n = (groups[mid] as FamilyGroup).name;
    if (n === name) return true;
    if (n < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
