/**
 * The config file as a whole: the top-level sections (each self-contained in `sections/<name>.ts`: its keys,
 * defaults, validation and frozen runtime shape), the rules between sections, and `BridgeConfig`, the frozen
 * runtime shape the rest of the sidecar reads.
 *
 * Adding a section (`push`, `remote_write`, `rule_files`, `alerting`): write `sections/<name>.ts` exporting its strict
 * zod schema, its runtime type and its `resolve…` function (HTTP clients spread `../http-client.ts`'s fields), add
 * it to `SECTIONS` and to `BridgeConfig` below, and call its resolution in `load.ts`. Until then such keys are rejected
 * as unknown.
 */
import { z } from 'zod';
import { nullAsAbsent } from './fields.js';
import { alertingSectionSchema, type AlertingConfig } from './sections/alerting.js';
import { flinkPollIntervalIssues, flinkSectionSchema, type FlinkConfig } from './sections/flink.js';
import { globalSectionSchema, type GlobalConfig } from './sections/global.js';
import { pushSectionSchema, type PushConfig } from './sections/push.js';
import { remoteWriteSectionSchema, type RemoteWriteConfig } from './sections/remote-write.js';
import { remoteWriteReceiverSectionSchema, type RemoteWriteReceiverConfig } from './sections/remote-write-receiver.js';
import { promqlSectionSchema, querySectionSchema, type QueryConfig } from './sections/query.js';
import { ruleFilesSectionSchema, type RuleFilesConfig } from './sections/rule-files.js';

export type { AlertingConfig, AlertmanagerSetConfig, WebhookConfig } from './sections/alerting.js';
export type { AuthorizationConfig, BasicAuthConfig, TlsClientConfig } from './http-client.js';
export type { FlinkConfig } from './sections/flink.js';
export type { GlobalConfig, WindowConfig } from './sections/global.js';
export type { PushConfig, PushLimitsConfig } from './sections/push.js';
export type { RemoteWriteReceiverConfig } from './sections/remote-write-receiver.js';
export type { RemoteWriteConfig } from './sections/remote-write.js';
export type { PromQLCompat, QueryConfig } from './sections/query.js';
export type { RuleFilesConfig } from './sections/rule-files.js';

/** The whole validated config: deeply frozen, camelCase, durations in milliseconds, secrets resolved. */
export interface BridgeConfig {
  readonly global: GlobalConfig;
  readonly flink: FlinkConfig;
  readonly push: PushConfig;
  readonly remoteWriteReceiver: RemoteWriteReceiverConfig;
  /** `remote_write` targets, in file order (empty: nothing is sent, no log is written). */
  readonly remoteWrite: readonly RemoteWriteConfig[];
  /** `query` and `promql` sections: the PromQL engine's limits and semantics generation. */
  readonly query: QueryConfig;
  /** `alerting`: Alertmanagers, webhooks, alert relabelling, the notifier's queue and retry settings. */
  readonly alerting: AlertingConfig;
  /** `rule_files`: globs of Prometheus rule files and the directory they are relative to. */
  readonly ruleFiles: RuleFilesConfig;
}

/**
 * Top-level sections accepted in the config file; keys not listed here are errors. A section with no value
 * (`flink:` alone) or left out means "all defaults".
 */
const SECTIONS = {
  global: nullAsAbsent(globalSectionSchema.prefault({})),
  flink: nullAsAbsent(flinkSectionSchema.prefault({})),
  push: nullAsAbsent(pushSectionSchema.prefault({})),
  remote_write_receiver: nullAsAbsent(remoteWriteReceiverSectionSchema.prefault({})),
  remote_write: nullAsAbsent(remoteWriteSectionSchema.prefault([])),
  query: nullAsAbsent(querySectionSchema.prefault({})),
  promql: nullAsAbsent(promqlSectionSchema.prefault({})),
  alerting: nullAsAbsent(alertingSectionSchema.prefault({})),
  rule_files: nullAsAbsent(ruleFilesSectionSchema.prefault([])),
};

/**
 * The config file schema: strict at every level, durations parsed to ms, defaults filled in, rules between sections
 * checked. Output is still snake_case with `*_file` paths unread; `load.ts` resolves it into `BridgeConfig`.
 */
export const configFileSchema = z.strictObject(SECTIONS).superRefine((c, ctx) => {
  for (const iss of flinkPollIntervalIssues(c.flink, c.global.poll_interval)) {
    ctx.addIssue({ code: 'custom', path: ['flink', ...iss.path], message: iss.message });
  }
});

/** Output of `configFileSchema`: validated, defaults applied, snake_case, `*_file` keys not yet read. */
export type ConfigFile = z.output<typeof configFileSchema>;
