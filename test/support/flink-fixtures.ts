import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { FlinkConnectError, FlinkHttpError } from '../../src/errors.js';
import { nullLogger } from '../../src/log/logger.js';
import { SelfMetrics } from '../../src/self/metrics.js';
import type { RestGetter } from '../../src/sources/flink/poll-outcome.js';
import { FlinkPoller } from '../../src/sources/flink/poller.js';
import type { PollState } from '../../src/sources/flink/poll-state.js';
import { MemorySeriesStore } from '../../src/store/memory-series-store.js';
import type { StoredSeries } from '../../src/store/types.js';

/** Fixture sets recorded from real clusters by scripts/record-fixtures.sh (see each folder's README). */
export const FIXTURE_VERSIONS = ['1.20.5', '2.3.0'] as const;
export type FixtureVersion = (typeof FIXTURE_VERSIONS)[number];
/** Which recording moment to serve: steady RUNNING, RESTARTING after the TaskManager kill, or RUNNING again. */
export type FixtureMoment = 'steady' | 'restarting' | 'after-restart';

const ROOT = resolve(import.meta.dirname, '../fixtures');

export function fixture<T = unknown>(version: FixtureVersion, file: string): T {
  return JSON.parse(readFileSync(resolve(ROOT, `flink-${version}`, file), 'utf8')) as T;
}

interface IdValue {
  id: string;
}

/** Netty's default initial-line limit in Flink's REST server (reference/flink.md §1.1). */
export const FLINK_MAX_REQUEST_LINE_BYTES = 4096;

/** A synthetic aggregated metric `{id, min, max, sum}` added to a vertex's recorded lists. */
export interface SyntheticAggregate {
  id: string;
  min: number;
  max: number;
  sum: number;
}

/**
 * A RestGetter that answers from recorded responses like the real JobManager would: names without `get`, the
 * requested subset with `get`, and the aggregated endpoint's all-or-nothing `[]` when one requested id is unknown.
 * `overrides` replace an endpoint's answer (by endpoint name) with a thrown error or another body.
 */
export class FixtureRest implements RestGetter {
  readonly calls: string[] = [];
  requestCount = 0;
  moment: FixtureMoment = 'steady';
  overrides = new Map<string, () => unknown>();
  /** Ids removed from the served vertex names/values (simulates a metric that vanished). */
  vanished = new Set<string>();
  down = false;
  /**
   * Ids Flink does not have yet: left out of every names list and `get=` answer until the names of the same path
   * were listed `lateForListings` times (a list discovered while the job starts, growing afterwards).
   */
  lateIds = new Set<string>();
  lateForListings = 1;
  private readonly listings = new Map<string, number>();
  /** Overrides the parallelism of every vertex of `/jobs/:jid` (a synthetic job at another parallelism). */
  parallelism: number | undefined;
  /** Extra ids per vertex index, served in its names list and aggregated answers. */
  extraVertexMetrics = new Map<number, SyntheticAggregate[]>();

  constructor(readonly version: FixtureVersion) {}

  resetRequestCount(): void {
    this.requestCount = 0;
  }

  private file(base: string): string {
    const variant = this.moment === 'steady' ? base : `${base}-${this.moment}`;
    return existsSync(resolve(ROOT, `flink-${this.version}`, `${variant}.json`)) ? `${variant}.json` : `${base}.json`;
  }

  private job(): { vertices: { id: string }[] } {
    return fixture(this.version, 'job.json');
  }

  async getJson(path: string, endpoint: string): Promise<unknown> {
    this.calls.push(path);
    this.requestCount++;
    if (this.down) throw new FlinkConnectError(endpoint, 'connect ECONNREFUSED 127.0.0.1:8081');
    if (`GET ${path} HTTP/1.1`.length > FLINK_MAX_REQUEST_LINE_BYTES) {
      // What Flink answers to a request line over the limit (error-request-line-too-long.json).
      throw new FlinkHttpError(endpoint, 404, JSON.stringify(fixture(this.version, 'error-request-line-too-long.json')));
    }
    const override = this.overrides.get(endpoint);
    if (override) return override();
    const [p, query = ''] = path.split('?');
    const params = new URLSearchParams(query);
    const get = params.get('get');
    const ids = get === null ? undefined : get.split(',');
    const v = this.version;
    const listed = this.listings.get(p ?? '') ?? 0;
    if (!ids) this.listings.set(p ?? '', listed + 1);
    const hidden = (id: string): boolean => this.vanished.has(id) || (this.lateIds.has(id) && listed < this.lateForListings);
    const pick = (namesFile: string, valuesFile: string, allOrNothing: boolean, extra: SyntheticAggregate[] = []): unknown => {
      if (!ids) return [...fixture<IdValue[]>(v, namesFile), ...extra.map((e) => ({ id: e.id }))].filter((m) => !hidden(m.id));
      const values = [...fixture<IdValue[]>(v, valuesFile), ...extra].filter((m) => !hidden(m.id));
      const known = new Set(values.map((m) => m.id));
      if (allOrNothing && ids.some((id) => !known.has(id))) return [];
      return values.filter((m) => ids.includes(m.id));
    };
    let m: RegExpExecArray | null;
    if (p === '/overview') return fixture(v, 'overview.json');
    if (p === '/config') return fixture(v, 'config.json');
    if (p === '/jobs/overview') return fixture(v, this.file('jobs-overview'));
    if (p === '/taskmanagers') return fixture(v, this.moment === 'after-restart' ? 'taskmanagers-after-restart.json' : 'taskmanagers.json');
    if (p === '/jobmanager/metrics') return pick('jobmanager-metrics.json', 'jobmanager-metrics-values.json', false);
    if (/^\/taskmanagers\/[^/]+\/metrics$/.test(p ?? '')) return pick('taskmanager-metrics.json', 'taskmanager-metrics-values.json', false);
    if ((m = /^\/jobs\/([0-9a-f]+)\/vertices\/([0-9a-f]+)\/subtasks\/metrics$/.exec(p ?? ''))) {
      const index = this.job().vertices.findIndex((x) => x.id === m?.[2]);
      return pick(`vertex-${index}-subtasks-metrics.json`, `vertex-${index}-subtasks-metrics-values.json`, true, this.extraVertexMetrics.get(index));
    }
    if ((m = /^\/jobs\/([0-9a-f]+)(\/.*)?$/.exec(p ?? ''))) {
      switch (m[2] ?? '') {
        case '': {
          const detail = fixture<{ vertices: { parallelism: number }[] }>(v, this.file('job'));
          if (this.parallelism !== undefined) for (const x of detail.vertices) x.parallelism = this.parallelism;
          return detail;
        }
        case '/metrics':
          return pick('job-metrics.json', this.moment === 'after-restart' ? 'job-metrics-values-after-restart.json' : 'job-metrics-values.json', false);
        case '/checkpoints':
          return fixture(v, this.moment === 'after-restart' ? 'job-checkpoints-after-restart.json' : 'job-checkpoints.json');
        case '/checkpoints/config':
          return fixture(v, 'job-checkpoints-config.json');
        case '/exceptions':
          return fixture(v, this.moment === 'after-restart' ? 'job-exceptions-after-restart.json' : 'job-exceptions.json');
      }
    }
    throw new Error(`no fixture for ${path}`);
  }
}

/** A FlinkPoller over a FixtureRest with a store and a settable clock; `pollAt(t)` runs one cycle at Unix ms `t`. */
export function fixturePoller(rest: FixtureRest, opts: { pollIntervalMs?: number; staleAfterMs?: number; state?: PollState } = {}) {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  let now = 0;
  const poller = new FlinkPoller({
    rest,
    store,
    self: new SelfMetrics({ processMetrics: false }),
    logger: nullLogger,
    pollIntervalMs: opts.pollIntervalMs ?? 15_000,
    exceptionsIntervalMs: 60_000,
    metricNamesRefreshIntervalMs: 300_000,
    staleAfterMs: opts.staleAfterMs,
    state: opts.state,
    nowMs: () => now,
  });
  return {
    store,
    poller,
    pollAt(t: number) {
      now = t;
      return poller.pollOnce();
    },
    /** Series of the `flink-rest` source, by family, whose newest sample is not a staleness marker. */
    live(family: string): StoredSeries[] {
      return [...store.family(family)].filter((s) => s.source === 'flink-rest' && !s.isStale);
    },
    /** Every `flink-rest` series. */
    all(): StoredSeries[] {
      return [...store.familyNames()].flatMap((f) => [...store.family(f)]).filter((s) => s.source === 'flink-rest');
    },
  };
}

/**
 * A real HTTP server on 127.0.0.1 (free port) answering like a JobManager from `rest` (status 404 with Flink's
 * `{"errors":[…]}` for what `rest` rejects with an HTTP error, 500 for anything else). `close()` stops it.
 */
export async function serveFixtures(rest: FixtureRest): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    rest
      .getJson(path, endpointName(path.split('?')[0] ?? ''))
      .then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)))
      .catch((e: unknown) => {
        const status = e instanceof FlinkHttpError ? e.status : 500;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [String(e)] }));
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The poller's endpoint name of a request path (`/jobs/<jid>/checkpoints` → `/jobs/:jid/checkpoints`). */
export function endpointName(bare: string): string {
  if (bare === '/jobs/overview') return bare;
  return bare
    .replace(/^\/taskmanagers\/[^/]+\/metrics$/, '/taskmanagers/:tmid/metrics')
    .replace(/^\/jobs\/[^/]+\/vertices\/[^/]+\//, '/jobs/:jid/vertices/:vid/')
    .replace(/^\/jobs\/[0-9a-f]+(\/|$)/, '/jobs/:jid$1');
}
