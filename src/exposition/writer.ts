import type { LabelSet } from '../model/labels.js';
import { METRIC_NAME_LABEL } from '../model/names.js';
import type { MetricMetadata } from '../model/metadata.js';
import type { SeriesStore } from '../store/types.js';
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
  const om = options.format === 'openmetrics';
  // Everything, the self-metrics included (the `self` source), comes from the store: one writer, one truth.
  const buf = renderBuffer(store, groupFamilies(store), om, om ? '# EOF\n' : '');
  return options.output === 'buffer' ? buf : buf.toString('utf8');
}

/** Bytes per series to start the output buffer with (Flink-shaped series take ~270); it grows when short. */
const BYTES_PER_SERIES_GUESS = 320;

/**
 * Buffer output. Why no cached `name{labels} ` string per series any more: profiling the first render after
 * 100 000 new series (`node --cpu-prof`, bench/README.md) showed its time going to building and flattening one
 * prefix string per series, `Buffer#write` of each, the `WeakMap` that cached them and the GC of ~30 MB of new
 * long-lived strings. Label values are interned and shared by many series, so one render now encodes each
 * distinct name and value once ({@link EncodedStrings}) and copies bytes; the first render costs what every
 * later one does, and rendering keeps no memory per series between scrapes.
 */
function renderBuffer(store: SeriesStore, groups: readonly FamilyGroup[], om: boolean, tail: string): Buffer {
  const fmt = om ? formatOpenMetricsFloat : formatFloat;
  let buf: Buffer = Buffer.allocUnsafe(Math.max(64 * 1024, store.seriesCount * BYTES_PER_SERIES_GUESS));
  let pos = 0;
  const names = new EncodedStrings(false);
  const values = new EncodedStrings(true);
  for (const group of groups) {
    let header = om ? openMetricsHeader(group, groups) : textHeader(group);
    for (const member of group.members) {
      for (const series of store.family(member)) {
        if (series.isStale) continue;
        if (header !== '') {
          if (pos + header.length * 3 > buf.length) buf = grow(buf, pos, header.length * 3);
          pos += buf.write(header, pos, 'utf8');
          header = '';
        }
        const labels = series.labels;
        const value = fmt(series.lastValue);
        // Upper bound: every UTF-16 code unit of names and values takes at most 3 bytes (an escaped one 2),
        // plus `{`, `}`, `,`, `="`, `"`, the space, the ASCII value and the new-line.
        const need = 3 * (member.length + labels.key.length) + 4 * labels.names.length + value.length + 4;
        if (pos + need > buf.length) buf = grow(buf, pos, need);
        pos = names.copy(member, buf, pos);
        let first = true;
        for (let i = 0; i < labels.names.length; i++) {
          const name = labels.names[i] as string;
          if (name === METRIC_NAME_LABEL) continue;
          buf[pos++] = first ? 0x7b : 0x2c; // `{` or `,`
          first = false;
          pos = names.copy(name, buf, pos);
          buf[pos++] = 0x3d; // =
          buf[pos++] = 0x22; // "
          pos = values.copy(labels.values[i] as string, buf, pos);
          buf[pos++] = 0x22;
        }
        if (!first) buf[pos++] = 0x7d; // }
        buf[pos++] = 0x20;
        for (let i = 0; i < value.length; i++) buf[pos++] = value.charCodeAt(i);
        buf[pos++] = 10;
      }
    }
  }
  if (tail !== '') {
    if (pos + tail.length * 3 > buf.length) buf = grow(buf, pos, tail.length * 3);
    pos += buf.write(tail, pos, 'utf8');
  }
  // An exact-size copy when most of the buffer would be wasted.
  return pos < buf.length / 2 ? Buffer.from(buf.subarray(0, pos)) : buf.subarray(0, pos);
}

/**
 * The UTF-8 bytes of the strings of one render (label-value escaped when `escape`: `\` → `\\`, `"` → `\"`,
 * LF → `\n`, as {@link escapeLabelValue}), each encoded once into one slab and copied from there. Lives for one
 * render only.
 */
class EncodedStrings {
  private slab = new Uint8Array(64 * 1024);
  private used = 0;
  /** string → index into `starts`/`ends` (slab offsets); strings of ≥ 1366 code units are encoded at every use. */
  private readonly where = new Map<string, number>();
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly escape: boolean) {}

  /** Writes `s` at `pos` of `out` (which has room for 3 bytes per code unit); returns the new position. */
  copy(s: string, out: Buffer, pos: number): number {
    let id = this.where.get(s);
    if (id === undefined) {
      // Long strings (rare) are not worth a slab copy: Buffer#write is a memcpy for them.
      if (s.length * 3 >= 4096) return pos + out.write(this.escape ? escapeLabelValue(s) : s, pos, 'utf8');
      id = this.encode(s);
      this.where.set(s, id);
    }
    const slab = this.slab;
    const end = this.ends[id] as number;
    for (let i = this.starts[id] as number; i < end; i++) out[pos++] = slab[i] as number;
    return pos;
  }

  private encode(s: string): number {
    if (this.used + s.length * 3 > this.slab.length) {
      const grown = new Uint8Array(Math.max(this.slab.length * 2, this.used + s.length * 3));
      grown.set(this.slab.subarray(0, this.used));
      this.slab = grown;
    }
    const start = this.used;
    const bytes = this.escape ? escapeLabelValue(s) : s;
    let p = start;
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      this.slab[p++] = c;
    }
    if (!ascii) p = start + Buffer.from(this.slab.buffer, this.slab.byteOffset).write(bytes, start, 'utf8');
    this.used = p;
    this.starts.push(start);
    this.ends.push(p);
    return this.starts.length - 1;
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
