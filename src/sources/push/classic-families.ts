import { formatFloat } from '../../exposition/format-float.js';
import { parseGoFloat } from '../../exposition/parser.js';
import type { ParsedFamily, ParsedSample } from '../../exposition/types.js';

/**
 * Completes a pushed summary or classic histogram the way the Pushgateway exposes it (1.5.1 stores client_model
 * `dto.Metric`s and writes them with expfmt's text writer): every metric — the samples sharing their labels apart
 * from `quantile`/`le` — gets its `_sum` and `_count` (0 when not pushed; Flink's reporter pushes no `_sum` for its
 * histograms), a histogram its `le="+Inf"` bucket (= `_count`), and `quantile`/`le` values are written in Go's
 * float form (`0.50` → `0.5`, `1e6` → `1e+06`), so series identity matches the Pushgateway's and Prometheus 3's.
 * Other types are returned unchanged. O(samples).
 */
export function completeClassicFamily(family: ParsedFamily): ParsedFamily {
  if (family.type !== 'summary' && family.type !== 'histogram') return family;
  const special = family.type === 'summary' ? 'quantile' : 'le';
  const name = family.name;
  interface Metric {
    labels: Record<string, string>;
    parts: ParsedSample[];
    sum?: ParsedSample;
    count?: ParsedSample;
    inf: boolean;
  }
  const metrics = new Map<string, Metric>();
  const metricOf = (labels: Readonly<Record<string, string>>): Metric => {
    const base: Record<string, string> = {};
    for (const [n, v] of Object.entries(labels)) if (n !== special) base[n] = v;
    const key = JSON.stringify(Object.entries(base).sort(([a], [b]) => (a < b ? -1 : 1)));
    let m = metrics.get(key);
    if (m === undefined) {
      m = { labels: base, parts: [], inf: false };
      metrics.set(key, m);
    }
    return m;
  };
  for (const s of family.samples) {
    const m = metricOf(s.labels);
    if (s.name === `${name}_sum`) m.sum = s;
    else if (s.name === `${name}_count`) m.count = s;
    else {
      const raw = s.labels[special];
      if (raw === undefined) continue; // expfmt drops a summary/histogram sample without its quantile/le
      const bound = parseGoFloat(raw) ?? NaN;
      if (bound === Infinity) m.inf = true;
      m.parts.push({ ...s, labels: { ...s.labels, [special]: formatFloat(bound) } });
    }
  }
  const samples: ParsedSample[] = [];
  for (const m of metrics.values()) {
    samples.push(...m.parts);
    const count = m.count?.value ?? 0;
    if (family.type === 'histogram' && !m.inf) samples.push({ name: `${name}_bucket`, labels: { ...m.labels, le: '+Inf' }, value: count });
    samples.push(m.sum ?? { name: `${name}_sum`, labels: m.labels, value: 0 });
    samples.push(m.count ?? { name: `${name}_count`, labels: m.labels, value: 0 });
  }
  return { ...family, samples };
}
