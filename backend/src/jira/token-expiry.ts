/**
 * When a token answered by an OAuth 2.0 token endpoint expires, from the answer's own
 * `expires_in` and the injected clock's `now` (taken when the answer arrived).
 *
 * openid-client's `expiresIn()` counts down on the real clock in whole seconds, so it reads one
 * second short whenever a second boundary passes between the answer and the call, and never
 * agrees with an injected clock. `undefined` when the answer gives no (valid) lifetime.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokenExpiresAt(
  answer: { readonly expires_in?: unknown },
  now: Date,
): Date | undefined {
  const seconds = answer.expires_in;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(now.getTime() + seconds * 1000);
}
