/**
 * The per-request HTTP basic-auth check for `basic_auth_users` of the web config, with exporter-toolkit's semantics
 * (`web/handler.go`): a missing or malformed `Authorization` header, an unknown user or a wrong password all answer
 * 401 with `WWW-Authenticate: Basic`; an unknown user still costs one bcrypt compare, so response times do not tell
 * which users exist.
 *
 * Two differences from exporter-toolkit, both towards less leakage: the decoy hash of unknown users is generated at
 * the cost most configured hashes use (exporter-toolkit's fixed cost-10 decoy makes a cost-12 user measurably slower
 * than an unknown one), and only successful checks are cached (a failure is never cached, so guessing cannot fill
 * the cache). bcrypt runs asynchronously (bcryptjs) so a ~100 ms compare does not stall scrapes and polls.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Parsed `Basic` credentials. */
export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

/** Compares a password with a bcrypt hash; resolves true on a match (default: `bcryptjs.compare`). */
export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

/** Options of `BasicAuthenticator`; for tests. */
export interface BasicAuthenticatorOptions {
  readonly compare?: BcryptCompare;
  /** Successful checks remembered (LRU); default 100. */
  readonly cacheSize?: number;
}

/**
 * Parses `Basic base64(user:password)` (scheme case-insensitive, as Go's `Request.BasicAuth`).
 *
 * @returns the credentials, or undefined for a missing header, another scheme, or no `:` in the decoded text
 */
export function parseBasicAuthHeader(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The bcrypt cost of a `$2?$NN$…` hash, or undefined for anything else. */
export function bcryptCost(hash: string): number | undefined {
  const m = /^\$2[aby]?\$(\d\d)\$/.exec(hash);
  return m === null ? undefined : Number(m[1]);
}

/** The cost most of `hashes` use (ties: the higher one); 10 (htpasswd -B's default) for none. */
function prevailingCost(hashes: Iterable<string>): number {
  const counts = new Map<number, number>();
  for (const h of hashes) {
    const c = bcryptCost(h);
    if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = 10;
  let bestCount = 0;
  for (const [cost, n] of counts) {
    if (n > bestCount || (n === bestCount && cost > best)) {
      best = cost;
      bestCount = n;
    }
  }
  return best;
}

/**
 * Checks `Authorization` headers against a fixed set of users (username → bcrypt hash). One instance per loaded web
 * config: the decoy hash and the success cache belong to it (a reload with other users starts clean).
 */
export class BasicAuthenticator {
  private readonly compare: BcryptCompare;
  private readonly cacheSize: number;
  /** SHA-256(user, hash) → SHA-256(user, hash, password) of recent successes; plain passwords are never kept. */
  private readonly successes = new Map<string, Buffer>();
  private decoy: Promise<string> | undefined;

  /** @param users username → bcrypt hash (`$2a$`/`$2b$`/`$2y$`), as validated by `config/web-config.ts` */
  constructor(
    private readonly users: ReadonlyMap<string, string>,
    options: BasicAuthenticatorOptions = {},
  ) {
    this.compare = options.compare ?? ((password, hash) => bcrypt.compare(password, hash));
    this.cacheSize = options.cacheSize ?? 100;
  }

  /**
   * The hash compared for unknown users: a hash of a random password at the prevailing cost of the configured hashes,
   * made once (on first use, asynchronously) so it costs what a known user's compare costs.
   */
  decoyHash(): Promise<string> {
    this.decoy ??= bcrypt.hash(randomBytes(18).toString('base64'), prevailingCost(this.users.values()));
    return this.decoy;
  }

  /**
   * @param authorizationHeader the raw header value, or undefined when absent
   * @returns true for a configured user with the right password (or no users configured); never rejects
   */
  async check(authorizationHeader: string | undefined): Promise<boolean> {
    if (this.users.size === 0) return true;
    const creds = parseBasicAuthHeader(authorizationHeader);
    if (creds === undefined) return false;
    const configured = this.users.get(creds.user);
    const hash = configured ?? (await this.decoyHash());
    const key = digest(creds.user, hash).toString('hex');
    const proof = digest(creds.user, hash, creds.password);
    const known = this.successes.get(key);
    if (configured !== undefined && known !== undefined && timingSafeEqual(known, proof)) return true;
    let match: boolean;
    try {
      match = await this.compare(creds.password, hash);
    } catch {
      match = false;
    }
    // `configured` last: the compare above runs for unknown users too, so both paths cost one bcrypt compare.
    const ok = match && configured !== undefined;
    if (ok) this.remember(key, proof);
    return ok;
  }

  private remember(key: string, proof: Buffer): void {
    this.successes.delete(key);
    this.successes.set(key, proof);
    if (this.successes.size > this.cacheSize) {
      const oldest = this.successes.keys().next().value;
      if (oldest !== undefined) this.successes.delete(oldest);
    }
  }
}

function digest(...parts: string[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest();
}
