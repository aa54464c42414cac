/**
 * `--web.config.file`: the Prometheus exporter-toolkit web config format (TLS and basic auth for the sidecar's own
 * HTTP server), validated once and frozen, plus the basic-auth check used on every request.
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
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { filePath, nullAsAbsent } from './fields.js';
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

/** Node's names for TLS versions (`tls.SecureVersion`). */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/**
 * TLS options for the listener, ready for `https.createServer` (PEM contents, not paths).
 *
 * Node cannot express two Go policies by `requestCert`/`rejectUnauthorized` alone, so the server must also look at
 * `clientAuthType`: for `RequireAnyClientCert` reject connections whose `socket.getPeerCertificate()` is empty; for
 * `VerifyClientCertIfGiven` reject connections that presented a certificate but are not `socket.authorized`.
 */
export interface WebTlsConfig {
  readonly cert: string;
  readonly key: string;
  /** CA bundle (PEM) that client certificates are verified against. */
  readonly ca?: string;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
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

const TLS_VERSIONS: Readonly<Record<string, TlsVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** `$2a$`, `$2b$`, `$2y$` bcrypt hashes: cost 04..31, 22 chars salt + 31 chars hash. */
const BCRYPT_RE = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

const tlsServerSchema = z
  .strictObject({
    cert_file: filePath.optional(),
    key_file: filePath.optional(),
    client_ca_file: filePath.optional(),
    client_auth_type: z.enum(CLIENT_AUTH_TYPES).optional(),
    min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
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
      requestCert: clientAuthType !== 'NoClientCert',
      rejectUnauthorized: clientAuthType === 'RequireAndVerifyClientCert',
      ...(t.min_version !== undefined ? { minVersion: TLS_VERSIONS[t.min_version] as TlsVersion } : {}),
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

/** Hash compared when the user is unknown, so unknown and known users take the same time (as exporter-toolkit). */
const DECOY_HASH = '$2b$10$Np7Z/TidMp4JigYdkM95euOoyLH/EzTSMGk/9EwatevMsM2.sMUVK';
/** Successful checks remembered per web config; bcrypt costs ~100 ms per compare at cost 10. */
const CACHE_SIZE = 100;
const successCache = new WeakMap<WebConfig, Map<string, Buffer>>();

interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Parses `Basic base64(user:password)`; undefined for anything else. */
export function parseBasicAuthHeader(header: string | undefined): Credentials | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function cacheKey(user: string, hash: string, password: string): { key: string; digest: Buffer } {
  const digest = createHash('sha256').update(user).update('\0').update(hash).update('\0').update(password).digest();
  return { key: createHash('sha256').update(user).update('\0').update(hash).digest('hex'), digest };
}

function cachedOk(webConfig: WebConfig, user: string, hash: string, password: string): { hit: boolean; remember: () => void } {
  let cache = successCache.get(webConfig);
  if (cache === undefined) {
    cache = new Map();
    successCache.set(webConfig, cache);
  }
  const c = cache;
  const { key, digest } = cacheKey(user, hash, password);
  const known = c.get(key);
  const hit = known !== undefined && timingSafeEqual(known, digest);
  return {
    hit,
    remember: () => {
      c.delete(key);
      c.set(key, digest);
      if (c.size > CACHE_SIZE) {
        const oldest = c.keys().next().value;
        if (oldest !== undefined) c.delete(oldest);
      }
    },
  };
}

/**
 * Checks an `Authorization` request header against `basic_auth_users`, synchronously (bcrypt blocks the event loop
 * ~100 ms at cost 10 on a cache miss; successful checks are cached, up to 100 per web config, keyed by a SHA-256 of
 * user, hash and password so plain passwords are not kept).
 *
 * @param authorizationHeader the raw header value, or undefined when absent
 * @returns true when no users are configured, or the header carries a configured user with the right password
 */
export function checkBasicAuth(webConfig: WebConfig, authorizationHeader: string | undefined): boolean {
  const c = prepareCheck(webConfig, authorizationHeader);
  if (typeof c === 'boolean') return c;
  const ok = bcrypt.compareSync(c.password, c.hash) && c.known;
  if (ok) c.remember();
  return ok;
}

/** As `checkBasicAuth`, but bcrypt runs without blocking the event loop. Resolves to the same answer. */
export async function checkBasicAuthAsync(webConfig: WebConfig, authorizationHeader: string | undefined): Promise<boolean> {
  const c = prepareCheck(webConfig, authorizationHeader);
  if (typeof c === 'boolean') return c;
  const ok = (await bcrypt.compare(c.password, c.hash)) && c.known;
  if (ok) c.remember();
  return ok;
}

/**
 * What both checks share: a decided answer (no users configured, no/odd header, cached success), or what bcrypt must
 * compare. An unknown user is compared against a decoy hash so that timing does not tell which users exist.
 */
function prepareCheck(
  webConfig: WebConfig,
  authorizationHeader: string | undefined,
): boolean | { password: string; hash: string; known: boolean; remember: () => void } {
  const users = webConfig.basicAuthUsers;
  if (users === undefined) return true;
  const creds = parseBasicAuthHeader(authorizationHeader);
  if (creds === undefined) return false;
  const configured = users.get(creds.user);
  const hash = configured ?? DECOY_HASH;
  const cached = cachedOk(webConfig, creds.user, hash, creds.password);
  if (configured !== undefined && cached.hit) return true;
  return { password: creds.password, hash, known: configured !== undefined, remember: cached.remember };
}
