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
  /**
   * Text appended after the store's families, e.g. prom-client's `registry.metrics()` for the self-metrics,
   * in the same format. For OpenMetrics a trailing `# EOF` in it is dropped (the writer ends the output with
   * the one `# EOF`), and so are blank lines, which OpenMetrics forbids.
   */
  readonly extra?: string;
}

/**
 * `name{label="value",…} ` (with the trailing space) per interned label set. Series keep their LabelSet
 * instance for life, so the cache entry lives exactly as long as the series.
 */
const prefixCache = new WeakMap<LabelSet, string>();

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
  let tail = '';
  if (options.extra !== undefined && options.extra !== '') tail = om ? cleanOpenMetricsExtra(options.extra) : withNewline(options.extra);
  if (om) tail += '# EOF\n';
  const groups = groupFamilies(store);
  return options.output === 'buffer' ? renderBuffer(store, groups, om, tail) : renderString(store, groups, om, tail);
}

function cachedPrefix(labels: LabelSet, metricName: string): string {
  let prefix = prefixCache.get(labels);
  if (prefix === undefined) {
    prefix = renderPrefix(labels, metricName);
    prefixCache.set(labels, prefix);
  }
  return prefix;
}

/**
 * String output: a rope of the pieces (V8 concatenation is cheap; whoever consumes the string flattens it
 * once).
 */
function renderString(store: SeriesStore, groups: readonly FamilyGroup[], om: boolean, tail: string): string {
  const fmt = om ? formatOpenMetricsFloat : formatFloat;
  let out = '';
  for (const group of groups) {
    let header = om ? openMetricsHeader(group, groups) : textHeader(group);
    for (const member of group.members) {
      for (const series of store.family(member)) {
        if (series.isStale) continue;
        if (header !== '') {
          out += header;
          header = '';
        }
        out += `${cachedPrefix(series.labels, member)}${fmt(series.lastValue)}\n`;
      }
    }
  }
  return out + tail;
}

/** Size of the previous Buffer render: the next one starts with a buffer that (almost always) fits. */
let lastBufferBytes = 64 * 1024;

/**
 * Buffer output, written piece by piece. Measured on Node 20 (bench/README.md): UTF-8 encoding a rope is
 * ~3 ns/byte, while `Buffer#write` of a small flat string (the cached prefix) is close to a memcpy; values
 * are ASCII and copied byte by byte.
 */
function renderBuffer(store: SeriesStore, groups: readonly FamilyGroup[], om: boolean, tail: string): Buffer {
  const fmt = om ? formatOpenMetricsFloat : formatFloat;
  let buf: Buffer = Buffer.allocUnsafe(Math.ceil(lastBufferBytes * 1.1) + 4096);
  let pos = 0;
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
        const prefix = cachedPrefix(series.labels, member);
        const value = fmt(series.lastValue);
        // A UTF-16 code unit never takes more than 3 UTF-8 bytes; the value is ASCII; 1 for the new-line.
        const need = prefix.length * 3 + value.length + 1;
        if (pos + need > buf.length) buf = grow(buf, pos, need);
        pos += buf.write(prefix, pos, 'utf8');
        for (let i = 0; i < value.length; i++) buf[pos++] = value.charCodeAt(i);
        buf[pos++] = 10;
      }
    }
  }
  if (tail !== '') {
    if (pos + tail.length * 3 > buf.length) buf = grow(buf, pos, tail.length * 3);
    pos += buf.write(tail, pos, 'utf8');
  }
  lastBufferBytes = pos;
  // An exact-size copy when most of the buffer would be wasted (e.g. after the store shrank).
  return pos < buf.length / 2 ? Buffer.from(buf.subarray(0, pos)) : buf.subarray(0, pos);
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

function renderPrefix(labels: LabelSet, metricName: string): string {
  const { names, values } = labels;
  let body = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name === METRIC_NAME_LABEL) continue;
    body += `${body === '' ? '' : ','}${name}="${escapeLabelValue(values[i] as string)}"`;
  }
  const prefix = body === '' ? `${metricName} ` : `${metricName}{${body}} `;
  // Flatten the rope once here, so every render copies one flat string (see renderBuffer).
  prefix.charCodeAt(0);
  return prefix;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function cleanOpenMetricsExtra(extra: string): string {
  const lines = extra.split('\n').filter((l) => l !== '');
  if (lines.length > 0 && lines[lines.length - 1] === '# EOF') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
