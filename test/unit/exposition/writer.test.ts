import { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseTextExposition } from '../../../src/exposition/parser.js';
import { writeExposition } from '../../../src/exposition/writer.js';
import { labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';

function storeWith(): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  store.setMetadata('flink-rest', 'flink_job_restarts_total', { type: 'counter', help: 'Job restarts.' });
  store.setMetadata('flink-rest', 'flink_job_uptime_seconds', { type: 'gauge', help: 'Uptime \\ of the\njob "x".', unit: 'seconds' });
  store.appendSnapshot('flink-rest', 1000, [
    { labels: labelSet('flink_job_uptime_seconds', { job_id: 'j1', job_name: 'a "quoted"\\name\n' }), value: 12.5 },
    { labels: labelSet('flink_job_restarts_total', { job_id: 'j1', job_name: 'ünïcødé' }), value: 3 },
    { labels: labelSet('flink_job_restarts_total', { job_id: 'j2', job_name: 'b' }), value: 1_234_567 },
    { labels: labelSet('no_metadata'), value: NaN },
  ]);
  return store;
}

describe('writeExposition text 0.0.4', () => {
  it('writes HELP, TYPE and samples, sorted by family, without timestamps', () => {
    expect(writeExposition(storeWith())).toBe(
      [
        '# HELP flink_job_restarts_total Job restarts.',
        '# TYPE flink_job_restarts_total counter',
        'flink_job_restarts_total{job_id="j1",job_name="ünïcødé"} 3',
        'flink_job_restarts_total{job_id="j2",job_name="b"} 1.234567e+06',
        '# HELP flink_job_uptime_seconds Uptime \\\\ of the\\njob "x".',
        '# TYPE flink_job_uptime_seconds gauge',
        'flink_job_uptime_seconds{job_id="j1",job_name="a \\"quoted\\"\\\\name\\n"} 12.5',
        '# TYPE no_metadata untyped',
        'no_metadata NaN',
        '',
      ].join('\n'),
    );
  });

  it('leaves out stale series and families with no live series', () => {
    const store = storeWith();
    store.appendSnapshot('flink-rest', 2000, [
      { labels: labelSet('flink_job_restarts_total', { job_id: 'j2', job_name: 'b' }), value: 2_000_000 },
    ]);
    expect(writeExposition(store)).toBe(
      [
        '# HELP flink_job_restarts_total Job restarts.',
        '# TYPE flink_job_restarts_total counter',
        'flink_job_restarts_total{job_id="j2",job_name="b"} 2e+06',
        '',
      ].join('\n'),
    );
    store.dropSource('flink-rest', 3000);
    expect(writeExposition(store)).toBe('');
    expect(writeExposition(store, { format: 'openmetrics' })).toBe('# EOF\n');
  });

  it('returns a Buffer on request, byte-equal to the string output', () => {
    const out = writeExposition(storeWith(), { output: 'buffer' });
    expect(Buffer.isBuffer(out)).toBe(true);
    const text = out.toString('utf8');
    expect(text).toBe(writeExposition(storeWith()));
    expect(text.endsWith('no_metadata NaN\n')).toBe(true);
    expect(Buffer.byteLength(text)).toBe(out.length);
  });

  it('groups summary and histogram parts under the family that has the metadata', () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    store.setMetadata('flink-rest', 'lat', { type: 'summary', help: 'Latency.' });
    store.setMetadata('flink-rest', 'size', { type: 'histogram', help: 'Size.' });
    store.appendSnapshot('push', 1000, [
      { labels: labelSet('size_bucket', { le: '1' }), value: 1 },
      { labels: labelSet('size_bucket', { le: '+Inf' }), value: 2 },
      { labels: labelSet('size_sum'), value: 3 },
      { labels: labelSet('size_count'), value: 2 },
      { labels: labelSet('lat_sum'), value: 10 },
      { labels: labelSet('lat_count'), value: 4 },
      { labels: labelSet('lat', { quantile: '0.5' }), value: 2 },
      { labels: labelSet('lat_a'), value: 0 },
    ]);
    expect(writeExposition(store)).toBe(
      [
        '# HELP lat Latency.',
        '# TYPE lat summary',
        'lat{quantile="0.5"} 2',
        'lat_count 4',
        'lat_sum 10',
        '# TYPE lat_a untyped',
        'lat_a 0',
        '# HELP size Size.',
        '# TYPE size histogram',
        'size_bucket{le="1"} 1',
        'size_bucket{le="+Inf"} 2',
        'size_count 2',
        'size_sum 3',
        '',
      ].join('\n'),
    );
    const parsed = parseTextExposition(writeExposition(store));
    expect(parsed.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['lat', 'summary', 3],
      ['lat_a', 'untyped', 1],
      ['size', 'histogram', 4],
    ]);
    const om = parseTextExposition(writeExposition(store, { format: 'openmetrics' }), { format: 'openmetrics' });
    expect(om.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['lat', 'summary', 3],
      ['lat_a', 'untyped', 1],
      ['size', 'histogram', 4],
    ]);
  });
});

describe('writeExposition OpenMetrics 1.0', () => {
  it('writes TYPE/UNIT/HELP, counters without _total in metadata, .0 on integers, one # EOF', () => {
    const out = writeExposition(storeWith(), { format: 'openmetrics' });
    expect(out).toBe(
      [
        '# TYPE flink_job_restarts counter',
        '# HELP flink_job_restarts Job restarts.',
        'flink_job_restarts_total{job_id="j1",job_name="ünïcødé"} 3.0',
        'flink_job_restarts_total{job_id="j2",job_name="b"} 1.234567e+06',
        '# TYPE flink_job_uptime_seconds gauge',
        '# UNIT flink_job_uptime_seconds seconds',
        '# HELP flink_job_uptime_seconds Uptime \\\\ of the\\njob \\"x\\".',
        'flink_job_uptime_seconds{job_id="j1",job_name="a \\"quoted\\"\\\\name\\n"} 12.5',
        '# TYPE no_metadata unknown',
        'no_metadata NaN',
        '# EOF',
        '',
      ].join('\n'),
    );
    expect(out.match(/# EOF/g)).toHaveLength(1);
  });

  it('renders a counter without _total, or whose stripped name is taken, as unknown under its own name', () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    store.setMetadata('flink-rest', 'numRecordsIn', { type: 'counter', help: 'Records.' });
    store.setMetadata('flink-rest', 'x_total', { type: 'counter', help: 'X.' });
    store.setMetadata('flink-rest', 'x', { type: 'gauge', help: 'Plain x.' });
    store.setMetadata('flink-rest', 'io_bytes_total', { type: 'counter', help: 'B.', unit: 'bytes' });
    store.appendSnapshot('s', 1, [
      { labels: labelSet('numRecordsIn'), value: 5 },
      { labels: labelSet('x_total'), value: 1 },
      { labels: labelSet('x'), value: 2 },
      { labels: labelSet('io_bytes_total'), value: 7 },
    ]);
    expect(writeExposition(store, { format: 'openmetrics' })).toBe(
      [
        '# TYPE io_bytes counter',
        '# UNIT io_bytes bytes',
        '# HELP io_bytes B.',
        'io_bytes_total 7.0',
        '# TYPE numRecordsIn unknown',
        '# HELP numRecordsIn Records.',
        'numRecordsIn 5.0',
        '# TYPE x gauge',
        '# HELP x Plain x.',
        'x 2.0',
        '# TYPE x_total unknown',
        '# HELP x_total X.',
        'x_total 1.0',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('leaves out UNIT when the unit is not the name suffix', () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    store.setMetadata('flink-rest', 'flink_heap', { type: 'gauge', help: 'Heap.', unit: 'bytes' });
    store.appendSnapshot('s', 1, [{ labels: labelSet('flink_heap'), value: 5 }]);
    expect(writeExposition(store, { format: 'openmetrics' })).not.toContain('# UNIT');
  });
});

describe('writeExposition against prom-client', () => {
  it('renders the same samples as prom-client for the same gauges and counters', async () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const registry = new Registry();
    const g = new Gauge({ name: 'g_val', help: 'G.', labelNames: ['a', 'b'], registers: [registry] });
    const c = new Counter({ name: 'c_total', help: 'C.', labelNames: ['a'], registers: [registry] });
    store.setMetadata('flink-rest', 'g_val', { type: 'gauge', help: 'G.' });
    store.setMetadata('flink-rest', 'c_total', { type: 'counter', help: 'C.' });
    const samples = [];
    const values = [0, 1, -1, 0.5, 1e-7, 123456789, 1e21, Infinity, -Infinity];
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      g.set({ a: `x${i}`, b: 'q"\\\n' }, v);
      samples.push({ labels: labelSet('g_val', { a: `x${i}`, b: 'q"\\\n' }), value: v });
      if (v >= 0 && Number.isFinite(v)) {
        c.inc({ a: `x${i}` }, v);
        samples.push({ labels: labelSet('c_total', { a: `x${i}` }), value: v });
      }
    }
    store.appendSnapshot('s', 1, samples);
    const normalise = (text: string) =>
      parseTextExposition(text)
        .sort((x, y) => (x.name < y.name ? -1 : 1))
        .map((f) => ({
        name: f.name,
        type: f.type,
        help: f.help,
        samples: f.samples.map((s) => [s.name, { ...s.labels }, s.value]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      }));
    expect(normalise(writeExposition(store))).toEqual(normalise(await registry.metrics()));
  });
});

describe('writeExposition Buffer output', () => {
  it('grows its buffer and matches the string output byte for byte', () => {
    const small = new MemorySeriesStore({ retentionMs: 600_000 });
    small.appendSnapshot('s', 1, [{ labels: labelSet('tiny'), value: 1 }]);
    writeExposition(small, { output: 'buffer' }); // the next render starts from this small size
    const big = new MemorySeriesStore({ retentionMs: 600_000 });
    big.setMetadata('flink-rest', 'big', { type: 'gauge', help: 'Ünïcødé help 😀.' });
    big.appendSnapshot(
      's',
      1,
      Array.from({ length: 5000 }, (_, i) => ({ labels: labelSet('big', { i: String(i), v: `ü😀"\\\n${'x'.repeat(i % 50)}` }), value: i / 3 })),
    );
    for (const format of ['text', 'openmetrics'] as const) {
      const bytes = writeExposition(big, { format, output: 'buffer' });
      expect(bytes.equals(Buffer.from(writeExposition(big, { format }), 'utf8'))).toBe(true);
    }
  });
});
