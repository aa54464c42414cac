import { describe, expect, it } from 'vitest';
import {
  negotiateFormat,
  OPENMETRICS_0_0_1_CONTENT_TYPE,
  OPENMETRICS_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from '../../../src/exposition/negotiate.js';

// Real scrape headers (shared/reference/prometheus.md §6.3).
const PROMETHEUS_2_42 =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROMETHEUS_3 =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1';
const PROMETHEUS_3_PROTOBUF_FIRST =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,' + PROMETHEUS_3;

const OM = { format: 'openmetrics', contentType: OPENMETRICS_CONTENT_TYPE };
const OM001 = { format: 'openmetrics', contentType: OPENMETRICS_0_0_1_CONTENT_TYPE };
const TEXT = { format: 'text', contentType: TEXT_CONTENT_TYPE };

describe('negotiateFormat', () => {
  it('content types are the exact strings scrapers expect', () => {
    expect(TEXT_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(OPENMETRICS_CONTENT_TYPE).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
  });

  it.each([
    ['Prometheus 2.42', PROMETHEUS_2_42, OM],
    ['Prometheus 3.x', PROMETHEUS_3, OM],
    ['Prometheus 3.x with protobuf first', PROMETHEUS_3_PROTOBUF_FIRST, OM],
    ['no header', undefined, TEXT],
    ['empty header', '', TEXT],
    ['curl', '*/*', TEXT],
    ['plain text', 'text/plain', TEXT],
    ['text 0.0.4', 'text/plain; version=0.0.4', TEXT],
    ['text 1.0.0', 'text/plain;version=1.0.0;escaping=allow-utf-8', TEXT],
    ['OpenMetrics without version', 'application/openmetrics-text', OM001],
    ['OpenMetrics 0.0.1 only', 'application/openmetrics-text; version=0.0.1', OM001],
    ['OpenMetrics, quoted version, odd case', 'Application/OpenMetrics-Text; Version="1.0.0"', OM],
    ['OpenMetrics 2.0.0 unsupported', 'application/openmetrics-text;version=2.0.0', TEXT],
    ['text preferred by q', 'text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5', TEXT],
    ['OpenMetrics refused with q=0', 'application/openmetrics-text;version=1.0.0;q=0,text/plain;q=0.1', TEXT],
    ['ties keep header order', 'application/openmetrics-text;version=1.0.0,text/plain', OM],
    ['ties keep header order (text first)', 'text/plain,application/openmetrics-text;version=1.0.0', TEXT],
    ['protobuf only', 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited', TEXT],
    ['garbage', ';;,,/;q=x, foo', TEXT],
    ['bad q drops the range', 'application/openmetrics-text;version=1.0.0;q=2,text/plain;q=0.1', TEXT],
  ])('%s', (_name, header, expected) => {
    expect(negotiateFormat(header)).toEqual(expected);
  });
});
