import { formatFloat } from '../../exposition/format-float.js';
import { METRIC_NAME_LABEL } from '../../model/names.js';
import { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC, type GroupView } from './receiver.js';

const TYPE_NAMES: Readonly<Record<string, string>> = { counter: 'COUNTER', gauge: 'GAUGE', summary: 'SUMMARY', histogram: 'HISTOGRAM', untyped: 'UNTYPED' };

/**
 * The Pushgateway's `GET /api/v1/metrics` body (Pushgateway 1.5.1 `api/v1/api.go` `metrics`,
 * `makeEncodableMetrics`): `{status:"success", data:[{labels, last_push_successful, <family>: {time_stamp, type, help,
 * metrics:[{labels, value} | {labels, quantiles, count, sum} | {labels, buckets, count, sum}]}}]}`, numbers as Go's
 * `fmt.Sprint` writes them. Series labels include the grouping labels (and `instance` when not empty, see README).
 */
export function groupsJson(groups: readonly GroupView[]): { status: 'success'; data: Record<string, unknown>[] } {
  const data = groups.map((g) => {
    const out: Record<string, unknown> = { labels: g.labels, last_push_successful: g.lastFailureMs <= g.lastPushMs };
    for (const f of g.families) {
      out[f.name] = {
        time_stamp: new Date(f.pushedAtMs).toISOString(),
        type: TYPE_NAMES[f.metadata.type],
        ...(f.metadata.help !== '' ? { help: f.metadata.help } : {}),
        metrics: encodeMetrics(f.name, f.metadata.type, f.series),
      };
    }
    const gaugeAt = (t: number): unknown => ({ time_stamp: new Date(g.lastPushMs).toISOString(), type: 'GAUGE', metrics: [{ labels: { ...g.labels }, value: goSprintFloat(t / 1000) }] });
    out[PUSH_TIME_METRIC] = gaugeAt(g.lastPushMs);
    out[PUSH_FAILURE_TIME_METRIC] = gaugeAt(g.lastFailureMs);
    return out;
  });
  return { status: 'success', data };
}

type Series = GroupView['families'][number]['series'][number];

function encodeMetrics(family: string, type: string, series: readonly Series[]): Record<string, unknown>[] {
  if (type !== 'summary' && type !== 'histogram') {
    return series.map((s) => ({ labels: plainLabels(s, undefined), value: goSprintFloat(s.value) }));
  }
  // Samples of one summary/histogram metric share their labels apart from `quantile`/`le` and the suffix.
  const special = type === 'summary' ? 'quantile' : 'le';
  const metrics = new Map<string, { labels: Record<string, string>; parts: Record<string, string>; count: string; sum: string }>();
  for (const s of series) {
    const labels = plainLabels(s, special);
    const k = JSON.stringify(Object.entries(labels).sort());
    let m = metrics.get(k);
    if (m === undefined) {
      m = { labels, parts: {}, count: '0', sum: '0' };
      metrics.set(k, m);
    }
    const name = s.labels.get(METRIC_NAME_LABEL);
    if (name === `${family}_sum`) m.sum = goSprintFloat(s.value);
    else if (name === `${family}_count`) m.count = goSprintFloat(s.value);
    else {
      const bound = s.labels.get(special);
      if (bound !== undefined) m.parts[goSprintFloat(Number(bound === '+Inf' ? Infinity : bound))] = goSprintFloat(s.value);
    }
  }
  return [...metrics.values()].map((m) => ({ labels: m.labels, [type === 'summary' ? 'quantiles' : 'buckets']: m.parts, count: m.count, sum: m.sum }));
}

function plainLabels(s: Series, without: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < s.labels.names.length; i++) {
    const n = s.labels.names[i] as string;
    if (n !== METRIC_NAME_LABEL && n !== without) out[n] = s.labels.values[i] as string;
  }
  return out;
}

/**
 * Go `fmt.Sprint(float64)` (`%v` = `strconv.FormatFloat(v, 'g', -1, 64)`): shortest form, exponent from 1e21 and
 * below 1e-4 and whenever the shortest digits are fewer than the exponent (`1.7e+09`), as {@link formatFloat}.
 */
export function goSprintFloat(v: number): string {
  return formatFloat(v);
}
