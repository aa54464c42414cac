import type { BridgeConfig } from './config/schema.js';
import { loadConfigFile } from './config/load.js';
import type { WebConfig } from './config/web-config.js';
import { BasicAuthenticator } from './http/basic-auth.js';
import type { Logger } from './log/logger.js';
import { ALL_FAMILIES } from './sources/flink/families.js';
import { SelfMetrics } from './self/metrics.js';
import { SelfSource } from './self/self-source.js';
import { FLINK_REST_SOURCE, FlinkPoller } from './sources/flink/poller.js';
import { carryPollState, type PollState } from './sources/flink/poll-state.js';
import { FlinkRestClient } from './sources/flink/rest-client.js';
import { RemoteWriteReceiver } from './sources/remote-write/receiver.js';
import { RemoteWriteQueue } from './sinks/remote-write/queue.js';
import { MemorySeriesStore } from './store/memory-series-store.js';
import type { SeriesStore } from './store/types.js';
import { createHttpApp } from './http/routes.js';
import { startServer, type RunningServer } from './http/server.js';
import { WindowsStage } from './windows/stage.js';
import { pushSetup, reloadPush, type PushSetup } from './sources/push/setup.js';
import { Engine } from './promql/engine/index.js';
import { apiBuildInfo, redactedConfigYaml } from './http/api/status-info.js';
import { hostname } from 'node:os';
import { IncidentContextCollector } from './notify/incident-context.js';
import { Notifier } from './notify/notifier.js';
import { loadRuleFiles } from './rules/file/index.js';
import { createRuleGroup } from './rules/group.js';
import { RuleManager } from './rules/manager.js';
import { alertStatePath } from './rules/state-file.js';
import { createTemplateExpander } from './rules/template/index.js';
import type { AlertSink, NotifierAlert, RuleGroupOptions, RuleGroupSpec, TemplateExpander } from './rules/types.js';

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
  /** Every command-line flag's value as text, shown by `/api/v1/status/flags`. */
  readonly flags?: Readonly<Record<string, string>>;
  /**
   * `--rules.alert.*` (Prometheus's flags), ms; defaults 1 h, 10 min; `resendDelayMs` overrides
   * `alerting.resend_delay` when given.
   */
  readonly rules?: { readonly forOutageToleranceMs: number; readonly forGracePeriodMs: number; readonly resendDelayMs?: number };
  /** `--web.external-url`; default `http://<hostname>:<listen port>` (Prometheus's default). */
  readonly externalUrl?: string;
}

/** Prometheus's defaults of `--rules.alert.for-outage-tolerance` and `--rules.alert.for-grace-period`. */
export const DEFAULT_FOR_OUTAGE_TOLERANCE_MS = 3_600_000;
export const DEFAULT_FOR_GRACE_PERIOD_MS = 600_000;

/**
 * Samples are kept for the largest window plus Prometheus' default 5 m lookback and two poll intervals, so a
 * windowed rate always sees its whole window and a later PromQL instant query finds its last sample.
 */
export function retentionFor(config: BridgeConfig): number {
  const largestWindow = Math.max(...config.global.windows.map((w) => w.ms));
  return Math.max(largestWindow, 5 * 60_000) + 2 * config.global.pollIntervalMs;
}

/**
 * The windows stage evaluates at most once per half poll interval: each poll (one commit per poll interval, give or
 * take the poll's own duration) is derived at once, and other sources' commits add at most one evaluation between
 * two polls (see WindowsStage).
 */
export function windowsMinIntervalFor(config: BridgeConfig): number {
  return config.global.pollIntervalMs / 2;
}

/** The PromQL engine of a config (`query.*`, `promql.compat`), reading the store. */
function engineFor(config: BridgeConfig, store: SeriesStore): Engine {
  const q = config.query;
  return new Engine({ store, compat: q.compat, timeoutMs: q.timeoutMs, maxSamples: q.maxSamples, lookbackDeltaMs: q.lookbackDeltaMs });
}

/**
 * The sidecar: builds the components from a frozen config and owns their lifecycle. `start()` listens and starts
 * polling; `stop()` finishes the poll in flight, then closes the HTTP server and the REST client; `reload()`
 * re-reads the config and restarts the poller with it (the store and its history stay, and so does the poll state),
 * and reconfigures the push receiver (its groups stay).
 * Stages run in pipeline order (DESIGN.md §1): a source commits, then {@link App.sourceCommitted} runs the
 * derived-windows stage.
 */
export class App {
  readonly store: SeriesStore;
  readonly self: SelfMetrics;
  private readonly selfSource: SelfSource;
  private selfTimer: NodeJS.Timeout | undefined;
  private readonly windows: WindowsStage;
  /** `POST /api/v1/write`; built always, answers 404 while `remote_write_receiver.enabled` is false. */
  readonly remoteWriteReceiver: RemoteWriteReceiver;
  private config: BridgeConfig;
  private client: FlinkRestClient | undefined;
  private poller: FlinkPoller | undefined;
  /** Poll state kept across reloads (exception counts, checkpoint configs, name caches), with the REST URL it is for. */
  private pollState: { readonly state: PollState; readonly restUrl: string } | undefined;
  private server: RunningServer | undefined;
  /** One per `remote_write` entry, started before any source writes so that they see every sample. */
  private queues: RemoteWriteQueue[] = [];
  private readonly log: Logger;
  /** The Pushgateway-compatible receiver; undefined when `push.enabled` is false (a reload reconfigures it but does not create or remove it). */
  readonly push: PushSetup | undefined;
  private engine: Engine;
  private readonly startTime = new Date();
  private lastReloadOk = true;
  /** Rule groups from `rule_files`, evaluated on their intervals (src/rules/manager.ts). */
  readonly rules: RuleManager;
  private readonly templates: TemplateExpander = createTemplateExpander();
  /** Alertmanagers and webhooks of `alerting`; replaced when a reload changes them. */
  private notifier: Notifier;
  /** What the rule groups send to: the current notifier (so a reload does not rebuild the groups). */
  private readonly alertSink: AlertSink = { send: (alerts: readonly NotifierAlert[]) => this.notifier.send(alerts) };

  constructor(private readonly opts: AppOptions) {
    this.config = opts.config;
    this.log = opts.logger.child({ component: 'app' });
    this.store = new MemorySeriesStore({ retentionMs: retentionFor(opts.config) });
    for (const fam of ALL_FAMILIES) this.store.setMetadata(FLINK_REST_SOURCE, fam.name, fam);
    this.engine = engineFor(opts.config, this.store);
    this.self = new SelfMetrics();
    this.selfSource = new SelfSource(this.self, this.store);
    this.windows = new WindowsStage({
      store: this.store,
      self: this.self,
      logger: opts.logger.child({ component: 'windows' }),
      windows: opts.config.global.windows,
      minIntervalMs: windowsMinIntervalFor(opts.config),
    });
    this.push = pushSetup(opts.config.push, {
      store: this.store,
      self: this.self,
      logger: opts.logger.child({ component: 'push' }),
      onCommit: (source, t) => this.sourceCommitted(source, t),
    });
    this.notifier = this.makeNotifier(opts.config);
    this.rules = new RuleManager({
      loadRules: (globs, baseDir) => loadRuleFiles(globs, baseDir, { templates: this.templates }),
      createGroup: (spec: RuleGroupSpec) => createRuleGroup(spec, this.store, this.engine, this.ruleGroupOptions(this.config)),
      statePath: alertStatePath(opts.storagePath),
      logger: opts.logger.child({ component: 'rules' }),
      self: this.self,
    });
    this.remoteWriteReceiver = new RemoteWriteReceiver({
      store: this.store,
      config: opts.config.remoteWriteReceiver,
      logger: opts.logger.child({ component: 'remote-write-receiver' }),
      self: this.self,
      onCommit: (source, t) => this.sourceCommitted(source, t),
    });
  }

  /**
   * The hook every source calls after committing samples to the store (`timestampMs`: the newest sample time of the
   * commit, Unix ms): runs the stages that read what the sources wrote, today the derived windows.
   */
  sourceCommitted(source: string, timestampMs: number): void {
    this.windows.committed(source, timestampMs);
    if (source === FLINK_REST_SOURCE) this.push?.polled(this.poller?.latest);
  }

  /**
   * Copies the self-metrics into the store (the `self` source) at the wall-clock time. Runs before each `/metrics`
   * render and every poll interval, so rules and remote-write see them without a scrape (as Prometheus scrapes
   * itself). Never rejects: a failure is logged.
   */
  collectSelf(): Promise<void> {
    return this.selfSource.collect(Date.now()).then(
      () => undefined,
      (e: unknown) => this.log.error({ err: e instanceof Error ? e.stack : String(e) }, 'collecting self-metrics failed'),
    );
  }

  private startSelfCollection(intervalMs: number): void {
    if (this.selfTimer) clearInterval(this.selfTimer);
    this.selfTimer = setInterval(() => void this.collectSelf(), intervalMs);
    this.selfTimer.unref();
  }

  /** Address the HTTP server listens on (after start). */
  get address(): { host: string; port: number } | undefined {
    return this.server?.address;
  }

  async start(): Promise<void> {
    const webConfig = this.opts.webConfig;
    const users = webConfig?.basicAuthUsers;
    const auth = users !== undefined ? new BasicAuthenticator(users) : undefined;
    // The unknown-user decoy hash is made now, so the first request with an unknown user costs no more than others.
    await auth?.decoyHash();
    const http = createHttpApp({
      store: this.store,
      logger: this.opts.logger.child({ component: 'http' }),
      ready: () => this.poller?.ready ?? false,
      // async: a bcrypt compare (~100 ms on a cache miss) must not stall scrapes and polls on the event loop
      authorize: auth !== undefined ? (h) => auth.check(h) : undefined,
      reload: this.opts.enableLifecycle ? () => this.reload() : undefined,
      beforeRender: () => this.collectSelf(),
      restUrl: () => this.config.flink.restUrl,
      ...(this.push !== undefined ? { push: this.push.http, pushGroupTtlMs: () => this.config.push.groupTtlMs } : {}),
      remoteWrite: this.remoteWriteReceiver,
      api: {
        store: this.store,
        engine: () => this.engine,
        queryTimeoutMs: () => this.config.query.timeoutMs,
        buildInfo: () => apiBuildInfo(this.config.query.compat),
        flags: () => this.opts.flags ?? {},
        configYaml: () => redactedConfigYaml(this.config),
        startTime: this.startTime,
        lastReloadSuccessful: () => this.lastReloadOk,
        ruleGroups: () => this.rules.groups(),
      },
    });
    const { host, port } = this.opts.listenAddress;
    const tlsLog = this.opts.logger.child({ component: 'web' });
    this.server = await startServer(http, host, port, webConfig?.tls, {
      onClientRejected: (reason, remote) => tlsLog.warn({ remote: remote ?? '' }, `TLS connection closed: ${reason}`),
    });
    // Rules load once the port is known (the default external URL has it); a broken rule file fails the start.
    await this.loadRules(this.config);
    this.reloadSucceeded(true);
    this.store.start();
    this.push?.receiver.start();
    this.startQueues(this.config);
    this.notifier.start();
    this.startPoller(this.config);
    this.startSelfCollection(this.config.global.pollIntervalMs);
    await this.rules.start();
    this.log.info(
      { address: `${this.server.address.host}:${this.server.address.port}`, flink: this.config.flink.restUrl, tls: webConfig?.tls !== undefined },
      'listening',
    );
  }

  async stop(): Promise<void> {
    this.log.info({}, 'stopping: finishing the rule evaluations and the poll in flight');
    // Rules first (Prometheus stops its rule manager before the notifier): their last alerts still get sent, and
    // the alert state file is written.
    await this.rules.stop();
    await this.stopPoller();
    if (this.selfTimer) clearInterval(this.selfTimer);
    this.selfTimer = undefined;
    this.windows.stop();
    this.push?.receiver.stop();
    this.store.stop();
    await this.server?.close();
    await this.stopQueues();
    await this.notifier.stop();
    this.server = undefined;
    this.log.info({}, 'stopped');
  }

  /**
   * Re-reads the config and the rule files. On an error in either (ConfigError, RuleFileError) nothing changes —
   * the running config and rules stay — the reload metric goes to 0 and the error is rethrown.
   */
  async reload(): Promise<void> {
    let next: BridgeConfig;
    try {
      next = this.opts.loadConfig ? this.opts.loadConfig() : this.opts.configFile ? loadConfigFile(this.opts.configFile) : this.config;
    } catch (e) {
      this.reloadSucceeded(false);
      throw e;
    }
    // Rules first: a broken rule file must leave everything as it was. New groups are built with the new engine.
    const prevEngine = this.engine;
    const prevConfig = this.config;
    this.engine = engineFor(next, this.store);
    this.config = next;
    try {
      await this.loadRules(next);
    } catch (e) {
      this.engine = prevEngine;
      this.config = prevConfig;
      this.reloadSucceeded(false);
      throw e;
    }
    this.config = prevConfig;
    this.reloadSucceeded(true);
    await this.stopPoller();
    this.config = next;
    this.windows.configure(next.global.windows, windowsMinIntervalFor(next));
    this.store.setRetention(retentionFor(next));
    this.remoteWriteReceiver.configure(next.remoteWriteReceiver);
    // Queues restart with the new config (a batch in flight is sent again: delivery is at least once).
    await this.stopQueues();
    this.startQueues(next);
    reloadPush(this.push, next.push, this.log);
    if (JSON.stringify([prevConfig.alerting, prevConfig.global.externalLabels]) !== JSON.stringify([next.alerting, next.global.externalLabels])) {
      const old = this.notifier;
      this.notifier = this.makeNotifier(next);
      this.notifier.start();
      await old.stop();
    }
    this.startPoller(next);
    this.startSelfCollection(next.global.pollIntervalMs);
    this.log.info({ config: this.opts.configFile ?? '(defaults)' }, 'configuration reloaded');
  }

  /** `--web.external-url`, or Prometheus's default `http://<hostname>:<port>` (the port known once listening). */
  externalURL(): string {
    return this.opts.externalUrl ?? `http://${hostname()}:${this.server?.address.port ?? this.opts.listenAddress.port}`;
  }

  private ruleGroupOptions(config: BridgeConfig): RuleGroupOptions {
    const r = this.opts.rules;
    return {
      defaultIntervalMs: config.global.evaluationIntervalMs,
      defaultQueryOffsetMs: config.global.ruleQueryOffsetMs,
      resendDelayMs: r?.resendDelayMs ?? config.alerting.resendDelayMs,
      forOutageToleranceMs: r?.forOutageToleranceMs ?? DEFAULT_FOR_OUTAGE_TOLERANCE_MS,
      forGracePeriodMs: r?.forGracePeriodMs ?? DEFAULT_FOR_GRACE_PERIOD_MS,
      externalLabels: config.global.externalLabels,
      externalURL: this.externalURL(),
      templates: this.templates,
      sink: this.alertSink,
      incidentContext: new IncidentContextCollector({
        // The current client: a reload replaces it.
        rest: { getJson: (path, endpoint) => (this.client ? this.client.getJson(path, endpoint) : Promise.reject(new Error('the Flink REST client is not running'))) },
        store: this.store,
        lookbackMs: config.query.lookbackDeltaMs,
      }),
    };
  }

  /**
   * What every group is built with besides its own definition: when it changes on reload, every group is rebuilt
   * (taking over its state), because a group keeps the options and the engine it was built with.
   */
  private ruleOptionsFingerprint(config: BridgeConfig): string {
    const o = this.ruleGroupOptions(config);
    return JSON.stringify([o.defaultIntervalMs, o.defaultQueryOffsetMs, o.resendDelayMs, o.externalLabels, o.externalURL, config.query]);
  }

  /** Loads `rule_files` into the rule manager; on error the running groups stay and the reload metric goes to 0. */
  private async loadRules(config: BridgeConfig): Promise<void> {
    await this.rules.load(config.ruleFiles.globs, config.ruleFiles.baseDir, this.ruleOptionsFingerprint(config));
  }

  private makeNotifier(config: BridgeConfig): Notifier {
    return new Notifier({
      config: config.alerting,
      externalLabels: config.global.externalLabels,
      externalURL: this.externalURL(),
      logger: this.opts.logger.child({ component: 'notifier' }),
      self: this.self,
    });
  }

  private reloadSucceeded(ok: boolean): void {
    this.lastReloadOk = ok;
    this.self.configLastReloadSuccessful.set(ok ? 1 : 0);
    if (ok) this.self.configLastReloadSuccessTimestamp.set(Date.now() / 1000);
  }

  private startQueues(config: BridgeConfig): void {
    this.queues = config.remoteWrite.map(
      (rw) =>
        new RemoteWriteQueue({
          config: rw,
          externalLabels: config.global.externalLabels,
          storagePath: this.opts.storagePath,
          store: this.store,
          logger: this.opts.logger.child({ component: 'remote-write', remote: rw.name }),
          self: this.self,
        }),
    );
    for (const q of this.queues) q.start();
  }

  private async stopQueues(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.stop()));
    this.queues = [];
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
      onCommit: (source, t) => this.sourceCommitted(source, t),
      exceptionsIntervalMs: f.exceptionsIntervalMs,
      metricNamesRefreshIntervalMs: f.metricNamesRefreshIntervalMs,
      staleAfterMs: f.staleAfterMs,
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
