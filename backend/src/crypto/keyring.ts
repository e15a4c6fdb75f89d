import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A 256-bit data key and its id (derived from the key, so it needs no bookkeeping). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The primary key seals; every key in `all` (primary included) opens. */
export interface KeyRing {
  primary: MasterKey;
  all: ReadonlyMap<string, MasterKey>;
}

export function parseMasterKey(encoded: string): MasterKey {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error('a master key must be 32 bytes, base64-encoded');
  const id = createHash('sha256')
    .update('testbridge-master-key-id')
    .update(key)
    .digest('base64url')
    .slice(0, 8);
  return { id, key };
}

export function createKeyRing(primary: string, retired: readonly string[] = []): KeyRing {
  const primaryKey = parseMasterKey(primary);
  const all = new Map<string, MasterKey>([[primaryKey.id, primaryKey]]);
  for (const encoded of retired) {
    const key = parseMasterKey(encoded);
    if (!all.has(key.id)) all.set(key.id, key);
  }
  return { primary: primaryKey, all };
}

export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The key file used when TESTBRIDGE_MASTER_KEY is unset: one base64 key per line, the primary
 * first, retired keys after it. Written with mode 0600.
 */
export function readKeyFile(path: string): { primary: string; retired: string[] } | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const [primary, ...retired] = lines;
  if (!primary) throw new Error(`the key file ${path} holds no key`);
  return { primary, retired };
}

export function writeKeyFile(path: string, primary: string, retired: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const body = [
    '# Testbridge master keys: the first seals, all open. Keep this file secret and backed up.',
    primary,
    ...retired,
    '',
  ].join('\n');
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, body, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Puts a new primary key at the head of the key file; the old keys stay, retired. */
export function rotateKeyFile(path: string): { newKeyId: string } {
  const file = readKeyFile(path);
  if (!file) throw new Error(`no key file at ${path}`);
  const fresh = generateMasterKey();
  writeKeyFile(path, fresh, [file.primary, ...file.retired]);
  return { newKeyId: parseMasterKey(fresh).id };
}
