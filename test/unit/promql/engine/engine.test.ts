import { describe, expect, it } from 'vitest';
import { labelSet } from '../../../../src/model/labels.js';
import { Engine } from '../../../../src/promql/engine/index.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';

/** A store with `series` sampled every minute from t=0 (values in order). */
function storeWith(series: Record<string, { labels: Record<string, string>; values: number[] }>): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const app = store.appender('test');
  for (const [name, s] of Object.entries(series)) {
    s.values.forEach((v, i) => app.append(labelSet(name, s.labels), i * 60_000, v));
  }
  app.commit();
  return store;
}

async function scalar(engine: Engine, q: string): Promise<number> {
  const r = await engine.instantQuery(q, 0);
  if (r.value.type !== 'scalar') throw new Error(`not a scalar: ${r.value.type}`);
  return r.value.v;
}

describe('Engine: literals and Go float semantics', () => {
  const engine = new Engine({ store: storeWith({}) });

  it('-2^2 is -4: unary minus binds below ^ (Go grammar), not the lexer-signed literal', async () => {
    expect(await scalar(engine, '-2^2')).toBe(-4);
    expect(await scalar(engine, '-(2)^2')).toBe(-4);
    expect(await scalar(engine, '(-2)^2')).toBe(4);
  });

  it("^ is Go's math.Pow: 1^NaN = 1, (-1)^Inf = 1, NaN^0 = 1", async () => {
    expect(await scalar(engine, '1 ^ NaN')).toBe(1);
    expect(await scalar(engine, '(-1) ^ Inf')).toBe(1);
    expect(await scalar(engine, 'NaN ^ 0')).toBe(1);
  });

  it('% is Go math.Mod (sign of the dividend)', async () => {
    expect(await scalar(engine, '-7 % 3')).toBe(-1);
  });
});

describe('Engine: vector matching', () => {
  const store = storeWith({
    g: { labels: { i: 'a', j: '1' }, values: [10] },
    info: { labels: { i: 'a', team: 'x' }, values: [1] },
    dup: { labels: { i: 'a', k: '1' }, values: [2] },
    dup2: { labels: { i: 'a', k: '2' }, values: [3] },
  });
  const engine = new Engine({ store });

  it('group_left copies the listed labels from the "one" side and drops __name__', async () => {
    const r = await engine.instantQuery('g * on(i) group_left(team) info', 0);
    if (r.value.type !== 'vector') throw new Error('vector expected');
    expect(r.value.vector.map((s) => [s.labels.toRecord(), s.v])).toEqual([[{ i: 'a', j: '1', team: 'x' }, 10]]);
  });

  it("duplicate series on the 'one' side: Prometheus's many-to-many error text", async () => {
    await expect(engine.instantQuery('g * on(i) {__name__=~"dup.*"}', 0)).rejects.toThrow(
      'found duplicate series for the match group {i="a"} on the right hand-side of the operation: [{__name__="dup", i="a", k="1"}, {__name__="dup2", i="a", k="2"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
  });

  it('one-to-one with several matches on the left asks for group_left', async () => {
    await expect(engine.instantQuery('{__name__=~"dup.*"} * on(i) g', 0)).rejects.toThrow(
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
    );
  });
});

describe('Engine: limits', () => {
  const values = Array.from({ length: 100 }, (_, i) => i);
  const store = storeWith({ a: { labels: { x: '1' }, values }, b: { labels: { x: '2' }, values } });

  it("fails with Prometheus's text when a query would hold more than max_samples", async () => {
    const engine = new Engine({ store, maxSamples: 150 });
    await expect(engine.instantQuery('{__name__=~"a|b"}[2h]', 99 * 60_000)).rejects.toMatchObject({
      code: 'FPB_ERR_PROMQL_TOO_MANY_SAMPLES',
      message: 'query processing would load too many samples into memory in query execution',
    });
    // 100 points of one series fit.
    await expect(engine.instantQuery('a[2h]', 99 * 60_000)).resolves.toBeDefined();
  });

  it('an aborted signal cancels the query', async () => {
    const engine = new Engine({ store });
    const ac = new AbortController();
    ac.abort();
    await expect(engine.rangeQuery('a', 0, 99 * 60_000, 60_000, { signal: ac.signal })).rejects.toMatchObject({ code: 'FPB_ERR_PROMQL_CANCELED' });
  });
});

describe('Engine: range queries', () => {
  const store = storeWith({ a: { labels: { x: '1' }, values: [1, 2, 3] } });
  const engine = new Engine({ store });

  it('a scalar expression gives one series without labels', async () => {
    const r = await engine.rangeQuery('1 + 2', 0, 120_000, 60_000);
    expect(r.value.map((s) => [s.labels.toRecord(), Array.from(s.points.t), Array.from(s.points.v)])).toEqual([[{}, [0, 60_000, 120_000], [3, 3, 3]]]);
  });

  it('a selector gives its values at each step, name kept; arithmetic drops it', async () => {
    const r = await engine.rangeQuery('a', 0, 120_000, 60_000);
    expect(r.value.map((s) => [s.labels.toRecord(), Array.from(s.points.v)])).toEqual([[{ __name__: 'a', x: '1' }, [1, 2, 3]]]);
    const r2 = await engine.rangeQuery('a * 2', 0, 120_000, 60_000);
    expect(r2.value.map((s) => [s.labels.toRecord(), Array.from(s.points.v)])).toEqual([[{ x: '1' }, [2, 4, 6]]]);
  });

  it('rejects a range vector expression', async () => {
    await expect(engine.rangeQuery('a[1m]', 0, 60_000, 60_000)).rejects.toThrow(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });
});

describe('Engine: one querier per query over the needed range', () => {
  it('asks the store once, for [mint, maxt] of the whole range query', async () => {
    const store = storeWith({ a: { labels: {}, values: [1, 2, 3] } });
    const calls: [number, number][] = [];
    const spy = { querier: (mint: number, maxt: number) => (calls.push([mint, maxt]), store.querier(mint, maxt)) };
    const engine = new Engine({ store: spy });
    await engine.rangeQuery('rate(a[2m]) + a', 0, 120_000, 60_000);
    expect(calls).toEqual([[-300_000, 120_000]]);
  });
});

describe('Engine: timeout', () => {
  it("fails with Prometheus's timeout text once the deadline has passed (cooperative check)", async () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const engine = new Engine({ store: storeWith({ a: { labels: {}, values } }), timeoutMs: -1 });
    await expect(engine.rangeQuery('a', 0, 99 * 60_000, 60_000)).rejects.toMatchObject({
      code: 'FPB_ERR_PROMQL_TIMEOUT',
      message: 'query timed out in expression evaluation',
    });
  });
});
