#!/usr/bin/env node
/**
 * Command line, in Prometheus exporter style (`--config.file=PATH` and `--config.file PATH` both work):
 *
 * ```
 * flink-prometheus-bridge [--config.file=PATH] [--flink.rest-url=URL] [--web.listen-address=HOST:PORT]
 *                         [--web.config.file=PATH] [--web.enable-lifecycle] [--storage.path=DIR]
 *                         [--log.level=debug|info|warn|error] [--log.format=logfmt|json]
 * flink-prometheus-bridge check config PATH...
 * flink-prometheus-bridge check rules [--lint=duplicate-rules] [--lint-fatal] [--ignore-unknown-fields] [PATH...]
 * flink-prometheus-bridge test rules [--run=REGEXP]... [--ignore-unknown-fields] [--junit=FILE] FILE...   (promtool test rules)
 * flink-prometheus-bridge version
 * ```
 * Exit codes: 0 success (and after a clean shutdown on SIGTERM/SIGINT), 1 for a bad flag, config, web config or
 * a failed start/stop; `check rules` uses promtool's (0, 1, and 3 for lint findings with `--lint-fatal`). All logic is in `runCli`, so tests drive it with fake streams, exit and signals.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { AppOptions } from './app.js';
import { DEFAULT_LISTEN_ADDRESS, DEFAULT_STORAGE_PATH } from './config/defaults.js';
import { DEFAULT_REST_URL } from './config/sections/flink.js';
import type { QueryOverrides } from './config/sections/query.js';
import { checkHttpUrl } from './config/fields.js';
import { configWarnings, defaultConfig, loadConfigFile } from './config/load.js';
import type { ConfigOverrides } from './config/load.js';
import type { BridgeConfig } from './config/schema.js';
import { reservedKeyWarning, reservedKeyWarnings } from './config/sections/global.js';
import { formatDuration, parseDuration } from './config/duration.js';
import { loadWebConfig } from './config/web-config.js';
import type { WebConfig } from './config/web-config.js';
import { CliError } from './errors.js';
import { checkPathsExist, checkRules } from './rules/file/check.js';
import { createTemplateExpander } from './rules/template/index.js';
import { testRules } from './rules/unit-test/run.js';
import type { TemplateExpander } from './rules/types.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS } from './log/logger.js';
import type { LogFormat, Logger, LogLevel } from './log/logger.js';

export const PROGRAM_NAME = 'flink-prometheus-bridge';

/** Where the CLI writes and how it ends the process. `exit` may return (in tests); the CLI stops after it. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly exit: (code: number) => void;
}

/** What the CLI needs from the app: the `App` contract of `src/app.ts` (`reload` used for SIGHUP when present). */
export interface RunnableApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  reload?(): Promise<void>;
}

/** Constructor of the app (`App` from `src/app.ts`, or a fake in tests). */
export type AppConstructor = new (opts: AppOptions) => RunnableApp;

/** Something signals can be subscribed on (`process` by default). */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT' | 'SIGHUP', handler: () => void): unknown;
}

/** Injection points for tests. */
export interface CliDeps {
  /** Loads the `App` class; default: `import('./app.js')` (loaded only by the run command). */
  readonly loadApp?: () => Promise<AppConstructor>;
  /** Default: `process`. */
  readonly signals?: SignalSource;
  /** Reads all of standard input (`check rules` without paths); default: file descriptor 0. */
  readonly readStdin?: () => Uint8Array;
  /** Template checker for `check rules`; default: the Go text/template parser of `rules/template/`. */
  readonly templates?: TemplateExpander;
}

/** A parsed `--web.listen-address`. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces, `0.0.0.0`). Port 0..65535 (0 = any free port).
 * @throws CliError (`FPB_ERR_CLI`) for anything else
 */
export function parseListenAddress(value: string): ListenAddress {
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(value);
  if (bracketed !== null) {
    host = bracketed[1] as string;
    portText = bracketed[2] as string;
    if (host === '') throw new CliError(`"${value}": empty IPv6 address`);
  } else {
    const colon = value.lastIndexOf(':');
    if (colon < 0) throw new CliError(`"${value}": missing port (expected HOST:PORT, e.g. ${DEFAULT_LISTEN_ADDRESS})`);
    host = value.slice(0, colon);
    portText = value.slice(colon + 1);
    if (host.includes(':')) throw new CliError(`"${value}": IPv6 addresses must be in brackets, e.g. [::1]:9275`);
    if (/[\s/[\]]/.test(host)) throw new CliError(`"${value}": invalid host`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new CliError(`"${value}": port must be a number from 0 to 65535`);
  }
  return { host: host === '' ? '0.0.0.0' : host, port: Number(portText) };
}

/** Writes the JUnit report (`failed to write JUnit XML: …` on stderr when it cannot, like promtool). */
function writeJunit(path: string, xml: string, io: CliIo): void {
  try {
    writeFileSync(path, xml);
  } catch (err) {
    io.stderr.write(`failed to write JUnit XML: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

/** `name, version X` plus node version and platform, like Prometheus' `--version`. */
export function versionText(): string {
  const { name, version } = packageInfo();
  return [
    `${name}, version ${version}`,
    `  node version:     ${process.version}`,
    `  platform:         ${process.platform}/${process.arch}`,
    '',
  ].join('\n');
}

function packageInfo(): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as unknown;
    if (pkg !== null && typeof pkg === 'object') {
      const { name, version } = pkg as { name?: unknown; version?: unknown };
      return {
        name: typeof name === 'string' ? name : PROGRAM_NAME,
        version: typeof version === 'string' ? version : 'unknown',
      };
    }
  } catch {
    // fall through
  }
  return { name: PROGRAM_NAME, version: 'unknown' };
}

interface RunFlags {
  readonly configFile?: string;
  readonly restUrl?: string;
  readonly listenAddress: ListenAddress;
  readonly webConfigFile?: string;
  readonly enableLifecycle: boolean;
  readonly storagePath: string;
  /** `--storage.path` was given on the command line (not the default). */
  readonly storagePathGiven: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** `--query.*` and `--promql.compat`, as given (validated with the config). */
  readonly query: QueryOverrides;
  /** Every flag's effective value as text, for `/api/v1/status/flags`. */
  readonly flagValues: Readonly<Record<string, string>>;
  /** `--rules.alert.*`, ms (resend delay only when given: it overrides `alerting.resend_delay`). */
  readonly rules: { readonly forOutageToleranceMs: number; readonly forGracePeriodMs: number; readonly resendDelayMs?: number };
  /** `--web.external-url`, when given. */
  readonly externalUrl?: string;
}

/** `--web.external-url`: an absolute http(s) URL; the trailing slash of its path is dropped (as Prometheus does). */
function parseExternalUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new CliError(`"${value}" is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`"${value}" is not an http or https URL`);
  return value.replace(/\/+$/, '');
}

function commanderParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
    }
  };
}

function parseRestUrlFlag(value: string): string {
  const r = checkHttpUrl(value);
  if (!r.ok) throw new CliError(r.message);
  return r.url;
}

/**
 * Runs the command line.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`)
 * @returns when the command is done; for the run command, once the app has started (the process then lives on
 *          until a signal). Exit codes go through `io.exit`: 0 for success, help and version; 1 for errors.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<void> {
  let exitCode: number | undefined;
  const program = new Command(PROGRAM_NAME);
  program
    .description('Polls the Flink REST API and serves Prometheus /metrics.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show help');

  const opt = {
    configFile: new Option('--config.file <path>', 'config file (YAML); without it built-in defaults are used'),
    restUrl: new Option('--flink.rest-url <url>', `Flink REST API base URL; overrides flink.rest_url (default: ${DEFAULT_REST_URL})`).argParser(
      commanderParser(parseRestUrlFlag),
    ),
    listenAddress: new Option('--web.listen-address <host:port>', 'address to serve /metrics and the API on')
      .argParser(commanderParser(parseListenAddress))
      .default(parseListenAddress(DEFAULT_LISTEN_ADDRESS), DEFAULT_LISTEN_ADDRESS),
    webConfigFile: new Option('--web.config.file <path>', 'exporter-toolkit web config file (TLS and basic auth)'),
    enableLifecycle: new Option('--web.enable-lifecycle', 'enable POST /-/reload').default(false),
    storagePath: new Option('--storage.path <dir>', 'directory for on-disk state (the remote_write queues\' durable logs, in remote-write/<name>/)').default(
      DEFAULT_STORAGE_PATH,
    ),
    logLevel: new Option('--log.level <level>', 'only log records of this level or above').choices(LOG_LEVELS).default('info'),
    logFormat: new Option('--log.format <format>', 'log line format').choices(LOG_FORMATS).default('logfmt'),
    queryTimeout: new Option('--query.timeout <duration>', 'maximum time a query may take; overrides query.timeout (default: 2m)'),
    queryMaxSamples: new Option('--query.max-samples <n>', 'maximum samples a query may hold in memory; overrides query.max_samples (default: 50000000)'),
    queryLookbackDelta: new Option('--query.lookback-delta <duration>', 'how far back an instant selector looks; overrides query.lookback_delta (default: 5m)'),
    promqlCompat: new Option('--promql.compat <2|3>', 'PromQL semantics of Prometheus 3.x ("3") or 2.x ("2"); overrides promql.compat (default: 3)'),
    forOutageTolerance: new Option('--rules.alert.for-outage-tolerance <duration>', 'max time to tolerate a sidecar outage for restoring "for" state of alerts')
      .argParser(commanderParser(parseDuration))
      .default(parseDuration('1h'), '1h'),
    forGracePeriod: new Option('--rules.alert.for-grace-period <duration>', 'minimum duration between alert and restored "for" state; kept only for alerts with a configured "for" longer than this')
      .argParser(commanderParser(parseDuration))
      .default(parseDuration('10m'), '10m'),
    resendDelay: new Option('--rules.alert.resend-delay <duration>', 'minimum time to wait before resending an alert to Alertmanager; overrides alerting.resend_delay (default: 1m)').argParser(
      commanderParser(parseDuration),
    ),
    externalUrl: new Option('--web.external-url <url>', 'the URL the sidecar is reachable at (alerts\' generatorURL, templates\' externalURL); default: http://<hostname>:<port>').argParser(
      commanderParser(parseExternalUrl),
    ),
    version: new Option('--version', 'print version information and exit'),
  };
  for (const o of Object.values(opt)) program.addOption(o);
  const value = <T>(o: Option): T => program.getOptionValue(o.attributeName()) as T;

  program.action(async () => {
    if (program.args.length > 0) {
      program.error(`error: unknown command '${program.args[0] ?? ''}'`);
    }
    if (value<boolean | undefined>(opt.version) === true) {
      io.stdout.write(versionText());
      exitCode = 0;
      return;
    }
    const configFile = value<string | undefined>(opt.configFile);
    const restUrl = value<string | undefined>(opt.restUrl);
    const webConfigFile = value<string | undefined>(opt.webConfigFile);
    exitCode = await runApp(
      {
        ...(configFile !== undefined ? { configFile } : {}),
        ...(restUrl !== undefined ? { restUrl } : {}),
        ...(webConfigFile !== undefined ? { webConfigFile } : {}),
        listenAddress: value<ListenAddress>(opt.listenAddress),
        enableLifecycle: value<boolean>(opt.enableLifecycle),
        storagePath: value<string>(opt.storagePath),
        storagePathGiven: program.getOptionValueSource(opt.storagePath.attributeName()) === 'cli',
        logLevel: value<LogLevel>(opt.logLevel),
        logFormat: value<LogFormat>(opt.logFormat),
        rules: {
          forOutageToleranceMs: value<number>(opt.forOutageTolerance),
          forGracePeriodMs: value<number>(opt.forGracePeriod),
          ...optional('resendDelayMs', value<number | undefined>(opt.resendDelay)),
        },
        ...optional('externalUrl', value<string | undefined>(opt.externalUrl)),
        query: {
          ...optional('timeout', value<string | undefined>(opt.queryTimeout)),
          ...optional('maxSamples', value<string | undefined>(opt.queryMaxSamples)),
          ...optional('lookbackDelta', value<string | undefined>(opt.queryLookbackDelta)),
          ...optional('compat', value<string | undefined>(opt.promqlCompat)),
        },
        flagValues: Object.fromEntries(
          Object.values(opt)
            .filter((o) => o.long !== '--version')
            .map((o) => {
              const v = program.getOptionValue(o.attributeName()) as unknown;
              const durationFlag = o === opt.forOutageTolerance || o === opt.forGracePeriod || o === opt.resendDelay;
              const text = v === undefined ? '' : durationFlag && typeof v === 'number' ? formatDuration(v) : typeof v === 'object' && v !== null && 'host' in v && 'port' in v ? `${String(v.host)}:${String(v.port)}` : String(v);
              return [(o.long ?? '').replace(/^--/, ''), text];
            }),
        ),
      },
      io,
      deps,
    );
  });

  const check = program.command('check').description('check files without running');
  check
    .command('config')
    .description('check config files; prints SUCCESS or the errors')
    .argument('<path...>', 'config files')
    .action((paths: string[]) => {
      exitCode = checkConfigFiles(paths, io);
    });

  check
    .command('rules')
    .description('check rule files like promtool check rules; reads standard input when no path is given')
    .argument('[path...]', 'rule files')
    .option('--lint <checks>', 'linting checks to apply: all, duplicate-rules, none (comma-separated)', 'duplicate-rules')
    .option('--lint-fatal', 'make lint findings exit with code 3', false)
    .option('--ignore-unknown-fields', 'ignore unknown fields in the rule files', false)
    .action((paths: string[], o: { lint: string; lintFatal: boolean; ignoreUnknownFields: boolean }) => {
      // promtool (kingpin `ExistingFiles`) refuses missing paths and directories before checking anything.
      const missing = checkPathsExist(paths);
      if (missing !== undefined) {
        io.stderr.write(`${PROGRAM_NAME}: error: ${missing}, try --help\n`);
        exitCode = 1;
        return;
      }
      exitCode = checkRules(
        paths,
        {
          lint: o.lint,
          lintFatal: o.lintFatal,
          ignoreUnknownFields: o.ignoreUnknownFields,
          templates: deps.templates ?? createTemplateExpander(),
        },
        { stdout: io.stdout, stderr: io.stderr, readStdin: deps.readStdin ?? (() => readFileSync(0)) },
      );
    });

  const test = program.command('test').description('unit tests');
  test
    .command('rules')
    .description("unit tests for rules, promtool's unit-test file format")
    .argument('<test-rule-file...>', 'the unit test files')
    .option('--run <regexp>', 'only run test groups whose names match the regular expression (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--ignore-unknown-fields', 'ignore unknown fields in the rule files', false)
    .option('--junit <file>', 'file path to store JUnit XML test results')
    .action(async (paths: string[], o: { run: string[]; ignoreUnknownFields: boolean; junit?: string }) => {
      // As `check rules`: promtool (kingpin `ExistingFiles`) refuses missing paths and directories first.
      const missing = checkPathsExist(paths);
      if (missing !== undefined) {
        io.stderr.write(`${PROGRAM_NAME}: error: ${missing}, try --help\n`);
        exitCode = 1;
        return;
      }
      exitCode = await testRules(
        paths,
        {
          run: o.run,
          ignoreUnknownFields: o.ignoreUnknownFields,
          templates: deps.templates ?? createTemplateExpander(),
          ...(o.junit !== undefined ? { junit: (xml: string) => writeJunit(o.junit as string, xml, io) } : {}),
        },
        { stdout: io.stdout, stderr: io.stderr },
      );
    });

  program
    .command('version')
    .description('print version information')
    .action(() => {
      io.stdout.write(versionText());
      exitCode = 0;
    });
  // Subcommands above inherited `allowExcessArguments(false)`; the root takes extra words only to name them as
  // unknown commands in its action.
  program.allowExcessArguments(true);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with 0; every usage error with 1 (commander has already printed it).
      io.exit(err.exitCode === 0 ? 0 : 1);
      return;
    }
    io.stderr.write(`${PROGRAM_NAME}: error: ${err instanceof Error ? err.message : String(err)}\n`);
    io.exit(1);
    return;
  }
  if (exitCode !== undefined) io.exit(exitCode);
}

function checkConfigFiles(paths: readonly string[], io: CliIo): number {
  let failed = false;
  for (const path of paths) {
    try {
      const config = loadConfigFile(path);
      io.stdout.write(`SUCCESS: ${path} is valid\n`);
      for (const w of [...configWarnings(config), ...reservedKeyWarnings(config.global)]) io.stdout.write(`  WARNING: ${w}\n`);
    } catch (err) {
      failed = true;
      io.stderr.write(`FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}

/**
 * The run command. Returns 1 when startup fails, or undefined once the app is running (the exit then comes from a
 * signal handler: 0 after a clean stop, 1 when stop fails or on a second signal).
 */
async function runApp(flags: RunFlags, io: CliIo, deps: CliDeps): Promise<number | undefined> {
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat }, io.stderr);
  const log = logger.child({ component: 'main' });
  const overrides: ConfigOverrides = { ...(flags.restUrl !== undefined ? { restUrl: flags.restUrl } : {}), query: flags.query };
  // Accepted-but-unused settings (issue 5 §3.6) are warned about once per process, not at every reload.
  const warnedReserved = new Set<string>();
  const warnReservedOnce = (key: string, fields: Record<string, string>, message: string): void => {
    if (warnedReserved.has(key)) return;
    warnedReserved.add(key);
    log.warn(fields, message);
  };
  const loadConfig = (): BridgeConfig => {
    const config =
      flags.configFile !== undefined ? loadConfigFile(flags.configFile, overrides) : defaultConfig(overrides);
    const file = flags.configFile ?? '(defaults)';
    for (const w of configWarnings(config)) log.warn({ file }, w);
    for (const key of config.global.reservedKeysSet) {
      warnReservedOnce(`global.${key}`, { file, key: `global.${key}` }, reservedKeyWarning(key));
    }
    return config;
  };

  let config: BridgeConfig;
  let webConfig: WebConfig | undefined;
  try {
    config = loadConfig();
  } catch (err) {
    log.error({ file: flags.configFile ?? '(defaults)', err: errorMessage(err) }, 'error loading config');
    return 1;
  }
  if (flags.webConfigFile !== undefined) {
    try {
      webConfig = loadWebConfig(flags.webConfigFile);
    } catch (err) {
      log.error({ file: flags.webConfigFile, err: errorMessage(err) }, 'error loading web config');
      return 1;
    }
  }

  const { name, version } = packageInfo();
  log.info({ version, node: process.version }, `starting ${name}`);

  let app: RunnableApp;
  try {
    const App = await (deps.loadApp ?? defaultLoadApp)();
    app = new App({
      config,
      listenAddress: { host: flags.listenAddress.host, port: flags.listenAddress.port },
      ...(webConfig !== undefined ? { webConfig } : {}),
      enableLifecycle: flags.enableLifecycle,
      storagePath: resolve(flags.storagePath),
      logger,
      ...(flags.configFile !== undefined ? { configFile: flags.configFile } : {}),
      loadConfig,
      flags: flags.flagValues,
      rules: flags.rules,
      ...(flags.externalUrl !== undefined ? { externalUrl: flags.externalUrl } : {}),
    });
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'error creating the app');
    return 1;
  }

  const signals = deps.signals ?? process;
  let stopping = false;
  const onStop = (signal: string) => (): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal received, exiting immediately');
      io.exit(1);
      return;
    }
    stopping = true;
    log.info({ signal }, 'received signal, stopping');
    app.stop().then(
      () => {
        log.info({}, 'bye');
        io.exit(0);
      },
      (err: unknown) => {
        log.error({ err: errorMessage(err) }, 'error while stopping');
        io.exit(1);
      },
    );
  };
  signals.on('SIGTERM', onStop('SIGTERM'));
  signals.on('SIGINT', onStop('SIGINT'));
  signals.on('SIGHUP', () => {
    if (stopping || app.reload === undefined) return;
    log.info({ signal: 'SIGHUP' }, 'reloading configuration');
    app.reload().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'error reloading config; keeping the running one'));
  });

  try {
    await app.start();
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'error starting');
    if (stopping) return undefined; // a signal handler is already stopping the app and will exit
    stopping = true;
    await app.stop().catch(() => undefined);
    return 1;
  }
  return undefined;
}

async function defaultLoadApp(): Promise<AppConstructor> {
  const mod = await import('./app.js');
  return mod.App;
}

function optional<K extends string, V = string>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when this module is the process entry point (also through npm's bin symlink). */
function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    exit: (code) => process.exit(code),
  }).catch((err: unknown) => {
    process.stderr.write(`${PROGRAM_NAME}: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
