/**
 * `--web.config.file`: the Prometheus exporter-toolkit web config format (TLS and basic auth for the sidecar's own
 * HTTP server), validated once and frozen. Enforcing it is the HTTP layer's job: `../http/server.ts` (client
 * certificate policy, `../http/client-cert-policy.ts`) and `../http/basic-auth.ts` (the per-request check).
 *
 * Accepted keys (unknown keys are errors):
 * ```yaml
 * tls_server_config:
 *   cert_file: server.crt        # required when TLS is configured
 *   key_file: server.key         # required when TLS is configured
 *   client_ca_file: ca.crt       # needs a client_auth_type other than NoClientCert
 *   client_auth_type: RequireAndVerifyClientCert   # NoClientCert (default), RequestClientCert,
 *                                # RequireAnyClientCert (alias RequireClientCert), VerifyClientCertIfGiven
 *   min_version: TLS12           # TLS10, TLS11, TLS12, TLS13
 * basic_auth_users:
 *   alice: $2y$10$...            # bcrypt hash
 * ```
 * File paths are relative to the web config file's directory. A `tls_server_config` with no keys means plain HTTP,
 * and an empty `basic_auth_users` means no authentication, like exporter-toolkit.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { filePath, nullAsAbsent, tlsVersion, type TlsVersion } from './fields.js';
import { FileReader, ioReason } from './files.js';
import { deepFreeze } from './freeze.js';
import { configErrorMap, issuesToError, parseYamlSource, validateSource } from './source.js';

/** exporter-toolkit `client_auth_type` values (Go `tls.ClientAuthType` names). */
export type ClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert';

export type { TlsVersion } from './fields.js';

/**
 * TLS material and policy for the listener (PEM contents, not paths). `clientAuthType` is the exporter-toolkit policy
 * with the `RequireClientCert` alias resolved; `../http/server.ts` enforces it with Go `crypto/tls` semantics.
 */
export interface WebTlsConfig {
  readonly cert: string;
  readonly key: string;
  /** CA bundle (PEM) that client certificates are verified against. */
  readonly ca?: string;
  readonly minVersion?: TlsVersion;
  readonly clientAuthType: ClientAuthType;
}

/** A validated web config. Both parts optional: no TLS means plain HTTP, no users means no authentication. */
export interface WebConfig {
  readonly tls?: WebTlsConfig;
  /** username → bcrypt hash. */
  readonly basicAuthUsers?: ReadonlyMap<string, string>;
}

const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'RequireClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;

/** `$2a$`, `$2b$`, `$2y$` bcrypt hashes: cost 04..31, 22 chars salt + 31 chars hash. */
const BCRYPT_RE = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

const tlsServerSchema = z
  .strictObject({
    cert_file: filePath.optional(),
    key_file: filePath.optional(),
    client_ca_file: filePath.optional(),
    client_auth_type: z.enum(CLIENT_AUTH_TYPES).optional(),
    min_version: tlsVersion.optional(),
  })
  .superRefine((t, ctx) => {
    const enabled = t.cert_file !== undefined || t.key_file !== undefined || t.client_ca_file !== undefined || t.client_auth_type !== undefined;
    if (!enabled) return;
    if (t.cert_file === undefined) ctx.addIssue({ code: 'custom', message: 'missing cert_file' });
    if (t.key_file === undefined) ctx.addIssue({ code: 'custom', message: 'missing key_file' });
    if (t.client_ca_file !== undefined && (t.client_auth_type ?? 'NoClientCert') === 'NoClientCert') {
      ctx.addIssue({
        code: 'custom',
        path: ['client_ca_file'],
        params: { atKey: true },
        message: 'client_ca_file is set but client_auth_type is NoClientCert; set client_auth_type (e.g. RequireAndVerifyClientCert)',
      });
    }
  });

const webConfigSchema = z.strictObject({
  tls_server_config: nullAsAbsent(tlsServerSchema.optional()),
  basic_auth_users: nullAsAbsent(
    z
      .record(z.string(), z.string())
      .optional()
      .superRefine((users, ctx) => {
        for (const [user, hash] of Object.entries(users ?? {})) {
          if (user === '' || user.includes(':')) {
            ctx.addIssue({
              code: 'custom',
              path: [user],
              params: { atKey: true },
              message: 'a basic auth username must be non-empty and must not contain ":"',
            });
          }
          if (!BCRYPT_RE.test(hash)) {
            ctx.addIssue({
              code: 'custom',
              path: [user],
              message: 'not a bcrypt hash (expected "$2y$10$…"; generate one with `htpasswd -nBC 10 "" | tr -d \':\\n\'`)',
            });
          }
        }
      }),
  ),
});

/**
 * Reads and validates a web config file; referenced files are read relative to its directory.
 *
 * @returns the frozen web config (TLS material as PEM contents)
 * @throws ConfigError (`FPB_ERR_CONFIG`) for an unreadable file, invalid YAML, unknown keys, a bad hash, missing or
 *         unreadable certificate files, or a certificate/key mismatch; messages read `file:line:col: path: problem`
 */
export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read web config file: ${ioReason(err)}`, { cause: err });
  }
  return parseWebConfig(text, path, dirname(resolve(path)));
}

/**
 * Validates web config YAML text.
 *
 * @param sourceName name used in messages
 * @param baseDir directory referenced files are relative to (default: the directory of `sourceName`)
 * @throws ConfigError as `loadWebConfig`
 */
export function parseWebConfig(yamlText: string, sourceName: string, baseDir?: string): WebConfig {
  const source = parseYamlSource(yamlText, sourceName);
  const raw = validateSource(webConfigSchema, source, configErrorMap);
  const reader = new FileReader(baseDir ?? dirname(resolve(sourceName)));
  let tls: WebTlsConfig | undefined;
  const t = raw.tls_server_config;
  if (t?.cert_file !== undefined && t.key_file !== undefined) {
    const base = ['tls_server_config'];
    const cert = reader.read([...base, 'cert_file'], t.cert_file, false);
    const key = reader.read([...base, 'key_file'], t.key_file, false);
    const ca = t.client_ca_file !== undefined ? reader.read([...base, 'client_ca_file'], t.client_ca_file, false) : undefined;
    reader.checkKeyPair([...base, 'cert_file'], cert, key);
    reader.checkCertificates([...base, 'client_ca_file'], ca);
    const clientAuthType: ClientAuthType =
      t.client_auth_type === undefined ? 'NoClientCert'
      : t.client_auth_type === 'RequireClientCert' ? 'RequireAnyClientCert'
      : t.client_auth_type;
    tls = {
      cert: cert ?? '',
      key: key ?? '',
      ...(ca !== undefined ? { ca } : {}),
      ...(t.min_version !== undefined ? { minVersion: t.min_version } : {}),
      clientAuthType,
    };
  }
  if (reader.issues.length > 0) throw issuesToError(source, reader.issues);
  const users = Object.entries(raw.basic_auth_users ?? {});
  const config: WebConfig = {
    ...(tls !== undefined ? { tls } : {}),
    ...(users.length > 0 ? { basicAuthUsers: new Map(users) } : {}),
  };
  return deepFreeze(config);
}
