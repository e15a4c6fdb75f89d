import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing, MasterKey } from './keyring.ts';
import { PlainSecret, type SealBinding, type SealedSecret } from './secret.ts';

const VERSION = 'tbs1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a sealed value cannot be opened: tampered, wrong binding or unknown key. */
export class UnsealError extends Error {
  constructor(
    message: string,
    readonly reason: 'malformed' | 'unknown_key' | 'authentication_failed',
  ) {
    super(message);
    this.name = 'UnsealError';
  }
}

/** AES-256-GCM sealing of secrets at rest, bound to their row and field. */
export interface Sealer {
  seal(secret: PlainSecret, binding: SealBinding): SealedSecret;
  open(sealed: SealedSecret, binding: SealBinding): PlainSecret;
  /** True when the value is not sealed under the current primary key. */
  needsReseal(sealed: SealedSecret): boolean;
  readonly primaryKeyId: string;
}

function associatedData(keyId: string, binding: SealBinding): Buffer {
  return Buffer.from(
    `${VERSION}|${keyId}|${binding.table}.${binding.column}|${binding.rowId}`,
    'utf8',
  );
}

function parseSealed(sealed: string): { keyId: string; nonce: Buffer; body: Buffer } {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new UnsealError('not a sealed value', 'malformed');
  }
  const [, keyId = '', nonce = '', body = ''] = parts;
  const nonceBytes = Buffer.from(nonce, 'base64url');
  const bodyBytes = Buffer.from(body, 'base64url');
  if (nonceBytes.length !== NONCE_BYTES || bodyBytes.length < TAG_BYTES) {
    throw new UnsealError('sealed value has a bad nonce or body', 'malformed');
  }
  return { keyId, nonce: nonceBytes, body: bodyBytes };
}

/**
 * @param keys the key ring; `reloadKeys` is asked once for a fresh ring when a value names a key
 *   this process does not know yet (another process rotated while this one runs).
 */
export function createSealer(keys: KeyRing, reloadKeys?: () => KeyRing | undefined): Sealer {
  let ring = keys;

  function keyFor(keyId: string): MasterKey {
    let key = ring.all.get(keyId);
    if (!key && reloadKeys) {
      const fresh = reloadKeys();
      if (fresh) {
        // Keep sealing with the primary this process started with; it stays readable.
        ring = { primary: ring.primary, all: new Map([...ring.all, ...fresh.all]) };
        key = ring.all.get(keyId);
      }
    }
    if (!key) throw new UnsealError(`no master key with id ${keyId}`, 'unknown_key');
    return key;
  }

  return {
    get primaryKeyId() {
      return ring.primary.id;
    },
    seal(secret, binding) {
      const { id, key } = ring.primary;
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(associatedData(id, binding));
      const body = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${VERSION}.${id}.${nonce.toString('base64url')}.${Buffer.concat([body, tag]).toString('base64url')}` as SealedSecret;
    },
    open(sealed, binding) {
      const { keyId, nonce, body } = parseSealed(sealed);
      const { key } = keyFor(keyId);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(associatedData(keyId, binding));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        const plain = Buffer.concat([
          decipher.update(body.subarray(0, body.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return new PlainSecret(plain.toString('utf8'));
      } catch {
        throw new UnsealError(
          `sealed ${binding.table}.${binding.column} of ${binding.rowId} failed authentication`,
          'authentication_failed',
        );
      }
    },
    needsReseal(sealed) {
      return parseSealed(sealed).keyId !== ring.primary.id;
    },
  };
}
