/**
 * Reading files referenced from config files (`*_file` keys) and checking PEM contents. Problems become
 * `SourceIssue`s at the referencing key; file contents never appear in messages.
 */
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IssuePath, SourceIssue } from './source.js';

/** Collects issues while reading the files one config references, relative to `baseDir`. */
export class FileReader {
  readonly issues: SourceIssue[] = [];
  constructor(readonly baseDir: string) {}

  /**
   * Reads `file` (relative to `baseDir`) as UTF-8. On failure records an issue at `path` and returns undefined.
   * @param trim trim surrounding whitespace (secrets from `password_file`/`credentials_file`, like Prometheus)
   */
  read(path: IssuePath, file: string, trim: boolean): string | undefined {
    const full = resolve(this.baseDir, file);
    try {
      const text = readFileSync(full, 'utf8');
      return trim ? text.trim() : text;
    } catch (err) {
      this.issues.push({ path, message: `cannot read ${JSON.stringify(file)} (${full}): ${ioReason(err)}` });
      return undefined;
    }
  }

  /** Records an issue unless `pem` holds at least one parseable certificate and nothing unparseable. */
  checkCertificates(path: IssuePath, pem: string | undefined): void {
    if (pem === undefined) return;
    const problem = certificatesProblem(pem);
    if (problem !== undefined) this.issues.push({ path, message: problem });
  }

  /** Records an issue at `path` unless `cert` and `key` are PEM and belong together. */
  checkKeyPair(path: IssuePath, cert: string | undefined, key: string | undefined): void {
    if (cert === undefined || key === undefined) return;
    const problem = keyPairProblem(cert, key);
    if (problem !== undefined) this.issues.push({ path, message: problem });
  }
}

/** Short reason for a failed read, from the error code when known. */
export function ioReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

const PEM_CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Why `pem` is not a usable certificate bundle, or undefined when it is. */
export function certificatesProblem(pem: string): string | undefined {
  const blocks = pem.match(PEM_CERT_RE) ?? [];
  if (blocks.length === 0) return 'contains no PEM certificate ("-----BEGIN CERTIFICATE-----")';
  for (let i = 0; i < blocks.length; i++) {
    try {
      new X509Certificate(blocks[i] as string);
    } catch (err) {
      return `certificate #${i + 1} does not parse: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return undefined;
}

/** Why `cert` + `key` do not form a TLS key pair, or undefined when they do. */
export function keyPairProblem(cert: string, key: string): string | undefined {
  try {
    createSecureContext({ cert, key });
    return undefined;
  } catch (err) {
    // OpenSSL messages name the failing routine, never the key material.
    return `certificate and key are not a valid pair: ${err instanceof Error ? err.message : String(err)}`;
  }
}
