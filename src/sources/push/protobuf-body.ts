import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';
import { PushRejectedError } from '../../errors.js';
import { formatFloat } from '../../exposition/format-float.js';
import type { ParsedFamily, ParsedSample } from '../../exposition/types.js';
import type { MetricType } from '../../model/metadata.js';
import { isValidLabelName, isValidMetricName } from '../../model/names.js';

/** `proto/metrics.proto` (the same relative path from `src/sources/push/` and `dist/sources/push/`). */
const root = protobuf.loadSync(new URL('../../../proto/metrics.proto', import.meta.url).pathname);
const MetricFamilyType = root.lookupType('io.prometheus.client.MetricFamily');

interface PbLabel { name?: string; value?: string }
interface PbValue { value?: number }
interface PbQuantile { quantile?: number; value?: number }
interface PbBucket { cumulativeCount?: number; cumulativeCountFloat?: number; upperBound?: number }
interface PbMetric {
  label?: PbLabel[];
  gauge?: PbValue;
  counter?: PbValue;
  untyped?: PbValue;
  summary?: { sampleCount?: number; sampleSum?: number; quantile?: PbQuantile[] };
  histogram?: { sampleCount?: number; sampleCountFloat?: number; sampleSum?: number; bucket?: PbBucket[] };
  timestampMs?: number;
}
interface PbFamily { name?: string; help?: string; type?: number; metric?: PbMetric[] }

const TYPES: readonly (MetricType | undefined)[] = ['counter', 'gauge', 'summary', 'untyped', 'histogram', undefined];
const TYPE_NAMES = ['COUNTER', 'GAUGE', 'SUMMARY', 'UNTYPED', 'HISTOGRAM', 'GAUGE_HISTOGRAM'];

/**
 * Decodes a body of length-delimited `io.prometheus.client.MetricFamily` messages (`proto/metrics.proto`, upstream
 * prometheus/client_model) into the samples the Pushgateway would expose for them in text (expfmt's text writer):
 * summaries as `{quantile}` samples plus `_sum` and `_count`, histograms as `_bucket{le}` (with the `+Inf` bucket
 * added when absent, as expfmt does), `_sum` and `_count`; quantile and `le` values in Go's `%g` form.
 * A later family of the same name replaces an earlier one (the Pushgateway keeps them in a map by name).
 *
 * @throws PushRejectedError 400 (reason `parse`) for a truncated or malformed message, an invalid metric or label
 *   name, label values that are not UTF-8, a metric without the value its family's type needs, or a
 *   `GAUGE_HISTOGRAM` (native histograms are not supported).
 */
export function decodeDelimitedMetricFamilies(body: Uint8Array): ParsedFamily[] {
  const reader = protobuf.Reader.create(body);
  const byName = new Map<string, ParsedFamily>();
  let index = 0;
  while (reader.pos < reader.len) {
    const at = reader.pos;
    let msg: PbFamily;
    try {
      msg = MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(reader), { longs: Number, defaults: false }) as PbFamily;
    } catch (e) {
      throw bad(`invalid protobuf MetricFamily #${index + 1} at byte offset ${at}: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    const family = convert(msg, index, at, body);
    byName.delete(family.name);
    byName.set(family.name, family);
    index++;
  }
  return [...byName.values()].filter((f) => f.samples.length > 0);
}

function convert(msg: PbFamily, index: number, at: number, body: Uint8Array): ParsedFamily {
  const where = `MetricFamily #${index + 1} at byte offset ${at}`;
  const name = msg.name ?? '';
  if (!isValidMetricName(name)) throw bad(`${where}: invalid metric name ${JSON.stringify(name)}`);
  const typeNo = msg.type ?? 3;
  const type = TYPES[typeNo];
  if (type === undefined) throw bad(`${where} (${name}): unsupported metric type ${TYPE_NAMES[typeNo] ?? String(typeNo)}`);
  // protobufjs decodes invalid UTF-8 leniently (U+FFFD); Go's proto would refuse the message. Check the raw bytes.
  if (!isUtf8(body)) checkUtf8Strings(msg, where);
  const samples: ParsedSample[] = [];
  for (const m of msg.metric ?? []) {
    const labels = labelsOf(m, where, name);
    const timestampMs = m.timestampMs !== undefined && m.timestampMs !== 0 ? m.timestampMs : undefined;
    const add = (sampleName: string, extra: Record<string, string> | undefined, value: number): void => {
      const l = extra === undefined ? labels : { ...labels, ...extra };
      samples.push(timestampMs === undefined ? { name: sampleName, labels: l, value } : { name: sampleName, labels: l, value, timestampMs });
    };
    const missing = (): never => {
      throw bad(`${where}: collected metric ${name} ${JSON.stringify(labels)} is not a ${TYPE_NAMES[typeNo] ?? ''}`);
    };
    switch (type) {
      case 'counter':
        add(name, undefined, (m.counter ?? missing()).value ?? 0);
        break;
      case 'gauge':
        add(name, undefined, (m.gauge ?? missing()).value ?? 0);
        break;
      case 'untyped':
        add(name, undefined, (m.untyped ?? missing()).value ?? 0);
        break;
      case 'summary': {
        const s = m.summary ?? missing();
        for (const q of s.quantile ?? []) add(name, { quantile: formatFloat(q.quantile ?? 0) }, q.value ?? 0);
        add(`${name}_sum`, undefined, s.sampleSum ?? 0);
        add(`${name}_count`, undefined, s.sampleCount ?? 0);
        break;
      }
      case 'histogram': {
        const h = m.histogram ?? missing();
        const count = h.sampleCountFloat !== undefined && h.sampleCountFloat > 0 ? h.sampleCountFloat : (h.sampleCount ?? 0);
        let infSeen = false;
        for (const b of h.bucket ?? []) {
          const ub = b.upperBound ?? 0;
          if (ub === Infinity) infSeen = true;
          const c = b.cumulativeCountFloat !== undefined && b.cumulativeCountFloat > 0 ? b.cumulativeCountFloat : (b.cumulativeCount ?? 0);
          add(`${name}_bucket`, { le: formatFloat(ub) }, c);
        }
        if (!infSeen) add(`${name}_bucket`, { le: '+Inf' }, count);
        add(`${name}_sum`, undefined, h.sampleSum ?? 0);
        add(`${name}_count`, undefined, count);
        break;
      }
    }
  }
  return msg.help !== undefined ? { name, type, help: msg.help, samples } : { name, type, samples };
}

function labelsOf(m: PbMetric, where: string, family: string): Record<string, string> {
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const l of m.label ?? []) {
    const n = l.name ?? '';
    if (!isValidLabelName(n) || n === '__name__') throw bad(`${where}: invalid label name ${JSON.stringify(n)} in metric ${family}`);
    if (n in labels) throw bad(`${where}: duplicate label name ${JSON.stringify(n)} in metric ${family}`);
    labels[n] = l.value ?? '';
  }
  return labels;
}

function checkUtf8Strings(msg: PbFamily, where: string): void {
  const strings = [msg.name, msg.help, ...(msg.metric ?? []).flatMap((m) => (m.label ?? []).flatMap((l) => [l.name, l.value]))];
  for (const s of strings) if (s !== undefined && s.includes('\uFFFD')) throw bad(`${where}: invalid UTF-8 in a string`);
}

function bad(message: string, cause?: unknown): PushRejectedError {
  return new PushRejectedError(400, 'parse', message, cause === undefined ? undefined : { cause });
}
