import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LabelSet } from '../../src/model/labels.js';
import { Engine } from '../../src/promql/engine/index.js';
import { parseSeriesDesc } from '../../src/promql/test-script/series-desc.js';
import { MemorySeriesStore } from '../../src/store/index.js';

/**
 * Differential PromQL testing against a real `promtool test rules` (issue 8 §2): generated series (counters with
 * resets, gauges with gaps and staleness markers, classic histogram buckets) and generated expressions are
 * evaluated by promtool (its `promql_expr_test` with empty `exp_samples`, so every non-empty result or error is
 * printed, values in Go's lossless `E` format) and by our engine with the same compat; results must be equal within
 * 1e-9 relative, with the same label sets, and both must fail or both succeed.
 */

const exec = promisify(execFile);

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** 1-minute series, 31 points: counters with resets, gauges with gaps and staleness, classic histogram buckets. */
export function generateSeries(seed: number): InputSeries[] {
  const r = rng(seed);
  const out: InputSeries[] = [];
  for (let i = 0; i < 3; i++) {
    let c = Math.floor(r() * 50);
    const cv: string[] = [];
    for (let k = 0; k <= 30; k++) {
      c = r() < 0.08 ? Math.floor(r() * 5) : c + Math.floor(r() * 20);
      cv.push(r() < 0.07 ? '_' : String(c));
    }
    out.push({ series: `c_total{i="${i}",job="j${i % 2}"}`, values: cv.join(' ') });
    const gv: string[] = [];
    for (let k = 0; k <= 30; k++) {
      const x = r();
      gv.push(x < 0.06 ? '_' : x < 0.09 && k > 0 && gv[k - 1] !== 'stale' ? 'stale' : (Math.round((r() * 20 - 5) * 100) / 100).toString());
    }
    out.push({ series: `g{i="${i}",job="j${i % 2}"}`, values: gv.join(' ') });
  }
  const bounds = ['0.1', '0.5', '1', '+Inf'];
  for (let j = 0; j < 2; j++) {
    const counts = bounds.map(() => 0);
    const rows: string[][] = bounds.map(() => []);
    for (let k = 0; k <= 30; k++) {
      let acc = 0;
      for (let b = 0; b < bounds.length; b++) {
        acc += Math.floor(r() * 4);
        counts[b] = (counts[b] as number) + acc;
        (rows[b] as string[]).push(String(counts[b]));
      }
    }
    bounds.forEach((le, b) => out.push({ series: `h_bucket{job="j${j}",le="${le}"}`, values: (rows[b] as string[]).join(' ') }));
  }
  return out;
}

const RANGE_FUNCS = [
  'rate', 'increase', 'delta', 'irate', 'idelta', 'changes', 'resets', 'deriv', 'avg_over_time', 'sum_over_time',
  'count_over_time', 'min_over_time', 'max_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time',
  'present_over_time', 'absent_over_time',
];
const VALUE_FUNCS = ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'sgn', 'round', 'timestamp', 'sin', 'atan', 'deg'];
const AGGS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group'];

/** Expressions valid in 2.42 and 3.16 (functions of both, no experimental syntax); `compat2Only` adds holt_winters. */
export function generateExpressions(compat: '2' | '3'): string[] {
  const out: string[] = [];
  const sels = ['c_total', 'g', 'c_total{job="j0"}', 'g{i=~"1|2"}'];
  for (const f of RANGE_FUNCS) for (const s of ['c_total', 'g']) for (const r of ['1m', '5m', '10m']) out.push(`${f}(${s}[${r}])`);
  for (const f of ['rate', 'max_over_time', 'deriv']) out.push(`${f}(g[10m:2m])`, `${f}(c_total[7m:1m] offset 2m)`);
  out.push('quantile_over_time(0.3, g[10m])', 'predict_linear(g[10m], 120)', 'rate(c_total[5m] offset 3m)', 'rate(c_total[5m] @ 600)');
  out.push(compat === '2' ? 'holt_winters(g[10m], 0.5, 0.3)' : 'double_exponential_smoothing(g[10m], 0.5, 0.3)');
  for (const f of VALUE_FUNCS) for (const s of sels) out.push(`${f}(${s})`);
  out.push('clamp(g, 1, 5)', 'clamp_min(g, 2)', 'clamp_max(g, 2)', 'round(g, 0.5)');
  for (const a of AGGS) out.push(`${a}(g)`, `${a} by (job) (c_total)`, `${a} without (i) (rate(c_total[5m]))`);
  out.push('topk(2, g)', 'bottomk by (job) (1, g)', 'quantile(0.5, g)', 'count_values("v", round(g))', 'count_values by (job) ("v", ceil(g))');
  for (const op of ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=']) {
    out.push(`g ${op} c_total`, `g ${op} 2`, `3 ${op} g`);
    if (['==', '!=', '>', '<', '>=', '<='].includes(op)) out.push(`g ${op} bool c_total`, `g ${op} bool 2`);
  }
  out.push('g and c_total', 'g or c_total', 'g unless c_total', 'g and on(job) c_total{i="0"}', 'g or on(job) c_total{i="0"}');
  out.push('g + on(i) group_left(job) c_total', 'c_total / ignoring(job) g', 'sum by (job) (g) * on(job) group_right c_total');
  out.push('g * on(job) c_total', '-g ^ 2', '-2 ^ 2', 'g offset 3m', 'g @ 300', 'absent(nonexistent{job="x"})', 'absent(g)');
  // Modifiers on unparenthesised operands of a chain: they bind to their selector, the operators after them keep their
  // precedence (test/regression/modifier-swallows-higher-precedence-operators.test.ts).
  out.push('g + c_total offset 2m * 0', 'g - g @ 600 * 2 ^ 2', '-g offset 1m ^ 2', 'g > bool g offset 1m + 1');
  out.push('g or g offset 2m and g @ 300 * 2', 'g * on(i) g offset 1m + 1', 'c_total offset 1m / 2 - g @ 600 % 3');
  out.push('rate(c_total[5m]) offset 1m', 'g offset -1m ^ 2 ^ 0.5 + g');
  out.push('scalar(sum(g))', 'vector(time())', 'time() - timestamp(g)', 'label_replace(g, "x", "$1-${1}", "i", "(.*)")');
  out.push('label_join(g, "x", ",", "i", "job")', 'sort_desc(g)', 'day_of_month()', 'minute(g * 60)');
  out.push('histogram_quantile(0.9, rate(h_bucket[5m]))', 'histogram_quantile(0.5, sum by (le) (h_bucket))', 'histogram_quantile(0.99, h_bucket)');
  out.push('max_over_time(rate(c_total[2m])[10m:1m])', 'sum_over_time(vector(1)[10m:3m])', 'avg(rate(c_total[5m])) by (job) > 1');
  // Nesting, modifiers and the corners of matching and Go's float rules.
  out.push(
    'sum by (job) (rate(c_total[5m])) / on(job) group_left count by (job) (g)',
    'max_over_time(deriv(g[5m])[10m:1m])',
    'avg_over_time((g > 0)[10m:1m])',
    'rate(c_total[5m] offset -2m)',
    'changes(g[10m] @ 600 offset 1m)',
    'timestamp(g offset 1m)',
    'g atan2 c_total',
    'g % -3',
    'g ^ 0.5',
    'sgn(g) * abs(g)',
    '1 < bool 2',
    '2 ^ 3 ^ 2',
    '(-1) ^ (1/0)',
    'scalar(g{i="0"}) * g',
    'vector(1) + g',
    'absent_over_time(nonexistent[5m])',
    'count(absent(g))',
    'label_replace(g, "foo", "$1x", "i", "(.*)")',
    'rate(c_total[90s])',
    'increase(c_total[1m30s])',
    'topk(1, rate(c_total[5m])) by (job)',
    'sum(g) without (job, i)',
    'stddev_over_time(g[10m:2m])',
    'g unless on(i) (g > 5)',
    'c_total > on(i) group_left(job) g',
    'quantile by (job) (0.9, rate(c_total[10m]))',
    'count_values("val", c_total > 100)',
    'max(g) - min(g)',
    'ln(c_total) / log2(c_total)',
  );
  for (const r of ['2m', '7m', '15m']) out.push(`predict_linear(g[${r}], 300)`, `quantile_over_time(0.75, c_total[${r}])`, `deriv(c_total[${r}])`);
  if (compat === '3') out.push('first_over_time(g[10m])', 'histogram_fraction(0, 0.5, h_bucket)', 'histogram_fraction(0.1, +Inf, rate(h_bucket[10m]))');
  return out;
}

/** `n` random nested expressions (deterministic per seed) built from the same vocabulary. */
export function randomExpressions(seed: number, n: number): string[] {
  const r = rng(seed * 7919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const selector = (): string => pick(['g', 'c_total', 'g{job="j1"}', 'c_total{i!="1"}', 'g{i=~"0|2"}']);
  const range = (): string => pick(['1m', '3m', '5m', '10m']);
  const mod = (): string => pick(['', '', '', ' offset 2m', ' offset -1m', ' @ 600', ' @ 900 offset 5m']);
  const vec = (depth: number): string => {
    if (depth <= 0) return selector() + mod();
    switch (Math.floor(r() * 9)) {
      case 0:
        return `${pick(RANGE_FUNCS.filter((f) => f !== 'absent_over_time'))}(${selector()}[${range()}]${mod()})`;
      case 1:
        return `${pick(['max_over_time', 'avg_over_time', 'rate', 'delta', 'changes'])}((${vec(depth - 1)})[${range()}:${pick(['1m', '2m', '30s'])}])`;
      case 2:
        return `${pick(AGGS)} ${pick(['by (job)', 'without (i)', 'by (i)', ''])} (${vec(depth - 1)})`;
      case 3:
        // Not exp/sin nested: V8's Math.exp is 1 ulp off Go's for some inputs (known, pinned by the library's
        // tests), and sin of a huge exp() turns that ulp into a different result.
        return `${pick(VALUE_FUNCS.filter((f) => f !== 'timestamp' && f !== 'exp' && f !== 'sin'))}(${vec(depth - 1)})`;
      case 4:
        return `(${vec(depth - 1)}) ${pick(['+', '-', '*', '/', '%', '>', '<=', '== bool', '!= bool', 'and', 'or', 'unless'])} ${pick(['', 'on(i) ', 'ignoring(job) ', 'on(job, i) '])}(${vec(depth - 1)})`;
      case 5:
        return `(${vec(depth - 1)}) ${pick(['+', '*', '>', '< bool', '^', '/'])} ${pick(['2', '0.5', '-1', '0'])}`;
      case 6:
        // Not topk/bottomk: which of equal values they keep depends on Prometheus's input order (see close()).
        // count_values only of rounded values: a 1-ulp difference of V8's Math.exp/log from Go's (known, pinned by the
        // library's tests) would otherwise become a different label value.
        return pick([
          (x: string) => `quantile(0.5, ${x})`,
          (x: string) => `count_values by (job) ("x", round(${x}))`,
          (x: string) => `stddev by (job) (${x})`,
        ])(vec(depth - 1));
      case 7:
        return `clamp(${vec(depth - 1)}, ${pick(['-1', '0'])}, ${pick(['3', '10'])})`;
      default:
        return `-(${vec(depth - 1)})`;
    }
  };
  return Array.from({ length: n }, () => vec(1 + Math.floor(r() * 3)));
}

/** Eval times (ms) and how Go's `model.Duration` prints them in promtool's output. */
export const EVAL_TIMES: readonly [number, string][] = [
  [5 * 60_000, '5m'],
  [12 * 60_000, '12m'],
  [17 * 60_000 + 30_000, '17m30s'],
  [30 * 60_000, '30m'],
  [36 * 60_000, '36m'],
];

export type Outcome = { readonly err: string } | { readonly samples: ReadonlyMap<string, { labels: string; v: number }> };

/** promtool's failure report → one outcome per (expr, time) it printed; absent = empty result. */
export function parsePromtoolOutput(text: string): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*expr: (".*"), time: ([0-9a-z]+),(?: err: (.*))?$/.exec(lines[i] as string);
    if (m === null) continue;
    const key = `${JSON.parse(m[1] as string) as string}@${m[2] as string}`;
    if (m[3] !== undefined) {
      out.set(key, { err: m[3] });
      continue;
    }
    const got = lines.slice(i + 1, i + 4).find((l) => /^\s*got: /.test(l));
    out.set(key, { samples: parseGot((got ?? '').replace(/^\s*got: /, '')) });
  }
  return out;
}

/** `{a="b", c="d"} 1E+00, {} NaN` → samples keyed by canonical labels. */
function parseGot(s: string): Map<string, { labels: string; v: number }> {
  const out = new Map<string, { labels: string; v: number }>();
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '{') break;
    const rec: Record<string, string> = {};
    i++;
    while (s[i] !== '}') {
      const eq = s.indexOf('=', i);
      const name = s.slice(i, eq);
      let j = eq + 2;
      while (s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      rec[name] = JSON.parse(s.slice(eq + 1, j + 1)) as string;
      i = j + 1;
      if (s.startsWith(', ', i)) i += 2;
    }
    i += 2;
    let end = s.indexOf(', {', i);
    if (end < 0) end = s.length;
    const tok = s.slice(i, end).trim();
    const v = tok === '+Inf' ? Infinity : tok === '-Inf' ? -Infinity : Number(tok);
    const labels = LabelSet.from(rec);
    out.set(labels.key, { labels: labels.toString(), v });
    i = end + 2;
  }
  return out;
}

/** Runs promtool on the generated inputs; its outcomes keyed by `expr@time`. */
export async function runPromtool(promtool: string, series: readonly InputSeries[], exprs: readonly string[]): Promise<Map<string, Outcome>> {
  const dir = await mkdtemp(join(tmpdir(), 'fpb-promql-diff-'));
  try {
    const tests = exprs.flatMap((e) => EVAL_TIMES.map(([, d]) => `      - expr: ${JSON.stringify(e)}\n        eval_time: ${d}\n        exp_samples: []`));
    const yaml = [
      'rule_files: []',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      ...series.map((s) => `      - series: ${JSON.stringify(s.series)}\n        values: ${JSON.stringify(s.values)}`),
      '    promql_expr_test:',
      ...tests,
    ].join('\n');
    await writeFile(join(dir, 't.yml'), yaml);
    const res = await exec(promtool, ['test', 'rules', join(dir, 't.yml')], { maxBuffer: 64 << 20 }).catch(
      (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
    );
    return parsePromtoolOutput(`${res.stdout}\n${res.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Our engine on the same inputs: the same outcome shape. */
export async function runOurs(compat: '2' | '3', series: readonly InputSeries[], exprs: readonly string[]): Promise<Map<string, Outcome>> {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const app = store.appender('diff');
  for (const s of series) {
    const d = parseSeriesDesc(`${s.series} ${s.values}`);
    const labels = LabelSet.from(d.labels);
    d.values.forEach((v, i) => {
      if (v.kind === 'float') app.append(labels, i * 60_000, v.v);
      else if (v.kind === 'stale') app.appendStale(labels, i * 60_000);
    });
  }
  app.commit();
  const engine = new Engine({ store, compat, noStepSubqueryIntervalMs: 60_000 });
  const out = new Map<string, Outcome>();
  for (const e of exprs) {
    for (const [t, d] of EVAL_TIMES) {
      try {
        const r = await engine.instantQuery(e, t);
        const samples = new Map<string, { labels: string; v: number }>();
        if (r.value.type === 'scalar') samples.set(LabelSet.from({}).key, { labels: '{}', v: r.value.v });
        else if (r.value.type === 'vector') for (const s of r.value.vector) samples.set(s.labels.key, { labels: s.labels.toString(), v: s.v });
        if (samples.size > 0) out.set(`${e}@${d}`, { samples });
      } catch (err) {
        out.set(`${e}@${d}`, { err: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return out;
}

/**
 * 1e-9 relative; plus 1e-15 absolute, because Prometheus's own input order is not deterministic (promtool's loader
 * iterates a Go map, and the head returns series by creation): aggregations that cancel, like `stddev` of two rates
 * one ulp apart, give 0 or ~1e-17 depending on that order (seen against 3.16 for `stddev without (i) (rate(...))`).
 */
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) <= 1e-15;
}

/** Every disagreement, one line each. */
export function differences(exprs: readonly string[], theirs: Map<string, Outcome>, ours: Map<string, Outcome>): string[] {
  const diffs: string[] = [];
  for (const e of exprs) {
    for (const [, d] of EVAL_TIMES) {
      const key = `${e}@${d}`;
      const a = theirs.get(key);
      const b = ours.get(key);
      if (a === undefined && b === undefined) continue;
      if (a !== undefined && 'err' in a) {
        if (b === undefined || !('err' in b)) diffs.push(`${key}: promtool error "${a.err}", ours ${b === undefined ? 'empty' : 'a result'}`);
        continue;
      }
      if (b !== undefined && 'err' in b) {
        diffs.push(`${key}: our error "${b.err}", promtool ${a === undefined ? 'empty' : 'a result'}`);
        continue;
      }
      const as = a?.samples ?? new Map<string, { labels: string; v: number }>();
      const bs = b?.samples ?? new Map<string, { labels: string; v: number }>();
      if (/\b(topk|bottomk)\b/.test(e)) {
        // Which of several equal values topk/bottomk keep depends on Prometheus's input order, which is not
        // deterministic (see close()): compare the kept values, not the label sets.
        const av = [...as.values()].map((x) => x.v).sort((x, y) => x - y);
        const bv = [...bs.values()].map((x) => x.v).sort((x, y) => x - y);
        if (av.length !== bv.length || av.some((x, i) => !close(x, bv[i] as number))) diffs.push(`${key}: promtool ${JSON.stringify(av)}, ours ${JSON.stringify(bv)}`);
        continue;
      }
      for (const [k, s] of as) {
        const o = bs.get(k);
        if (o === undefined) diffs.push(`${key}: promtool has ${s.labels} ${s.v}, ours not`);
        else if (!close(s.v, o.v)) diffs.push(`${key}: ${s.labels} promtool ${s.v}, ours ${o.v}`);
      }
      for (const [k, s] of bs) if (!as.has(k)) diffs.push(`${key}: ours has ${s.labels} ${s.v}, promtool not`);
    }
  }
  return diffs;
}
