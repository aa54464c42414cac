/**
 * Name rules of the Prometheus data model (prometheus/common model/metric.go, legacy validation scheme):
 * metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`, names starting `__` reserved.
 */
export const METRIC_NAME_LABEL = '__name__';

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True when `name` is a valid (legacy-scheme) Prometheus metric name. */
export function isValidMetricName(name: string): boolean {
  return METRIC_NAME_RE.test(name);
}

/** True when `name` is a valid Prometheus label name (`__name__` included). */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

/**
 * Flink PrometheusReporter's label-value filter (`filterLabelValueCharacters`, on by default): every character
 * outside `[a-zA-Z0-9:_]` becomes `_` (flink-metrics-prometheus AbstractPrometheusReporter.replaceInvalidChars).
 * REST-derived series apply it too so they join with pushed/scraped reporter series.
 */
export function flinkLabelValue(raw: string): string {
  return raw.replace(/[^a-zA-Z0-9:_]/g, '_');
}
