/** PKCE (RFC 7636) with S256 only. @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2 */
import { createHash } from 'node:crypto';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** BASE64URL(SHA256(ASCII(code_verifier))) without padding. */
export function computeS256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function isWellFormedVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** An S256 challenge is always 43 base64url characters. */
export function isWellFormedChallenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

/** Whether `verifier` matches the stored S256 `challenge`. */
export function matchesChallenge(verifier: string, challenge: string): boolean {
  return isWellFormedVerifier(verifier) && computeS256Challenge(verifier) === challenge;
}
