import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { AppError } from '../http/errors.ts';
import { PlainSecret } from './secret.ts';

/** An RSA key pair for an OAuth 1.0a application link; the private half never leaves as text. */
export interface RsaKeyPair {
  privateKey: PlainSecret;
  /** SPKI PEM, what Jira's application link "Public key" field takes. */
  publicKeyPem: string;
  bits: number;
  warnings: string[];
}

/** Generates a pair for a new application link. @see RFC 5849 §3.4.3 (RSA-SHA1) */
export function generateRsaKeyPair(bits = 2048): RsaKeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return describe(privateKey);
}

function describe(key: KeyObject): RsaKeyPair {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return {
    privateKey: new PlainSecret(key.export({ type: 'pkcs8', format: 'pem' }).toString()),
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
    bits,
    warnings:
      bits < 2048
        ? [`The key has ${bits} bits; Jira accepts it, but use 2048 bits or more for new links`]
        : [],
  };
}

function tryParse(der: Buffer): KeyObject | undefined {
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/**
 * Reads a pasted private key however it arrives: PEM with its armour lines or only the base64
 * body, PKCS#8 or PKCS#1, with stray whitespace. RSA of 1024 bits or more; under 2048 warns.
 * @throws AppError validation_failed naming `field`
 */
export function readRsaPrivateKey(pasted: PlainSecret, field: string): RsaKeyPair {
  const refuse = (message: string) =>
    new AppError('validation_failed', `${field}: ${message}`, {
      invalidFields: [{ field, message }],
    });
  const body = pasted
    .reveal()
    .replace(/-----(BEGIN|END)[A-Z0-9 ]*-----/g, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw refuse('is not a PEM or base64 private key');
  const key = tryParse(Buffer.from(body, 'base64'));
  if (!key) throw refuse('is not a PKCS#8 or PKCS#1 private key');
  if (key.asymmetricKeyType !== 'rsa') throw refuse(`is a ${key.asymmetricKeyType} key, not RSA`);
  const pair = describe(key);
  if (pair.bits < 1024) throw refuse(`has ${pair.bits} bits; RSA-SHA1 needs 1024 or more`);
  return pair;
}
