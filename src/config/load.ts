/**
 * Loading the bridge config: YAML → zod validation (once, here at the edge) → secrets read from `*_file` keys →
 * a deeply frozen `BridgeConfig`. Every failure is a `ConfigError` (`FPB_ERR_CONFIG`) whose message reads
 * `file:line:col: key.path: what is wrong`; secret values never appear in messages.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { formatDuration } from './duration.js';
import { checkHttpUrl } from './fields.js';
import { FileReader, ioReason } from './files.js';
import { deepFreeze } from './freeze.js';
import { configFileSchema } from './schema.js';
import type { BridgeConfig, ConfigFile } from './schema.js';
import { resolveAlerting } from './sections/alerting.js';
import { resolveFlink } from './sections/flink.js';
import { resolvePush } from './sections/push.js';
import { resolveGlobal } from './sections/global.js';
import { resolveRuleFiles } from './sections/rule-files.js';
import { resolveRemoteWrite } from './sections/remote-write.js';
import { resolveRemoteWriteReceiver } from './sections/remote-write-receiver.js';
import { applyQueryOverrides, resolveQuery, type QueryOverrides } from './sections/query.js';
import { configErrorMap, issuesToError, parseYamlSource, validateSource } from './source.js';
import type { YamlSource } from './source.js';

/** Values that win over the config file (from command-line flags). */
export interface ConfigOverrides {
  /** `--flink.rest-url`: replaces `flink.rest_url`; validated and normalised like it. */
  readonly restUrl?: string;
  /** `--query.*` and `--promql.compat`: replace the `query` / `promql` keys. */
  readonly query?: QueryOverrides;
}

/** Options of `parseConfig`. */
export interface ParseConfigOptions {
  /** Directory `*_file` paths are relative to; default: the directory of `sourceName` (resolved against cwd). */
  readonly baseDir?: string;
  readonly overrides?: ConfigOverrides;
}

/**
 * Reads and validates a config file.
 *
 * @param path the config file; also the name used in messages; `*_file` keys are relative to its directory
 * @param overrides flag values that replace file values
 * @returns the frozen config
 * @throws ConfigError when the file cannot be read, is not valid YAML, does not validate, or a referenced file
 *         cannot be read
 */
export function loadConfigFile(path: string, overrides?: ConfigOverrides): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read config file: ${ioReason(err)}`, { cause: err });
  }
  return parseConfig(text, path, { baseDir: dirname(resolve(path)), ...(overrides ? { overrides } : {}) });
}

/**
 * Validates config YAML text. An empty document (or only comments) gives the built-in defaults.
 *
 * @param yamlText the YAML text
 * @param sourceName name used in messages, e.g. `config.yml`
 * @returns the frozen config
 * @throws ConfigError (never anything else) for any invalid input
 */
export function parseConfig(yamlText: string, sourceName: string, options: ParseConfigOptions = {}): BridgeConfig {
  const source = parseYamlSource(yamlText, sourceName);
  const file = validateSource(configFileSchema, source, configErrorMap);
  const baseDir = options.baseDir ?? dirname(resolve(sourceName));
  return finish(file, source, baseDir, options.overrides);
}

/**
 * The built-in defaults (what runs with no config file), with overrides applied.
 *
 * @throws ConfigError when an override is invalid
 */
export function defaultConfig(overrides?: ConfigOverrides): BridgeConfig {
  const source = parseYamlSource('', '<defaults>');
  const file = validateSource(configFileSchema, source, configErrorMap);
  return finish(file, source, process.cwd(), overrides);
}

/**
 * Things that are valid but probably not what the user wants, as one human-readable line each (no secrets).
 * The CLI logs them at warn level and `check config` prints them.
 */
export function configWarnings(c: BridgeConfig): string[] {
  const out: string[] = [];
  const poll = c.global.pollIntervalMs;
  const fetcher = c.flink.fetcherUpdateIntervalMs;
  const d = formatDuration;
  if (fetcher === 0) {
    out.push(
      'flink.fetcher_update_interval is 0: Flink\'s metric fetcher is disabled (metrics.fetcher.update-interval: 0), so REST metric queries return no values',
    );
  } else if (poll < fetcher) {
    out.push(
      `global.poll_interval (${d(poll)}) is shorter than flink.fetcher_update_interval (${d(fetcher)}): Flink refreshes the metrics it serves over REST only every ${d(fetcher)}, so polls in between see unchanged values; poll less often or lower metrics.fetcher.update-interval in Flink`,
    );
  }
  for (const w of c.global.windows) {
    if (w.ms < 4 * poll) {
      out.push(
        `global.windows: ${w.name} covers fewer than 4 poll intervals (${d(poll)}); rates over it are noisy and vanish when a poll fails`,
      );
    }
  }
  if (c.flink.timeoutMs >= poll) {
    out.push(
      `flink.timeout (${d(c.flink.timeoutMs)}) is not shorter than global.poll_interval (${d(poll)}): a slow poll will overlap the next one`,
    );
  }
  if (c.global.evaluationIntervalMs < poll) {
    out.push(
      `global.evaluation_interval (${d(c.global.evaluationIntervalMs)}) is shorter than global.poll_interval (${d(poll)}): rules will often see unchanged data`,
    );
  }
  const plainHttp = c.flink.restUrl.startsWith('http:');
  if (plainHttp && (c.flink.basicAuth !== undefined || c.flink.authorization !== undefined)) {
    out.push('flink credentials are configured but flink.rest_url uses plain http: they are sent unencrypted');
  }
  if (c.flink.tls !== undefined && plainHttp) {
    out.push('flink.tls_config is set but flink.rest_url uses plain http: it is not used');
  }
  if (c.flink.tls?.insecureSkipVerify === true) {
    out.push('flink.tls_config.insecure_skip_verify is true: the Flink server certificate is not verified');
  }
  return out;
}

function finish(
  file: ConfigFile,
  source: YamlSource,
  baseDir: string,
  overrides: ConfigOverrides | undefined,
): BridgeConfig {
  const reader = new FileReader(baseDir);
  const config = toBridgeConfig(file, reader, baseDir);
  if (reader.issues.length > 0) throw issuesToError(source, reader.issues);
  let restUrl = config.flink.restUrl;
  if (overrides?.restUrl !== undefined) {
    const r = checkHttpUrl(overrides.restUrl);
    if (!r.ok) throw new ConfigError(`flink.rest_url override: ${r.message}`);
    restUrl = r.url;
  }
  const query = overrides?.query !== undefined ? applyQueryOverrides(config.query, overrides.query) : config.query;
  return deepFreeze({ ...config, flink: { ...config.flink, restUrl }, query });
}

function toBridgeConfig(file: ConfigFile, reader: FileReader, baseDir: string): BridgeConfig {
  const global = resolveGlobal(file.global);
  return {
    global,
    flink: resolveFlink(file.flink, global.pollIntervalMs, reader),
    push: resolvePush(file.push),
    remoteWriteReceiver: resolveRemoteWriteReceiver(file.remote_write_receiver),
    remoteWrite: resolveRemoteWrite(file.remote_write, reader),
    query: resolveQuery(file.query, file.promql),
    alerting: resolveAlerting(file.alerting, reader),
    ruleFiles: resolveRuleFiles(file.rule_files, baseDir),
  };
}
