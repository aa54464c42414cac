import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ExpositionParseError } from '../../../src/errors.js';
import { parseTextExposition } from '../../../src/exposition/parser.js';
import type { ParsedFamily } from '../../../src/exposition/types.js';

/** Families as plain data (labels copied out of their null-prototype records). */
function plain(families: ParsedFamily[]): unknown[] {
  return families.map((f) => ({ ...f, samples: f.samples.map((s) => ({ ...s, labels: { ...s.labels } })) }));
}

function parseError(input: string | Uint8Array, format: 'text' | 'openmetrics' = 'text'): ExpositionParseError {
  try {
    parseTextExposition(input, { format });
  } catch (err) {
    if (err instanceof ExpositionParseError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${JSON.stringify(input)}`);
}

describe('parseTextExposition: text 0.0.4', () => {
  it('parses families, labels, escapes, values and timestamps', () => {
    const text = [
      '# A generic comment',
      '#',
      '',
      '  # HELP http_requests_total The total number\\nof \\\\ "requests".',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400",} 3 -1395066363000',
      '\t http_requests_total {code="a\\"b\\\\c\\nd" , method = "ü"}\t+Inf',
      'untyped_metric{} -Inf',
      'untyped_metric{x="1"} NaN',
      'lower nan',
      'inf_variants{a="1"} infinity',
      'inf_variants{a="2"} -Inf',
      'dots{a="1"} .5',
      'dots{a="2"} 1.',
      'dots{a="3"} -1.5E+3',
      'dots{a="4"} 0',
      '# TYPE lower_case_type GAUGE',
      'lower_case_type 1',
      '',
    ].join('\n');
    expect(plain(parseTextExposition(text))).toEqual([
      {
        name: 'http_requests_total',
        type: 'counter',
        help: 'The total number\nof \\ "requests".',
        samples: [
          { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
          { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: -1395066363000 },
          { name: 'http_requests_total', labels: { code: 'a"b\\c\nd', method: 'ü' }, value: Infinity },
        ],
      },
      {
        name: 'untyped_metric',
        type: 'untyped',
        samples: [
          { name: 'untyped_metric', labels: {}, value: -Infinity },
          { name: 'untyped_metric', labels: { x: '1' }, value: NaN },
        ],
      },
      { name: 'lower', type: 'untyped', samples: [{ name: 'lower', labels: {}, value: NaN }] },
      {
        name: 'inf_variants',
        type: 'untyped',
        samples: [
          { name: 'inf_variants', labels: { a: '1' }, value: Infinity },
          { name: 'inf_variants', labels: { a: '2' }, value: -Infinity },
        ],
      },
      {
        name: 'dots',
        type: 'untyped',
        samples: [
          { name: 'dots', labels: { a: '1' }, value: 0.5 },
          { name: 'dots', labels: { a: '2' }, value: 1 },
          { name: 'dots', labels: { a: '3' }, value: -1500 },
          { name: 'dots', labels: { a: '4' }, value: 0 },
        ],
      },
      { name: 'lower_case_type', type: 'gauge', samples: [{ name: 'lower_case_type', labels: {}, value: 1 }] },
    ]);
  });

  it('accepts empty input, blank lines and trailing blanks without a final newline', () => {
    expect(parseTextExposition('')).toEqual([]);
    expect(parseTextExposition('\n\n  \n')).toEqual([]);
    expect(parseTextExposition('m 1\n   ')).toHaveLength(1);
  });

  it('ignores HELP/TYPE lines without content, drops families without samples', () => {
    expect(parseTextExposition('# HELP\n# HELP m\n# TYPE m\n# HELP m \n# TYPE x gauge\n# HELP y y\n')).toEqual([]);
  });

  it('joins _sum/_count/_bucket to a declared summary or histogram, like expfmt', () => {
    const text = [
      '# TYPE rpc summary',
      'rpc{quantile="0.5"} 1',
      'rpc_sum 10',
      'rpc_count 4',
      '# TYPE lat histogram',
      'lat_bucket{le="0.1"} 1',
      'lat_bucket{le="+Inf"} 2',
      'lat_sum 0.3',
      'lat_count 2',
      'plain_count 1',
      '',
    ].join('\n');
    expect(parseTextExposition(text).map((f) => [f.name, f.type, f.samples.map((s) => s.name)])).toEqual([
      ['rpc', 'summary', ['rpc', 'rpc_sum', 'rpc_count']],
      ['lat', 'histogram', ['lat_bucket', 'lat_bucket', 'lat_sum', 'lat_count']],
      ['plain_count', 'untyped', ['plain_count']],
    ]);
  });

  it('merges interleaved families and keeps duplicate series, like expfmt', () => {
    const families = parseTextExposition('a 1\nb 1\na{x="1"} 2\na 3\n');
    expect(families.map((f) => [f.name, f.samples.length])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });

  it('returns labels without inherited properties (so __proto__ and constructor are just labels)', () => {
    const [family] = parseTextExposition('m{__proto__="x",constructor="y"} 1\nm{a="1"} 2\n');
    const [first, second] = family?.samples ?? [];
    expect(first?.labels['__proto__']).toBe('x');
    expect(first?.labels['constructor']).toBe('y');
    expect(Object.keys(first?.labels ?? {})).toEqual(['__proto__', 'constructor']);
    expect('toString' in (second?.labels ?? {})).toBe(false);
    expect(second?.labels['constructor']).toBeUndefined();
    expect({ ...second?.labels }).toEqual({ a: '1' });
  });

  it('stays linear on large inputs without backslashes (regression: unbounded indexOf per line)', () => {
    const lines: string[] = [];
    for (let f = 0; f < 1000; f++) {
      lines.push(`# HELP fam_${f} Help of family ${f}.`, `# TYPE fam_${f} gauge`);
      for (let i = 0; i < 30; i++) lines.push(`fam_${f}{job_id="${'a'.repeat(32)}",subtask_index="${i}"} ${i}`);
    }
    const text = `${lines.join('\n')}\n`;
    const t0 = performance.now();
    const families = parseTextExposition(text);
    expect(families).toHaveLength(1000);
    // ~50 ms when linear; the quadratic version needed minutes for this input.
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('parses a Uint8Array as UTF-8', () => {
    const families = parseTextExposition(Buffer.from('m{a="ü€😀"} 1\n'));
    expect(families[0]?.samples[0]?.labels['a']).toBe('ü€😀');
  });

  it.each([
    ['metric{label="\t",label="\t"} 3.14\n', 1, 'duplicate label names for metric "metric"'],
    ['\nmetric{label="bla"} 3.14 2 3\n', 2, 'spurious string after timestamp: " 3"'],
    ['metric{label="bla"} blubb\n', 1, 'expected float as value, got "blubb"'],
    ['# HELP metric one\n# HELP metric two\n', 2, 'second HELP line for metric name "metric"'],
    ['# TYPE metric counter\n# TYPE metric untyped\n', 2, 'second TYPE line for metric name "metric", or TYPE reported after samples'],
    ['metric 4.12\n# TYPE metric counter\n', 2, 'TYPE reported after samples'],
    ['# TYPE metric bla\n', 1, 'unknown metric type "bla"'],
    ['# TYPE metric counter \n', 1, 'unknown metric type "counter "'],
    ['# TYPE metric gauge_histogram\n', 1, 'unsupported metric type'],
    ['# TYPE met-ric\n', 1, 'invalid metric name in comment'],
    ['@invalidmetric{label="bla"} 3.14 2\n', 1, 'invalid metric name'],
    ['{label="bla"} 3.14 2\n', 1, 'quoted UTF-8 metric names are not supported'],
    ['metric{label="bla"} 3.14 2.72\n', 1, 'expected integer as timestamp, got "2.72"'],
    ['metric 1 9223372036854775808\n', 1, 'expected integer as timestamp'],
    ['metric 1 \n', 1, 'expected integer as timestamp, got ""'],
    ['metric{label="\\t"} 1\n', 1, "invalid escape sequence '\\t'"],
    ['metric{label="bla} 1\n', 1, 'is not terminated'],
    ['a 1\nmetric{label="bla\nb"} 1\n', 2, 'is not terminated'],
    ['metric{label="bla"} 1', 1, 'unexpected end of input stream'],
    ['a 1\n# comment', 2, 'unexpected end of input stream'],
    ['metric{__name__="x"} 1\n', 1, 'label name "__name__" is reserved'],
    ['metric{label=bla} 1\n', 1, 'expected \'"\' at start of label value, found "b"'],
    ['metric{label="a" x="b"} 1\n', 1, 'unexpected end of label value "a"'],
    ['metric{label="a"\n', 1, 'unexpected end of label value "a"'],
    ['metric{1label="a"} 1\n', 1, 'invalid label name for metric "metric"'],
    ['metric{"label"="a"} 1\n', 1, 'quoted label names are not supported'],
    ['metric{label "a"} 1\n', 1, "expected '=' after label name \"label\""],
    ['metric\n', 1, 'expected float as value, got ""'],
    ['metric 1e400\n', 1, 'expected float as value, got "1e400"'],
    ['metric 0x10\n', 1, 'expected float as value'],
    ['metric 1_000\n', 1, 'expected float as value'],
    ['metric +nan\n', 1, 'expected float as value'],
    ['metric Inf1\n', 1, 'expected float as value'],
    ['metric 1\r\n', 1, 'expected float as value, got "1\\r"'],
    ['metric-name 1\n', 1, 'expected float as value, got "-name"'],
    ['# TYPE s summary\ns{quantile="x"} 1\n', 2, "expected float as value for 'quantile' label"],
    ['# TYPE h histogram\nh_bucket{le="x"} 1\n', 2, "expected float as value for 'le' label"],
    ['# HELP m a\\b\n', 1, "invalid escape sequence '\\b'"],
    ['# HELP m trailing\\\n', 1, "invalid escape sequence '\\<new-line>'"],
    ['a 1\nb{x="\ud800"} 1\n', 2, 'invalid UTF-8'],
  ])('rejects %j at line %i: %s', (input, line, message) => {
    const err = parseError(input);
    expect(err.code).toBe('FPB_ERR_EXPOSITION_PARSE');
    expect(err.line).toBe(line);
    expect(err.message).toContain(message);
    expect(err.message.startsWith(`line ${line}: `)).toBe(true);
  });

  it('rejects invalid UTF-8 bytes with the line number', () => {
    const bytes = Buffer.concat([Buffer.from('a 1\nb{x="'), Buffer.from([0xff]), Buffer.from('"} 1\n')]);
    const err = parseError(bytes);
    expect(err.line).toBe(2);
    expect(err.message).toContain('invalid UTF-8 at byte 9');
    // overlong encoding and surrogate code points are invalid too
    expect(parseError(Buffer.from([0x61, 0x20, 0x31, 0x0a, 0xc0, 0x80])).line).toBe(2);
    expect(parseError(Buffer.from([0x0a, 0x0a, 0xed, 0xa0, 0x80])).line).toBe(3);
  });
});

describe('parseTextExposition: OpenMetrics 1.0', () => {
  it('parses metadata, counters, units, timestamps in seconds and exemplars', () => {
    const text = [
      '# TYPE acme_http_router_request_seconds summary',
      '# UNIT acme_http_router_request_seconds seconds',
      '# HELP acme_http_router_request_seconds Latency \\"quoted\\" \\\\ \\n.',
      'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
      'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
      'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
      '# TYPE go_goroutines gauge',
      'go_goroutines 69 1605281325.5',
      '# TYPE foo counter',
      'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
      'foo_total{a="b"} 1 # {trace_id="x"} 2.5 1520879607.789',
      'implicit_family 1',
      '# EOF',
    ].join('\n');
    expect(plain(parseTextExposition(text, { format: 'openmetrics' }))).toEqual([
      {
        name: 'acme_http_router_request_seconds',
        type: 'summary',
        unit: 'seconds',
        help: 'Latency "quoted" \\ \n.',
        samples: [
          { name: 'acme_http_router_request_seconds_sum', labels: { path: '/api/v1', method: 'GET' }, value: 9036.32 },
          { name: 'acme_http_router_request_seconds_count', labels: { path: '/api/v1', method: 'GET' }, value: 807283 },
          {
            name: 'acme_http_router_request_seconds_created',
            labels: { path: '/api/v1', method: 'GET' },
            value: 1605281325,
          },
        ],
      },
      { name: 'go_goroutines', type: 'gauge', samples: [{ name: 'go_goroutines', labels: {}, value: 69, timestampMs: 1605281325500 }] },
      {
        name: 'foo',
        type: 'counter',
        samples: [
          { name: 'foo_total', labels: {}, value: 17, timestampMs: 1520879607789 },
          { name: 'foo_total', labels: { a: 'b' }, value: 1 },
        ],
      },
      { name: 'implicit_family', type: 'untyped', samples: [{ name: 'implicit_family', labels: {}, value: 1 }] },
    ]);
    expect(parseTextExposition('# EOF\n', { format: 'openmetrics' })).toEqual([]);
  });

  it.each([
    ['m 1\n', 2, 'missing "# EOF"'],
    ['', 1, 'missing "# EOF"'],
    ['m 1\n# EOF\nm 2\n', 3, 'content after "# EOF"'],
    ['m 1\n# EOF\n\n', 3, 'content after "# EOF"'],
    ['m 1\n\n# EOF\n', 2, 'empty line'],
    ['# a comment\n# EOF\n', 1, 'other comments are not allowed'],
    ['# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n', 5, 'appears twice'],
    ['a 1\n# TYPE a gauge\n# EOF\n', 2, 'after its samples'],
    ['# TYPE a gauge\n# TYPE a gauge\n# EOF\n', 2, 'second TYPE'],
    ['# TYPE a stateset\n# EOF\n', 1, 'unsupported OpenMetrics type "stateset"'],
    ['# TYPE a untyped\n# EOF\n', 1, 'unknown metric type "untyped"'],
    ['# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n', 2, 'not a suffix'],
    ['# TYPE c counter\nc 1\n# EOF\n', 2, 'does not fit metric family "c" of type counter'],
    ['m  1\n# EOF\n', 1, 'expected float as value, got ""'],
    ['m{a="1", b="2"} 1\n# EOF\n', 1, 'invalid label name'],
    ['m{a="1",} 1\n# EOF\n', 1, 'invalid label name'],
    ['m 1 # {a="b"}\n# EOF\n', 1, 'expected " " and a value after the exemplar labels'],
    ['m 1 x\n# EOF\n', 1, 'expected a timestamp'],
    ['m 1\n# EOF', 0, ''],
  ])('rejects %j at line %i: %s', (input, line, message) => {
    if (line === 0) {
      expect(parseTextExposition(input, { format: 'openmetrics' })).toHaveLength(1);
      return;
    }
    const err = parseError(input, 'openmetrics');
    expect(err.line).toBe(line);
    expect(err.message).toContain(message);
  });
});

describe('parseTextExposition on prom-client output', () => {
  async function registryOutputs(): Promise<{ text: string; om: string }> {
    const make = (registry: Registry) => {
      new Gauge({ name: 'pc_gauge', help: 'A "gauge" \\ with\nnewline.', labelNames: ['l'], registers: [registry] }).set({ l: 'v"\\\n' }, NaN);
      new Counter({ name: 'pc_requests_total', help: 'Requests.', registers: [registry] }).inc(3);
      new Histogram({ name: 'pc_latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
      new Summary({ name: 'pc_size_bytes', help: 'Size.', percentiles: [0.5, 0.9], registers: [registry] }).observe(3);
    };
    const text = new Registry();
    make(text);
    const om = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
    om.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    make(om as unknown as Registry);
    return { text: await text.metrics(), om: await om.metrics() };
  }

  it('parses both formats into the same families', async () => {
    const { text, om } = await registryOutputs();
    const t = parseTextExposition(text);
    const o = parseTextExposition(om, { format: 'openmetrics' });
    expect(t.map((f) => [f.name, f.type])).toEqual([
      ['pc_gauge', 'gauge'],
      ['pc_requests_total', 'counter'],
      ['pc_latency_seconds', 'histogram'],
      ['pc_size_bytes', 'summary'],
    ]);
    expect(o.map((f) => [f.name, f.type])).toEqual([
      ['pc_gauge', 'gauge'],
      ['pc_requests', 'counter'],
      ['pc_latency_seconds', 'histogram'],
      ['pc_size_bytes', 'summary'],
    ]);
    expect(t[0]?.samples[0]?.value).toBeNaN();
    expect(t[0]?.samples[0]?.labels).toEqual(o[0]?.samples[0]?.labels);
    expect(t[2]?.samples.length).toBe(o[2]?.samples.length);
  });
});
