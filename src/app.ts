import type { BridgeConfig } from './config/schema.js';
import { loadConfigFile } from './config/load.js';
import { checkBasicAuthAsync, type WebConfig } from './config/web-config.js';
import type { Logger } from './log/logger.js';
import { ALL_FAMILIES } from './model/families.js';
import { SelfMetrics } from './self/metrics.js';
import { FlinkPoller } from './sources/flink/poller.js';
import { carryPollState, type PollState } from './sources/flink/poll-state.js';
import { FlinkRestClient } from './sources/flink/rest-client.js';
import { MemorySeriesStore } from './store/memory-series-store.js';
import type { SeriesStore } from './store/types.js';
import { createHttpApp } from './http/routes.js';
import { startServer, type RunningServer } from './http/server.js';

export interface AppOptions {
  readonly config: BridgeConfig;
  readonly listenAddress: { readonly host: string; readonly port: number };
  readonly webConfig?: WebConfig;
  readonly enableLifecycle: boolean;
  readonly storagePath: string;
  readonly logger: Logger;
  readonly configFile?: string;
  /** How `/-/reload` and SIGHUP rebuild the config (the CLI passes one that re-applies flag overrides). */
  readonly loadConfig?: () => BridgeConfig;
}

/**
 * Samples are kept for the largest window plus Prometheus' default 5 m lookback and two poll intervals, so a
 * windowed rate always sees its whole window and a later PromQL instant query finds its last sample.
 */
export function retentionFor(config: BridgeConfig): number {
  const largestWindow = Math.max(...config.global.windows.map((w) => w.ms));
  return Math.max(largestWindow, 5 * 60_000) + 2 * config.global.pollIntervalMs;
}

/**
 * The sidecar: builds the components from a frozen config and owns their lifecycle. `start()` listens and starts
 * polling; `stop()` finishes the poll in flight, then closes the HTTP server and the REST client; `reload()`
 * re-reads the config and restarts the poller with it (the store and its history stay, and so does the poll state).
 */
export class App {
  readonly store: SeriesStore;
  readonly self: SelfMetrics;
  private config: BridgeConfig;
  private client: FlinkRestClient | undefined;
  private poller: FlinkPoller | undefined;
  /** Poll state kept across reloads (exception counts, checkpoint configs, name caches), with the REST URL it is for. */
  private pollState: { readonly state: PollState; readonly restUrl: string } | undefined;
  private server: RunningServer | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: AppOptions) {
    this.config = opts.config;
    this.log = opts.logger.child({ component: 'app' });
    this.store = new MemorySeriesStore({ retentionMs: retentionFor(opts.config) });
    for (const fam of ALL_FAMILIES) this.store.setMetadata(fam.name, fam);
    this.self = new SelfMetrics();
  }

  /** Address the HTTP server listens on (after start). */
  get address(): { host: string; port: number } | undefined {
    return this.server?.address;
  }

  async start(): Promise<void> {
    const webConfig = this.opts.webConfig;
    const http = createHttpApp({
      store: this.store,
      self: this.self,
      logger: this.opts.logger.child({ component: 'http' }),
      ready: () => this.poller?.ready ?? false,
      // async: a bcrypt compare (~100 ms on a cache miss) must not stall scrapes and polls on the event loop
      authorize: webConfig?.basicAuthUsers ? (h) => checkBasicAuthAsync(webConfig, h) : undefined,
      reload: this.opts.enableLifecycle ? () => this.reload() : undefined,
      status: () => {
        const latest = this.poller?.latest;
        return {
          flinkUp: latest?.reachable ?? false,
          restUrl: this.config.flink.restUrl,
          version: latest?.config?.['flink-version'],
          jobs: latest?.jobsOverview?.jobs.length ?? 0,
        };
      },
    });
    const { host, port } = this.opts.listenAddress;
    this.server = await startServer(http, host, port, webConfig?.tls);
    this.startPoller(this.config);
    this.log.info(
      { address: `${this.server.address.host}:${this.server.address.port}`, flink: this.config.flink.restUrl, tls: webConfig?.tls !== undefined },
      'listening',
    );
  }

  async stop(): Promise<void> {
    this.log.info({}, 'stopping: finishing the poll in flight');
    await this.stopPoller();
    await this.server?.close();
    this.server = undefined;
    this.log.info({}, 'stopped');
  }

  /** Re-reads the config; on error keeps the running config and rethrows (ConfigError). */
  async reload(): Promise<void> {
    const next = this.opts.loadConfig ? this.opts.loadConfig() : this.opts.configFile ? loadConfigFile(this.opts.configFile) : this.config;
    await this.stopPoller();
    this.config = next;
    this.startPoller(next);
    this.log.info({ config: this.opts.configFile ?? '(defaults)' }, 'configuration reloaded');
  }

  private startPoller(config: BridgeConfig): void {
    const f = config.flink;
    this.client = new FlinkRestClient(
      {
        restUrl: f.restUrl,
        timeoutMs: f.timeoutMs,
        concurrency: f.concurrency,
        retries: f.retries,
        retryBackoffMs: f.retryBackoffMs,
        basicAuth: f.basicAuth,
        authorization: f.authorization,
        tls: f.tls,
      },
      this.self,
    );
    this.poller = new FlinkPoller({
      rest: this.client,
      store: this.store,
      self: this.self,
      logger: this.opts.logger.child({ component: 'flink-poller' }),
      pollIntervalMs: config.global.pollIntervalMs,
      windows: config.global.windows,
      exceptionsIntervalMs: f.exceptionsIntervalMs,
      metricNamesRefreshIntervalMs: f.metricNamesRefreshIntervalMs,
      // flink.stale_after comes with the config engineer's branch; until then its default.
      staleAfterMs: (f as { readonly staleAfterMs?: number }).staleAfterMs ?? 3 * config.global.pollIntervalMs,
      state:
        this.pollState &&
        carryPollState(this.pollState.state, {
          metricNamesRefreshIntervalMs: f.metricNamesRefreshIntervalMs,
          restUrlChanged: this.pollState.restUrl !== f.restUrl,
        }),
    });
    this.pollState = { state: this.poller.pollState, restUrl: f.restUrl };
    this.poller.start();
  }

  private async stopPoller(): Promise<void> {
    await this.poller?.stop();
    await this.client?.close();
    this.poller = undefined;
    this.client = undefined;
  }
}
