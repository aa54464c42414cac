import type { MetricNameCache } from './metric-names.js';
import { chunkMetricIds } from './metric-names.js';
import type { Aggregate, RestGetter } from './poll-outcome.js';
import { aggregatedMetricsSchema, metricListSchema, parseResponse } from './responses.js';
import { parseFlinkNumber } from './values.js';

/** What one cycle shares with every metric fetch. */
export interface MetricFetchContext {
  readonly rest: RestGetter;
  readonly names: MetricNameCache;
  readonly nowMs: number;
  /** Called once per discovery request (the name list without `get`), for the cycle's count. */
  readonly onDiscovery: () => void;
  /** Called with the number of `get=` requests the wanted ids take (chunks), for the cycle's planned count. */
  readonly onPlannedGets: (requests: number) => void;
  /** Called for an empty aggregated answer to cached ids (self-metric). */
  readonly onAggregatedEmpty?: () => void;
}

/** One metric endpoint of one entity. */
export interface MetricRequest {
  /** Path without query, e.g. `/taskmanagers/<id>/metrics`. */
  readonly path: string;
  /** Low-cardinality endpoint name for errors and self-metrics, e.g. `/taskmanagers/:tmid/metrics`. */
  readonly endpoint: string;
  /** Name-cache scope: `jm`, `tm|<tmid>`, `job|<jid>`, `vertex|<jid>|<vid>`. */
  readonly scope: string;
  /** Which listed ids to request. */
  readonly wanted: (name: string, all: ReadonlySet<string>) => boolean;
  /** Ids the entity has once its metrics are all registered; a list lacking one is re-discovered (MetricNameCache). */
  readonly expected?: readonly string[];
}

/** How values are read from one `get=` answer. */
interface Reader<V> {
  readonly query: string;
  /** Flink's aggregated endpoints answer `[]` when one requested id is unknown (reference/flink.md §1.5). */
  readonly allOrNothing: boolean;
  parse(body: unknown, endpoint: string): [string, V][];
}

const plain: Reader<number> = {
  query: '',
  allOrNothing: false,
  parse(body, endpoint) {
    const out: [string, number][] = [];
    for (const m of parseResponse(metricListSchema, body, endpoint)) {
      const v = parseFlinkNumber(m.value);
      if (v !== undefined) out.push([m.id, v]);
    }
    return out;
  },
};

const aggregated: Reader<Aggregate> = {
  query: '&agg=min,max,sum',
  allOrNothing: true,
  parse(body, endpoint) {
    return parseResponse(aggregatedMetricsSchema, body, endpoint).map((m) => [m.id, { min: m.min, max: m.max, sum: m.sum }]);
  },
};

/** Metric id → value of an unaggregated metric endpoint (JobManager, TaskManager, job). */
export function fetchMetricValues(ctx: MetricFetchContext, req: MetricRequest): Promise<Map<string, number>> {
  return discoverThenGet(ctx, req, plain);
}

/** Metric id → aggregate over subtasks of `/jobs/:jid/vertices/:vid/subtasks/metrics` (`agg=min,max,sum`). */
export function fetchVertexAggregates(ctx: MetricFetchContext, req: MetricRequest): Promise<Map<string, Aggregate>> {
  return discoverThenGet(ctx, req, aggregated);
}

/**
 * The one discovery-then-get helper: lists the names of a metric endpoint (cached per scope once settled, see
 * MetricNameCache: re-listed every cycle while the scope is young or lacks an expected id),
 * then requests the wanted listed ids with `get=` (chunked under Flink's request-line limit). For an all-or-nothing
 * endpoint, an empty answer to cached ids means one of them vanished (an operator re-registered after a restart):
 * the scope is re-discovered once and the request retried. Throws the BridgeErrors of `rest.getJson` and
 * FlinkResponseError for a wrong shape.
 */
async function discoverThenGet<V>(ctx: MetricFetchContext, req: MetricRequest, reader: Reader<V>): Promise<Map<string, V>> {
  const { rest, names, nowMs } = ctx;
  const discover = async (): Promise<ReadonlySet<string>> => {
    ctx.onDiscovery();
    const listed = parseResponse(metricListSchema, await rest.getJson(req.path, req.endpoint), req.endpoint);
    return names.set(req.scope, listed.map((m) => m.id), nowMs, req.expected);
  };
  const get = async (all: ReadonlySet<string>, planned: boolean): Promise<{ values: Map<string, V>; emptyChunk: boolean }> => {
    const values = new Map<string, V>();
    let emptyChunk = false;
    const chunks = chunkMetricIds([...all].filter((n) => req.wanted(n, all)));
    if (planned) ctx.onPlannedGets(chunks.length);
    for (const chunk of chunks) {
      const entries = reader.parse(await rest.getJson(`${req.path}?get=${chunk}${reader.query}`, req.endpoint), req.endpoint);
      if (entries.length === 0) emptyChunk = true;
      for (const [id, v] of entries) values.set(id, v);
    }
    return { values, emptyChunk };
  };

  const cached = names.get(req.scope, nowMs);
  let result = await get(cached ?? (await discover()), true);
  if (reader.allOrNothing && result.emptyChunk && cached) {
    ctx.onAggregatedEmpty?.();
    names.invalidate(req.scope);
    result = await get(await discover(), false);
  }
  return result.values;
}
