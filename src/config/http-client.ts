/**
 * Prometheus's HTTP client config block (`github.com/prometheus/common/config` `HTTPClientConfig`), the part this
 * sidecar supports, shared by every section that talks HTTP to someone: `flink` today, `remote_write` and
 * `alerting` tomorrow.
 *
 * ```yaml
 * basic_auth: {username: u, password: p}          # or password_file; at most one of basic_auth / authorization
 * authorization: {type: Bearer, credentials: t}   # or credentials_file; type "Basic" refused (use basic_auth)
 * tls_config:
 *   ca_file: ca.crt
 *   cert_file: client.crt                         # cert_file and key_file: both or neither
 *   key_file: client.key
 *   server_name: jm.internal
 *   insecure_skip_verify: false
 *   min_version: TLS12                            # an error where the section's client does not apply it yet
 * headers: {X-Scope-OrgID: team-a}                # an error where the section's client does not send them yet
 * proxy_url: …                                    # refused: no proxy support
 * ```
 * `*_file` secrets are read when the config is loaded (relative to the config file, trimmed) and never appear in
 * messages or logs; certificate files are checked (PEM parses, certificate and key pair).
 */
import { z } from 'zod';
import { filePath, nullAsAbsent, tlsVersion, type TlsVersion } from './fields.js';
import type { FileReader } from './files.js';
import type { IssuePath } from './source.js';

/** HTTP basic auth; `password` read from `password_file` when given (trimmed), empty when neither is set. */
export interface BasicAuthConfig {
  readonly username: string;
  readonly password: string;
}

/** `Authorization: <type> <credentials>`; `credentials` read from `credentials_file` when given. */
export interface AuthorizationConfig {
  readonly type: string;
  readonly credentials: string;
}

/** TLS towards the server; PEM contents (not paths) of the CA bundle, client certificate and key. */
export interface TlsClientConfig {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
  /** Oldest TLS version offered (only in sections that enable `min_version`). */
  readonly minVersion?: TlsVersion;
}

/** The resolved block: every part optional; `headers` only in sections that enable it. */
export interface HttpClientConfig {
  readonly basicAuth?: BasicAuthConfig;
  readonly authorization?: AuthorizationConfig;
  readonly tls?: TlsClientConfig;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Which optional parts a section accepts. A part is enabled once the section's client sends it: a key that is
 * accepted and ignored would be a silent misconfiguration (issue 5 §3.6), so a disabled part set in a file is an error.
 */
export interface HttpClientFeatures {
  /** `headers`: extra request headers. */
  readonly headers: boolean;
  /** `tls_config.min_version`. */
  readonly tlsMinVersion: boolean;
}

/** Default `authorization.type` (Prometheus's). */
export const DEFAULT_AUTHORIZATION_TYPE = 'Bearer';

/**
 * Headers the client sets itself (Prometheus `config.reservedHeaders`, lower case); `authorization` is set through
 * `basic_auth`/`authorization`.
 */
const RESERVED_HEADERS = new Set([
  'authorization', 'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection',
  'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'www-authenticate', 'accept-encoding',
  'x-prometheus-remote-write-version', 'x-prometheus-scrape-timeout-seconds',
]);

/** RFC 9110 token: the characters of a header name. */
const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Prometheus's proxy keys; refused with one clear message rather than "unknown key". */
const PROXY_KEYS = ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'] as const;

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

function authorizationSchema(section: string) {
  return z
    .strictObject({
      type: z.string().min(1).prefault(DEFAULT_AUTHORIZATION_TYPE),
      credentials: z.string().optional(),
      credentials_file: filePath.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.type.toLowerCase() === 'basic') {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `${JSON.stringify(a.type)} is not allowed here; use ${section}.basic_auth instead`,
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
}

function tlsConfigSchema(section: string, features: HttpClientFeatures) {
  return z
    .strictObject({
      ca_file: filePath.optional(),
      cert_file: filePath.optional(),
      key_file: filePath.optional(),
      server_name: z.string().min(1).optional(),
      insecure_skip_verify: z.boolean().prefault(false),
      min_version: tlsVersion.optional(),
    })
    .superRefine((t, ctx) => {
      if (t.min_version !== undefined && !features.tlsMinVersion) {
        ctx.addIssue({ code: 'custom', path: ['min_version'], params: { atKey: true }, message: notYet(section) });
      }
      if (t.cert_file !== undefined && t.key_file === undefined) {
        ctx.addIssue({ code: 'custom', path: ['cert_file'], params: { atKey: true }, message: 'cert_file requires key_file' });
      }
      if (t.key_file !== undefined && t.cert_file === undefined) {
        ctx.addIssue({ code: 'custom', path: ['key_file'], params: { atKey: true }, message: 'key_file requires cert_file' });
      }
    });
}

const headersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    const at = { path: [name], params: { atKey: true } };
    if (!HEADER_NAME_RE.test(name)) {
      ctx.addIssue({ code: 'custom', ...at, message: `${JSON.stringify(name)} is not a valid header name` });
    } else if (name.toLowerCase() === 'authorization') {
      ctx.addIssue({ code: 'custom', ...at, message: 'set the Authorization header with basic_auth or authorization instead' });
    } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', ...at, message: `${JSON.stringify(name)} is set by the sidecar and cannot be overridden` });
    }
    // The value is never echoed: headers often carry tokens.
    if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: 'custom', path: [name], message: 'must not contain CR, LF or NUL' });
  }
});

/**
 * The block's keys, to spread into a section's `z.strictObject({...})`, and the cross-key rule to run in the
 * section's `superRefine` (`refineHttpClient`).
 *
 * @param section the section's key path as users write it (`flink`, `remote_write[0]`), for messages
 */
export function httpClientFields(section: string, features: HttpClientFeatures) {
  const proxy = Object.fromEntries(PROXY_KEYS.map((k) => [k, z.unknown().optional()])) as Record<
    (typeof PROXY_KEYS)[number],
    z.ZodOptional<z.ZodUnknown>
  >;
  return {
    basic_auth: nullAsAbsent(basicAuthSchema.optional()),
    authorization: nullAsAbsent(authorizationSchema(section).optional()),
    tls_config: nullAsAbsent(tlsConfigSchema(section, features).optional()),
    headers: nullAsAbsent(headersSchema.optional()).superRefine((h, ctx) => {
      if (h !== undefined && !features.headers) ctx.addIssue({ code: 'custom', params: { atKey: true }, message: notYet(section) });
    }),
    ...proxy,
  };
}

function notYet(section: string): string {
  return `not supported in ${section} yet: its HTTP client does not send it`;
}

/** The validated block, as `httpClientFields` parses it. */
export interface HttpClientSection {
  readonly basic_auth?: { username: string; password?: string | undefined; password_file?: string | undefined } | undefined;
  readonly authorization?: { type: string; credentials?: string | undefined; credentials_file?: string | undefined } | undefined;
  readonly tls_config?:
    | {
        ca_file?: string | undefined;
        cert_file?: string | undefined;
        key_file?: string | undefined;
        server_name?: string | undefined;
        insecure_skip_verify: boolean;
        min_version?: TlsVersion | undefined;
      }
    | undefined;
  readonly headers?: Record<string, string> | undefined;
  readonly proxy_url?: unknown;
  readonly no_proxy?: unknown;
  readonly proxy_from_environment?: unknown;
  readonly proxy_connect_header?: unknown;
}

/** Rules across the block's keys: `basic_auth` xor `authorization`; proxy keys refused. Call from `superRefine`. */
export function refineHttpClient(section: string, block: HttpClientSection, ctx: z.RefinementCtx): void {
  for (const key of PROXY_KEYS) {
    if (block[key] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        params: { atKey: true },
        message: `HTTP proxies are not supported; ${section} is reached directly (remove ${key})`,
      });
    }
  }
  if (block.basic_auth !== undefined && block.authorization !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['authorization'],
      params: { atKey: true },
      message: `cannot be used together with ${section}.basic_auth; choose one`,
    });
  }
}

/**
 * Reads the block's `*_file` keys and checks certificate material. Problems are recorded on `reader` at their key.
 *
 * @param path the section's key path (e.g. `['flink']`), for issue positions
 */
export function resolveHttpClient(block: HttpClientSection, path: IssuePath, reader: FileReader): HttpClientConfig {
  let basicAuth: BasicAuthConfig | undefined;
  if (block.basic_auth !== undefined) {
    const b = block.basic_auth;
    const password =
      b.password_file !== undefined ? reader.read([...path, 'basic_auth', 'password_file'], b.password_file, true) : b.password;
    basicAuth = { username: b.username, password: password ?? '' };
  }

  let authorization: AuthorizationConfig | undefined;
  if (block.authorization !== undefined) {
    const a = block.authorization;
    const credentials =
      a.credentials_file !== undefined
        ? reader.read([...path, 'authorization', 'credentials_file'], a.credentials_file, true)
        : a.credentials;
    authorization = { type: a.type, credentials: credentials ?? '' };
  }

  let tls: TlsClientConfig | undefined;
  if (block.tls_config !== undefined) {
    const t = block.tls_config;
    const base = [...path, 'tls_config'];
    const ca = t.ca_file !== undefined ? reader.read([...base, 'ca_file'], t.ca_file, false) : undefined;
    const cert = t.cert_file !== undefined ? reader.read([...base, 'cert_file'], t.cert_file, false) : undefined;
    const key = t.key_file !== undefined ? reader.read([...base, 'key_file'], t.key_file, false) : undefined;
    reader.checkCertificates([...base, 'ca_file'], ca);
    reader.checkKeyPair([...base, 'cert_file'], cert, key);
    tls = {
      ...(ca !== undefined ? { ca } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(t.server_name !== undefined ? { serverName: t.server_name } : {}),
      insecureSkipVerify: t.insecure_skip_verify,
      ...(t.min_version !== undefined ? { minVersion: t.min_version } : {}),
    };
  }

  return {
    ...(basicAuth !== undefined ? { basicAuth } : {}),
    ...(authorization !== undefined ? { authorization } : {}),
    ...(tls !== undefined ? { tls } : {}),
    ...(block.headers !== undefined ? { headers: { ...block.headers } } : {}),
  };
}
