/**
 * How each kind of Jira delivery proves where it comes from. Every check fails closed with
 * AppError `unauthenticated` (401), before anything is parsed or stored.
 * @see ../../../shared/reference/jira-protocols.md §8 (webhooks)
 */
import { createHash, createHmac, getHashes, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import type { PlainSecret } from '../crypto/secret.ts';
import { AppError } from '../http/errors.ts';

const refuse = (message: string, cause?: unknown) =>
  new AppError('unauthenticated', message, cause === undefined ? {} : { cause });

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * A dynamic (OAuth 2.0) webhook's bearer JWT: HS256 signed with the OAuth app's client secret.
 * Atlassian documents no claim set, so only the signature and `exp` are checked (with `exp` required).
 * @throws AppError unauthenticated
 */
export async function verifyDynamicJwt(
  authorization: string | undefined,
  clientSecret: PlainSecret,
  now: Date,
): Promise<void> {
  const token = BEARER.exec(authorization ?? '')?.[1];
  if (!token) throw refuse('A dynamic webhook delivery carries a bearer JWT');
  try {
    await jwtVerify(token, new TextEncoder().encode(clientSecret.reveal()), {
      algorithms: ['HS256'],
      currentDate: now,
      requiredClaims: ['exp'],
    });
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      throw refuse(`The delivery's JWT is not valid (${error.code})`, error);
    }
    throw error;
  }
}

const HUB = /^([a-z0-9-]+)=([0-9a-f]+)$/i;
/** Methods accepted in `X-Hub-Signature` (read from its prefix, as Jira may change it). */
const HUB_METHODS = new Set(['sha256', 'sha384', 'sha512']);

/**
 * `X-Hub-Signature: <method>=<hex HMAC of the raw body>` of an admin webhook with a secret,
 * compared in constant time.
 * @throws AppError unauthenticated
 */
export function verifyHubSignature(
  header: string | undefined,
  secret: PlainSecret,
  rawBody: Uint8Array,
): void {
  const match = HUB.exec(header?.trim() ?? '');
  if (!match) throw refuse('The delivery has no X-Hub-Signature');
  const method = (match[1] ?? '').toLowerCase();
  if (!HUB_METHODS.has(method) || !getHashes().includes(method)) {
    throw refuse(`X-Hub-Signature method ${method} is not accepted`);
  }
  const expected = createHmac(method, secret.reveal()).update(rawBody).digest();
  const given = Buffer.from(match[2] ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw refuse('X-Hub-Signature does not match the body');
  }
}

/** A new URL token for Data Center webhooks without a signature (256 bits, base64url). */
export function newUrlToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new HMAC secret for admin webhooks (256 bits, hex: Jira's form field takes any text). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('hex');
}

/** What is stored of a URL token: its SHA-256 (hex). */
export function hashUrlToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The URL token against the stored hash, in constant time.
 * @throws AppError unauthenticated
 */
export function verifyUrlToken(token: string, storedHash: string): void {
  const given = Buffer.from(hashUrlToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
    throw refuse('The webhook URL token is not valid');
  }
}
