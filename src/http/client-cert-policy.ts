/**
 * The web config's `client_auth_type`, enforced on the HTTPS listener with Go `crypto/tls` semantics
 * (exporter-toolkit `web/tls_config.go` maps each name onto `tls.ClientAuthType`):
 *
 * | policy                       | no certificate | certificate that verifies | certificate that does not verify |
 * |------------------------------|----------------|---------------------------|----------------------------------|
 * | `NoClientCert`               | accepted       | not asked for             | not asked for                    |
 * | `RequestClientCert`          | accepted       | accepted                  | accepted (not verified)          |
 * | `RequireAnyClientCert`       | rejected       | accepted                  | accepted (not verified)          |
 * | `VerifyClientCertIfGiven`    | accepted       | accepted                  | rejected                         |
 * | `RequireAndVerifyClientCert` | rejected       | accepted                  | rejected                         |
 *
 * "Verifies" means the chain leads to a CA of `client_ca_file` (without one, to Node's bundled root CAs, as Go falls
 * back to the system roots). Node's `requestCert`/`rejectUnauthorized` pair expresses only the first, second and
 * last rows, so the listener asks for a certificate whenever the policy is not `NoClientCert` and decides with
 * `clientCertVerdict` once the handshake is done.
 */
import type { ClientAuthType } from '../config/web-config.js';

/** What the finished handshake says about the client's certificate (from `tls.TLSSocket`). */
export interface PeerCertificateState {
  /** The client sent a certificate (`getPeerCertificate()` is not empty). */
  readonly presented: boolean;
  /** The certificate chain verified against the CA bundle (`socket.authorized`). */
  readonly authorized: boolean;
  /** OpenSSL's reason when it did not verify (`socket.authorizationError`), e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`. */
  readonly authorizationError?: string;
}

/** Accept, or reject with a reason for the log (never shown to the client: Go sends only a TLS alert). */
export type ClientCertVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The Node listener options for a policy: ask for a certificate unless `NoClientCert`, let OpenSSL reject only for the strictest. */
export function tlsListenerOptions(policy: ClientAuthType): { requestCert: boolean; rejectUnauthorized: boolean } {
  return {
    requestCert: policy !== 'NoClientCert',
    // With both set OpenSSL itself fails the handshake of a client without a certificate (a proper TLS alert, as Go
    // sends); Node also destroys an unverified one. The looser policies need to see unverified certificates.
    rejectUnauthorized: policy === 'RequireAndVerifyClientCert',
  };
}

/**
 * Decides whether a finished TLS handshake may go on to HTTP under `policy` (the table above).
 *
 * @returns `{ ok: true }`, or `{ ok: false, reason }` when the connection must be closed before any request is read
 */
export function clientCertVerdict(policy: ClientAuthType, peer: PeerCertificateState): ClientCertVerdict {
  const requiresCert = policy === 'RequireAnyClientCert' || policy === 'RequireAndVerifyClientCert';
  const verifiesCert = policy === 'VerifyClientCertIfGiven' || policy === 'RequireAndVerifyClientCert';
  if (!peer.presented) {
    return requiresCert ? { ok: false, reason: 'client did not provide a certificate' } : { ok: true };
  }
  if (verifiesCert && !peer.authorized) {
    return { ok: false, reason: `client certificate does not verify: ${peer.authorizationError ?? 'unknown error'}` };
  }
  return { ok: true };
}
