/**
 * The `flink` section: where the Flink REST API is and how to talk to it (timeouts, concurrency, retries,
 * auth, TLS). Secret-bearing `*_file` keys are read later by `../load.ts`, relative to the config file.
 */
import { z } from 'zod';
import { FLINK_DEFAULTS, LIMITS } from '../defaults.js';
import { durationMs, filePath, httpUrl, nullAsAbsent } from '../fields.js';

const basicAuthSchema = z
  .strictObject({
    username: z.string().min(1),
    password: z.string().optional(),
    password_file: filePath.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.password !== undefined && b.password_file !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['password_file'],
        params: { atKey: true },
        message: 'at most one of password and password_file may be set',
      });
    }
  });

const authorizationSchema = z
  .strictObject({
    type: z.string().min(1).prefault(FLINK_DEFAULTS.authorization_type),
    credentials: z.string().optional(),
    credentials_file: filePath.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type.toLowerCase() === 'basic') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `${JSON.stringify(a.type)} is not allowed here; use flink.basic_auth instead`,
      });
    }
    if (a.credentials !== undefined && a.credentials_file !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentials_file'],
        params: { atKey: true },
        message: 'at most one of credentials and credentials_file may be set',
      });
    } else if (a.credentials === undefined && a.credentials_file === undefined) {
      ctx.addIssue({ code: 'custom', message: 'one of credentials or credentials_file is required' });
    }
  });

const tlsConfigSchema = z
  .strictObject({
    ca_file: filePath.optional(),
    cert_file: filePath.optional(),
    key_file: filePath.optional(),
    server_name: z.string().min(1).optional(),
    insecure_skip_verify: z.boolean().prefault(false),
  })
  .superRefine((t, ctx) => {
    if (t.cert_file !== undefined && t.key_file === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cert_file'], params: { atKey: true }, message: 'cert_file requires key_file' });
    }
    if (t.key_file !== undefined && t.cert_file === undefined) {
      ctx.addIssue({ code: 'custom', path: ['key_file'], params: { atKey: true }, message: 'key_file requires cert_file' });
    }
  });

export const flinkSectionSchema = z.strictObject({
  rest_url: nullAsAbsent(httpUrl.prefault(FLINK_DEFAULTS.rest_url)),
  timeout: nullAsAbsent(durationMs({ min: 1 }).prefault(FLINK_DEFAULTS.timeout)),
  concurrency: nullAsAbsent(z.int().min(1).max(LIMITS.maxConcurrency).prefault(FLINK_DEFAULTS.concurrency)),
  retries: nullAsAbsent(z.int().min(0).max(LIMITS.maxRetries).prefault(FLINK_DEFAULTS.retries)),
  retry_backoff: nullAsAbsent(
    durationMs({ max: LIMITS.maxRetryBackoffMs }).prefault(FLINK_DEFAULTS.retry_backoff),
  ),
  exceptions_interval: nullAsAbsent(durationMs({ min: 1000 }).prefault(FLINK_DEFAULTS.exceptions_interval)),
  metric_names_refresh_interval: nullAsAbsent(
    durationMs({ min: 1000 }).prefault(FLINK_DEFAULTS.metric_names_refresh_interval),
  ),
  fetcher_update_interval: nullAsAbsent(durationMs().prefault(FLINK_DEFAULTS.fetcher_update_interval)),
  basic_auth: nullAsAbsent(basicAuthSchema.optional()),
  authorization: nullAsAbsent(authorizationSchema.optional()),
  tls_config: nullAsAbsent(tlsConfigSchema.optional()),
});

/** The validated `flink` section before secrets are read and keys are camelCased. */
export type FlinkSection = z.output<typeof flinkSectionSchema>;
