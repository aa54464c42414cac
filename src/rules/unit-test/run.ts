/**
 * `test rules`: promtool's rule unit tests (`cmd/promtool/unittest.go` at v0.316.0, `RulesUnitTestResult`,
 * `ruleUnitTest`, `testGroup.test`). Per test group a fresh store; input series loaded lazily (samples up to each
 * evaluation time, as `promqltest.LazyLoader.WithSamplesTill`); every group evaluated at each
 * `evaluation_interval` step from the start time to the largest `eval_time`; firing alerts compared at the step
 * `ts ≤ eval_time < ts + interval`; `promql_expr_test` queries run at the end over everything written. Output
 * texts and exit codes are promtool's.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { RE2JS } from 're2js';
import { RuleTestFileError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { Engine } from '../../promql/engine/index.js';
import { compareLabels } from '../../promql/engine/labels.js';
import { parseSeriesDesc, type SeriesDesc } from '../../promql/test-script/series-desc.js';
import { MemorySeriesStore } from '../../store/memory-series-store.js';
import { formatDuration } from '../../config/duration.js';
import { formatGoDuration } from '../template/go-time.js';
import { goQuote } from '../file/go-duration.js';
import { BadGlobPattern, globFiles } from '../file/go-glob.js';
import { parseRuleFileContent, toGroupSpecs } from '../file/parse.js';
import { AlertingRule } from '../alerting-rule.js';
import { createRuleGroup, type RuleGroup } from '../group.js';
import { engineQueryFunc } from '../query-func.js';
import type { RuleGroupSpec, TemplateExpander } from '../types.js';
import {
  alertsEqual,
  compareLabelsAndAnnotations,
  indentLines,
  labelsAndAnnotationsString,
  parsedSamplesString,
  samplesEqual,
  type LabelsAndAnnotations,
  type ParsedSample,
} from './compare.js';
import { parseUnitTestFile, type TestGroup, type UnitTestFile } from './file.js';
import { goLocalTimestamp, JUnitXml, type TestSuite } from './junit.js';

export const SUCCESS_EXIT_CODE = 0;
export const FAILURE_EXIT_CODE = 1;

export interface TestRulesOptions {
  /** `--run`: only test groups whose name matches one of these (Go regexps, unanchored). */
  readonly run?: readonly string[];
  /** `--ignore-unknown-fields` (unit-test files and rule files). */
  readonly ignoreUnknownFields?: boolean;
  readonly templates: TemplateExpander;
  /** `--junit`: receives the JUnit XML report once all files ran. */
  readonly junit?: (xml: string) => void;
}

export interface TestRulesIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

const INPUT_SOURCE = 'input';
/** `promqltest.LazyLoader`'s engine limit (`MaxSamples: 10000`). */
const LAZY_LOADER_MAX_SAMPLES = 10_000;
const DEFAULT_EVAL_INTERVAL_MS = 60_000;

/** Runs every file; returns promtool's exit code (0 all passed, 1 any failure). */
export async function testRules(files: readonly string[], opts: TestRulesOptions, io: TestRulesIo): Promise<number> {
  let failed = false;
  const junit = new JUnitXml();
  const run = opts.run !== undefined && opts.run.length > 0 ? RE2JS.compile(opts.run.join('|')) : undefined;
  for (const f of files) {
    io.stdout.write(`Processing test file: ${f}\n`);
    const errs = await ruleUnitTest(f, opts, run, io, junit.suite(f));
    if (errs.length > 0) {
      io.stderr.write('  FAILED:\n');
      for (const e of errs) {
        io.stderr.write(`${e}\n`);
        io.stdout.write('\n');
      }
      failed = true;
    } else {
      io.stdout.write('  SUCCESS\n');
    }
    io.stdout.write('\n');
  }
  opts.junit?.(junit.toXml());
  return failed ? FAILURE_EXIT_CODE : SUCCESS_EXIT_CODE;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function ruleUnitTest(filename: string, opts: TestRulesOptions, run: RE2JS | undefined, io: TestRulesIo, suite: TestSuite): Promise<string[]> {
  let file: UnitTestFile;
  let ruleFiles: string[];
  try {
    file = parseUnitTestFile(readFileSync(filename, 'utf8'), false);
    ruleFiles = resolveAndGlob(dirname(filename), file.ruleFiles, io);
  } catch (e) {
    const ne = e as NodeJS.ErrnoException;
    const text = typeof ne.code === 'string' && ne.syscall !== undefined ? `open ${filename}: ${ne.code === 'ENOENT' ? 'no such file or directory' : ne.message}` : message(e);
    suite.abort(text);
    return [text];
  }
  suite.timestamp = goLocalTimestamp();
  const evalIntervalMs = file.evaluationIntervalMs === 0 ? DEFAULT_EVAL_INTERVAL_MS : file.evaluationIntervalMs;
  const groupOrder = new Map<string, number>();
  for (const [i, gn] of file.groupEvalOrder.entries()) {
    if (groupOrder.has(gn)) {
      const text = `group name repeated in evaluation order: ${gn}`;
      suite.abort(text);
      return [text];
    }
    groupOrder.set(gn, i);
  }
  const errs: string[] = [];
  for (const [i, tg] of file.tests.entries()) {
    if (run !== undefined && !run.matcher(tg.name).find()) continue;
    suite.case(tg.name !== '' ? tg.name : `unnamed#${i}`);
    const t = tg.intervalMs === 0 ? { ...tg, intervalMs: evalIntervalMs } : tg;
    let ers: string[];
    try {
      ers = await testGroup(t, evalIntervalMs, groupOrder, opts, file.fuzzyCompare, ruleFiles);
    } catch (e) {
      // Input Go accepts and our model refuses (e.g. an expected label name outside the data model): that group fails.
      ers = [message(e)];
    }
    for (const e of ers) suite.fail(e);
    errs.push(...ers);
  }
  return errs;
}

/** `resolveAndGlobFilepaths`: relative to the test file's folder, Go globs, a warning for a pattern matching nothing. */
function resolveAndGlob(baseDir: string, ruleFiles: readonly string[], io: TestRulesIo): string[] {
  const out: string[] = [];
  for (const rf0 of ruleFiles) {
    const rf = rf0 !== '' && !isAbsolute(rf0) ? join(baseDir, rf0) : rf0;
    let m: string[];
    try {
      m = globFiles(rf);
    } catch (e) {
      if (e instanceof BadGlobPattern) throw new RuleTestFileError('syntax error in pattern');
      throw e;
    }
    if (m.length === 0) io.stderr.write(`  WARNING: no file match pattern ${rf}\n`);
    out.push(...m);
  }
  return out;
}

interface LoadedSeries {
  readonly labels: LabelSet;
  readonly desc: SeriesDesc;
  /** Index of the next sample to load. */
  next: number;
}

/** The input series (`seriesLoadingString` + `parseLoad`): a later line for the same series replaces an earlier one. */
function parseInput(tg: TestGroup): LoadedSeries[] {
  const defs = new Map<string, LoadedSeries>();
  for (const is of tg.inputSeries) {
    const desc = parseSeriesDesc(`${is.series} ${is.values}`);
    const labels = LabelSet.from(desc.labels);
    defs.delete(labels.key);
    defs.set(labels.key, { labels, desc, next: 0 });
  }
  return [...defs.values()];
}

/** `LazyLoader.appendTill`: loads the samples with timestamp ≤ `tsMs`. */
function appendTill(store: MemorySeriesStore, input: LoadedSeries[], startMs: number, intervalMs: number, tsMs: number): void {
  const app = store.appender(INPUT_SOURCE);
  try {
    for (const s of input) {
      for (; s.next < s.desc.values.length; s.next++) {
        const t = startMs + s.next * intervalMs;
        if (t > tsMs) break;
        const v = s.desc.values[s.next];
        if (v?.kind === 'float') app.append(s.labels, t, v.v);
        else if (v?.kind === 'stale') app.appendStale(s.labels, t);
      }
    }
    app.commit();
  } catch (e) {
    app.rollback();
    throw e;
  }
}

/** Loads the rule files like `Manager.LoadGroups`: groups keyed by file and name (a later one replaces). */
function loadGroups(ruleFiles: readonly string[], opts: TestRulesOptions): RuleGroupSpec[] | string[] {
  const groups = new Map<string, RuleGroupSpec>();
  for (const fn of ruleFiles) {
    let content: Buffer;
    try {
      content = readFileSync(fn);
    } catch (e) {
      return [`open ${fn}: ${message(e)}`];
    }
    const r = parseRuleFileContent(content, { templates: opts.templates, ignoreUnknownFields: opts.ignoreUnknownFields ?? false });
    // rulefmt's errors as promtool prints them: `FILE: L:C: …` (the position where rulefmt has one).
    if (r.issues.length > 0) return r.issues.map((i) => `${fn}: ${i.text}`);
    for (const g of toGroupSpecs(r.groups, fn)) {
      groups.delete(`${fn};${g.name}`);
      groups.set(`${fn};${g.name}`, g);
    }
  }
  return [...groups.values()];
}

async function testGroup(
  tg: TestGroup,
  evalIntervalMs: number,
  groupOrder: ReadonlyMap<string, number>,
  opts: TestRulesOptions,
  fuzzy: boolean,
  ruleFiles: readonly string[],
): Promise<string[]> {
  let input: LoadedSeries[];
  try {
    input = parseInput(tg);
  } catch (e) {
    return [message(e)];
  }
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  store.createSource(INPUT_SOURCE, { kind: 'free' });
  const engine = new Engine({
    store,
    compat: '3',
    maxSamples: LAZY_LOADER_MAX_SAMPLES,
    noStepSubqueryIntervalMs: evalIntervalMs,
    delayedNameRemoval: false,
  });

  const specs = loadGroups(ruleFiles, opts);
  if (specs.length > 0 && typeof specs[0] === 'string') return specs as string[];
  const groups: RuleGroup[] = [];
  try {
    for (const spec of specs as RuleGroupSpec[]) {
      groups.push(
        createRuleGroup(spec, store, engine, {
          defaultIntervalMs: tg.intervalMs,
          defaultQueryOffsetMs: 0,
          resendDelayMs: 0,
          forOutageToleranceMs: 3_600_000,
          forGracePeriodMs: 600_000,
          externalLabels: tg.externalLabels,
          externalURL: tg.externalURL,
          templates: opts.templates,
          sink: { send: () => undefined },
        }),
      );
    }
  } catch (e) {
    return [message(e)];
  }
  // orderedGroups: by position in group_eval_order, unlisted groups count as 0 (stable here; Go's order is random).
  groups.sort((a, b) => (groupOrder.get(a.spec.name) ?? 0) - (groupOrder.get(b.spec.name) ?? 0));

  const mint = tg.startTimestampMs ?? 0;
  const maxEval = Math.max(0, ...tg.alertRuleTests.map((a) => a.evalTimeMs), ...tg.promqlExprTests.map((p) => p.evalTimeMs));
  const maxt = mint + maxEval;

  const alertTests = new Map<number, (typeof tg.alertRuleTests)[number][]>();
  for (const a of tg.alertRuleTests) {
    if (a.alertname === '') {
      const where = tg.name !== '' ? ` (in TestGroup ${tg.name})` : '';
      return [`an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(a.evalTimeMs)}${where}`];
    }
    alertTests.set(a.evalTimeMs, [...(alertTests.get(a.evalTimeMs) ?? []), a]);
  }
  const alertEvalTimes = [...alertTests.keys()].sort((a, b) => a - b);
  let curr = 0;

  const errs: string[] = [];
  for (let ts = mint; ts <= maxt; ts += evalIntervalMs) {
    const evalErrs: string[] = [];
    let loaded = true;
    try {
      appendTill(store, input, mint, tg.intervalMs, ts);
    } catch (e) {
      errs.push(message(e));
      loaded = false;
    }
    if (loaded) {
      for (const g of groups) {
        await g.evaluate(ts);
        for (const st of g.status()) {
          if (st.lastError !== undefined) {
            const name = st.spec.kind === 'recording' ? st.spec.record : st.spec.alert;
            evalErrs.push(`    rule: ${name}, time: ${formatGoDuration(BigInt(ts) * 1_000_000n)}, err: ${st.lastError}`);
          }
        }
      }
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;

    while (curr < alertEvalTimes.length) {
      const t = alertEvalTimes[curr] as number;
      if (!(ts - mint <= t && t < ts + evalIntervalMs - mint)) break;
      const present = new Set((alertTests.get(t) ?? []).map((a) => a.alertname));
      const got = new Map<string, LabelsAndAnnotations[]>();
      for (const g of groups) {
        for (const r of g.rules) {
          if (!(r instanceof AlertingRule) || !present.has(r.name)) continue;
          const alerts = r
            .activeAlerts()
            .filter((a) => a.state === 'firing')
            .map((a) => ({ labels: a.labels, annotations: a.annotations }));
          got.set(r.name, [...(got.get(r.name) ?? []), ...alerts]);
        }
      }
      for (const tc of alertTests.get(t) ?? []) {
        const gotAlerts = [...(got.get(tc.alertname) ?? [])].sort(compareLabelsAndAnnotations);
        const expAlerts = tc.expAlerts
          .map((a) => ({ labels: LabelSet.from({ ...a.labels, alertname: tc.alertname }), annotations: LabelSet.from(a.annotations) }))
          .sort(compareLabelsAndAnnotations);
        if (!alertsEqual(expAlerts, gotAlerts)) {
          const testName = tg.name !== '' ? `    name: ${tg.name},\n` : '';
          const exp = indentLines(labelsAndAnnotationsString(expAlerts), '            ');
          const gotS = indentLines(labelsAndAnnotationsString(gotAlerts), '            ');
          errs.push(`${testName}    alertname: ${tc.alertname}, time: ${formatDuration(tc.evalTimeMs)}, \n        exp:${exp}, \n        got:${gotS}`);
        }
      }
      curr++;
    }
  }

  const query = engineQueryFunc(engine);
  for (const tc of tg.promqlExprTests) {
    const head = `    expr: ${goQuote(tc.expr)}, time: ${formatDuration(tc.evalTimeMs)}`;
    let got: ParsedSample[];
    try {
      got = (await query(tc.expr, mint + tc.evalTimeMs)).map((s) => ({ labels: s.labels, value: s.v, histogram: '' }));
    } catch (e) {
      errs.push(`${head}, err: ${message(e)}`);
      continue;
    }
    const exp: ParsedSample[] = [];
    let bad: string | undefined;
    for (const s of tc.expSamples) {
      try {
        exp.push({ labels: parseMetric(s.labels), value: s.value, histogram: s.histogram });
      } catch (e) {
        bad = `${head}, err: labels ${goQuote(s.labels)}: ${message(e)}`;
        break;
      }
    }
    if (bad !== undefined) {
      errs.push(bad);
      continue;
    }
    exp.sort((a, b) => compareLabels(a.labels, b.labels));
    got.sort((a, b) => compareLabels(a.labels, b.labels));
    if (!samplesEqual(exp, got, fuzzy)) {
      errs.push(`${head},\n        exp: ${parsedSamplesString(exp)}\n        got: ${parsedSamplesString(got)}`);
    }
  }
  return errs;
}

/** `parser.ParseMetric`: `name{a="b"}`, `{a="b"}` or nothing. */
function parseMetric(text: string): LabelSet {
  if (text.trim() === '') return LabelSet.from({});
  return LabelSet.from(parseSeriesDesc(`${text} 0`).labels);
}
