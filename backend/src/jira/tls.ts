/**
 * Certificate problems behind a failed Jira call, in words an admin can act on. Node reports
 * them as OpenSSL verify codes on the error's cause chain (undici: `fetch failed` → cause).
 * @see https://nodejs.org/api/tls.html#x509-certificate-error-codes
 */
const TLS_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'Jira presents a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a CA Testbridge does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate was issued by a CA Testbridge does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was issued by a CA Testbridge does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'the certificate chain is incomplete (Jira does not send its intermediate certificates)',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clocks)',
  CERT_REVOKED: 'the certificate was revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the port does not speak TLS (is it plain HTTP?)',
};

export interface TlsFailure {
  /** Node's or OpenSSL's code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  code: string;
  problem: string;
  hint: string;
}

/** The certificate problem behind `error`, if it is one; such failures are not worth retrying. */
export function tlsFailureOf(error: unknown): TlsFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code in TLS_PROBLEMS) {
      return {
        code,
        problem: `${TLS_PROBLEMS[code]} (${code})`,
        hint:
          code === 'ERR_TLS_CERT_ALTNAME_INVALID'
            ? 'Use the Jira URL the certificate was issued for'
            : 'Give Jira a certificate from a public CA with its full chain, or trust your private CA by starting Testbridge with NODE_EXTRA_CA_CERTS=/path/to/ca.pem',
      };
    }
    current = current.cause;
  }
  return undefined;
}
