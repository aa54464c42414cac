/**
 * The Prometheus HTTP query API under `/api/v1` (`web/api/v1/api.go` at v0.316.0): instant and range queries,
 * series / labels / label values / metadata, parse_query, format_query, empty exemplars and the status pages.
 * GET and POST (`application/x-www-form-urlencoded`); answers as `response.ts`; a client that goes away aborts its
 * query (the engine sees the AbortSignal and the answer is `canceled`).
 */
import express, { type Request, type Response, type Router } from 'express';
import { ApiBadDataError } from '../../errors.js';
import type { Engine } from '../../promql/engine/index.js';
import { compareLabels } from '../../promql/engine/labels.js';
import { formatExpr, parseExpr } from '../../promql/parser/index.js';
import { documentedType, exprType } from '../../promql/ast.js';
import type { LabelSet } from '../../model/labels.js';
import type { SeriesStore } from '../../store/types.js';
import { formValue, formValues } from './form.js';
import { parseMatchSets } from './matchers.js';
import { API_MAX_TIME_MS, API_MIN_TIME_MS, invalidParam, parseDurationParam, parseLimit, parseTime, timeParam, timeoutParam } from './params.js';
import { jsonQueryData, queryParamError, sendError, sendRawSuccess, sendSuccess } from './response.js';
import type { Value } from '../../promql/value.js';
import type { RuleGroupRunner } from '../../rules/types.js';
import { alertsData, rulesData } from './rules.js';

/** Prometheus's cap on the points of one series in a range query (`(end − start) / step > 11000` is refused). */
export const MAX_RANGE_POINTS = 11_000;
const TRUNCATED = 'results truncated due to limit';
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What the API reads; the app wires it. Functions, so that a config reload takes effect at the next request. */
export interface ApiDeps {
  readonly store: SeriesStore;
  /** The engine built from `query.*` and `promql.compat`. */
  readonly engine: () => Engine;
  /** `query.timeout`, ms: the default and the cap of the `timeout` parameter. */
  readonly queryTimeoutMs: () => number;
  /** `/status/buildinfo` data (Prometheus's field names). */
  readonly buildInfo: () => Readonly<Record<string, string>>;
  /** `/status/flags`: flag name (without `--`) → value as text. */
  readonly flags: () => Readonly<Record<string, string>>;
  /** `/status/config`: the effective configuration as YAML text. */
  readonly configYaml: () => string;
  /** `/status/runtimeinfo` extras, e.g. the last reload. */
  readonly startTime: Date;
  readonly lastReloadSuccessful?: () => boolean;
  /** The rule manager's groups, ordered by file and name (`/rules`, `/alerts`); absent: no rules. */
  readonly ruleGroups?: () => readonly RuleGroupRunner[];
}

type Handler = (req: Request, res: Response, signal: AbortSignal) => Promise<void> | void;

/** Builds the `/api/v1` router (mount it at `/api/v1`). */
export function createApiRouter(deps: ApiDeps): Router {
  const r = express.Router();
  r.use(express.urlencoded({ extended: false, limit: '10mb' }));
  const route = (path: string, h: Handler, methods: readonly ('get' | 'post')[] = ['get', 'post']): void => {
    const wrapped = async (req: Request, res: Response): Promise<void> => {
      const ac = new AbortController();
      // 'close' on the response fires when the client goes away before we answered (and after we answered: harmless).
      res.on('close', () => ac.abort());
      try {
        await h(req, res, ac.signal);
      } catch (e) {
        if (!res.headersSent) sendError(res, e);
      }
    };
    for (const m of methods) r[m](path, wrapped);
  };

  route('/query', async (req, res, signal) => {
    const limit = paramLimit(req);
    const t = timeParam(formValue(req, 'time'), 'time', Date.now());
    const timeoutMs = timeoutParam(formValue(req, 'timeout'), deps.queryTimeoutMs());
    const lookbackDeltaMs = lookbackParam(req);
    const engine = deps.engine();
    const text = formValue(req, 'query') ?? '';
    let expr;
    try {
      expr = engine.parse(text);
    } catch (e) {
      throw queryParamError(e);
    }
    const result = await engine.instantQuery(expr, t, { timeoutMs, signal, queryText: text, ...(lookbackDeltaMs !== undefined ? { lookbackDeltaMs } : {}) });
    const { value, truncated } = truncate(result.value, limit);
    sendRawSuccess(res, jsonQueryData(value), truncated ? [...result.warnings, TRUNCATED] : result.warnings, result.infos);
  });

  route('/query_range', async (req, res, signal) => {
    const limit = paramLimit(req);
    const start = requiredTime(req, 'start');
    const end = requiredTime(req, 'end');
    if (end < start) throw invalidParam('end', new Error('end timestamp must not be before start time'));
    let step: number;
    try {
      step = parseDurationParam(formValue(req, 'step') ?? '');
    } catch (e) {
      throw invalidParam('step', e);
    }
    if (!(step > 0)) throw invalidParam('step', new Error('zero or negative query resolution step widths are not accepted. Try a positive integer'));
    if (Math.trunc((end - start) / step) > MAX_RANGE_POINTS) {
      throw new ApiBadDataError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    }
    const timeoutMs = timeoutParam(formValue(req, 'timeout'), deps.queryTimeoutMs());
    const lookbackDeltaMs = lookbackParam(req);
    const engine = deps.engine();
    const text = formValue(req, 'query') ?? '';
    let expr;
    try {
      expr = engine.parse(text);
    } catch (e) {
      throw queryParamError(e);
    }
    // Prometheus checks the type when it builds the range query (`NewRangeQuery`): a bad parameter, not an execution error.
    const type = exprType(expr);
    if (type !== 'scalar' && type !== 'vector') {
      throw invalidParam('query', new Error(`invalid expression type "${documentedType(type)}" for range query, must be Scalar or instant Vector`));
    }
    const result = await engine.rangeQuery(expr, start, end, step, { timeoutMs, signal, queryText: text, ...(lookbackDeltaMs !== undefined ? { lookbackDeltaMs } : {}) });
    const { value, truncated } = truncate({ type: 'matrix', matrix: result.value }, limit);
    sendRawSuccess(res, jsonQueryData(value), truncated ? [...result.warnings, TRUNCATED] : result.warnings, result.infos);
  });

  route('/query_exemplars', (req, res) => {
    // The sidecar stores no exemplars; the parameters are still checked as Prometheus does.
    const start = timeParam(formValue(req, 'start'), 'start', API_MIN_TIME_MS);
    const end = timeParam(formValue(req, 'end'), 'end', API_MAX_TIME_MS);
    if (end < start) throw invalidParam('end', new Error('end timestamp must not be before start time'));
    try {
      parseExpr(formValue(req, 'query') ?? '');
    } catch (e) {
      throw queryParamError(e);
    }
    sendSuccess(res, []);
  });

  route('/series', (req, res) => {
    const limit = paramLimit(req);
    const matches = formValues(req, 'match[]');
    if (matches.length === 0) throw new ApiBadDataError('no match[] parameter provided');
    const sets = parseMatchSets(matches);
    const { start, end } = timeRange(req);
    const q = deps.store.querier(start, end);
    // Stored series are unique by label set already; several match[] sets may select one twice (by instance).
    const seen = new Set<LabelSet>();
    for (const ms of sets) for (const s of q.select(ms)) seen.add(s.series.labels);
    let out = [...seen].sort(compareLabels).map((l) => l.toRecord());
    const warnings: string[] = [];
    if (limit > 0 && out.length > limit) {
      out = out.slice(0, limit);
      warnings.push(TRUNCATED);
    }
    sendSuccess(res, out, warnings);
  });

  route('/labels', (req, res) => {
    const limit = paramLimit(req);
    const sets = parseMatchSets(formValues(req, 'match[]'));
    const { start, end } = timeRange(req);
    const q = deps.store.querier(start, end);
    const names = new Set<string>();
    if (sets.length === 0) for (const n of q.labelNames()) names.add(n);
    for (const ms of sets) for (const n of q.labelNames(ms)) names.add(n);
    sendLimited(res, [...names].sort(compareStrings), limit);
  });

  r.get('/label/:name/values', labelValues);
  async function labelValues(req: Request, res: Response): Promise<void> {
    try {
      const name = String(req.params['name'] ?? '');
      // Prometheus 3.x: `U__` + escaped UTF-8 names (`model.UnescapeName`) are not supported here; plain names only.
      if (!LABEL_NAME_RE.test(name)) throw new ApiBadDataError(`invalid label name: ${JSON.stringify(name)}`);
      const limit = paramLimit(req);
      const sets = parseMatchSets(formValues(req, 'match[]'));
      const { start, end } = timeRange(req);
      const q = deps.store.querier(start, end);
      const values = new Set<string>();
      if (sets.length === 0) for (const v of q.labelValues(name)) values.add(v);
      for (const ms of sets) for (const v of q.labelValues(name, ms)) values.add(v);
      sendLimited(res, [...values].sort(compareStrings), limit);
    } catch (e) {
      sendError(res, e);
    }
  }

  route('/metadata', (req, res) => {
    const limit = paramLimit(req);
    const perMetric = (() => {
      try {
        return parseLimit(formValue(req, 'limit_per_metric'));
      } catch {
        throw new ApiBadDataError('invalid parameter "limit_per_metric"');
      }
    })();
    const metric = formValue(req, 'metric');
    const out: Record<string, { type: string; help: string; unit: string }[]> = {};
    let n = 0;
    for (const name of deps.store.familyNames().sort(compareStrings)) {
      if (metric !== undefined && metric !== '' && name !== metric) continue;
      const md = deps.store.metadata(name);
      if (md === undefined) continue;
      if (limit > 0 && n >= limit) break;
      const list = [{ type: md.type, help: md.help, unit: md.unit ?? '' }];
      out[name] = perMetric > 0 ? list.slice(0, perMetric) : list;
      n++;
    }
    sendSuccess(res, out);
  });

  route('/parse_query', (req, res) => {
    try {
      sendSuccess(res, stripPositions(parseExpr(formValue(req, 'query') ?? '')));
    } catch (e) {
      throw queryParamError(e);
    }
  });

  // GET only, as Prometheus registers them (`r.Get("/rules")`, `r.Get("/alerts")`).
  route(
    '/rules',
    (req, res) => {
      const one = (name: string): string => formValue(req, name) ?? '';
      const data = rulesData(deps.ruleGroups?.() ?? [], {
        ruleNames: formValues(req, 'rule_name[]'),
        ruleGroups: formValues(req, 'rule_group[]'),
        files: formValues(req, 'file[]'),
        matchSets: parseMatchSets(formValues(req, 'match[]')),
        type: one('type'),
        excludeAlerts: one('exclude_alerts'),
        groupLimit: one('group_limit'),
        groupNextToken: one('group_next_token'),
      });
      sendSuccess(res, data);
    },
    ['get'],
  );
  route('/alerts', (_req, res) => sendSuccess(res, alertsData(deps.ruleGroups?.() ?? [])), ['get']);

  route('/format_query', (req, res) => {
    try {
      sendSuccess(res, formatExpr(parseExpr(formValue(req, 'query') ?? '')));
    } catch (e) {
      throw queryParamError(e);
    }
  });

  r.get('/status/buildinfo', (_req, res) => sendSuccess(res, deps.buildInfo()));
  r.get('/status/flags', (_req, res) => sendSuccess(res, deps.flags()));
  r.get('/status/config', (_req, res) => sendSuccess(res, { yaml: deps.configYaml() }));
  r.get('/status/runtimeinfo', (_req, res) => {
    const mem = process.memoryUsage();
    sendSuccess(res, {
      startTime: deps.startTime.toISOString(),
      CWD: process.cwd(),
      reloadConfigSuccess: deps.lastReloadSuccessful?.() ?? true,
      lastConfigTime: deps.startTime.toISOString(),
      corruptionCount: 0,
      goroutineCount: 0,
      GOMAXPROCS: 0,
      GOMEMLIMIT: mem.heapTotal,
      GOGC: '',
      GODEBUG: '',
      storageRetention: '',
    });
  });
  return r;
}

function requiredTime(req: Request, name: string): number {
  try {
    return parseTime(formValue(req, name) ?? '');
  } catch (e) {
    throw invalidParam(name, e);
  }
}

function paramLimit(req: Request): number {
  return parseLimit(formValue(req, 'limit'));
}

function lookbackParam(req: Request): number | undefined {
  const v = formValue(req, 'lookback_delta');
  if (v === undefined || v === '') return undefined;
  try {
    const ms = parseDurationParam(v);
    // Prometheus treats 0 as "use the engine's default".
    return ms > 0 ? ms : undefined;
  } catch (e) {
    throw new ApiBadDataError(`error parsing lookback delta duration: ${(e as Error).message}`);
  }
}

function timeRange(req: Request): { start: number; end: number } {
  const start = timeParam(formValue(req, 'start'), 'start', API_MIN_TIME_MS);
  const end = timeParam(formValue(req, 'end'), 'end', API_MAX_TIME_MS);
  return { start, end };
}

function sendLimited(res: Response, list: string[], limit: number): void {
  if (limit > 0 && list.length > limit) sendSuccess(res, list.slice(0, limit), [TRUNCATED]);
  else sendSuccess(res, list);
}

/** Go's `sort.Strings`: byte order of UTF-8, which for strings without surrogates is UTF-16 code-unit order. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `truncateResults`: a vector or matrix keeps its first `limit` series. */
function truncate(v: Value, limit: number): { value: Value; truncated: boolean } {
  if (limit <= 0) return { value: v, truncated: false };
  if (v.type === 'vector' && v.vector.length > limit) return { value: { type: 'vector', vector: v.vector.slice(0, limit) }, truncated: true };
  if (v.type === 'matrix' && v.matrix.length > limit) return { value: { type: 'matrix', matrix: v.matrix.slice(0, limit) }, truncated: true };
  return { value: v, truncated: false };
}

/** Our AST without the `pos` fields (Prometheus's parse_query keeps no positions either). */
function stripPositions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripPositions);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'pos') out[k] = stripPositions(v);
  return out;
}
