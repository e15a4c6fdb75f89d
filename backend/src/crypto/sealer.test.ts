import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeyRing, generateMasterKey } from './keyring.ts';
import { createSealer, UnsealError } from './sealer.ts';
import { PlainSecret, type SealedSecret } from './secret.ts';

const binding = { table: 'connections', column: 'client_secret', rowId: 'conn-1' };
const keyA = generateMasterKey();
const keyB = generateMasterKey();

function reasonOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof UnsealError) return error.reason;
    throw error;
  }
  return 'opened';
}

describe('sealer', () => {
  const sealer = createSealer(createKeyRing(keyA));

  it('opens what it sealed, and seals the same secret differently each time', () => {
    const secret = new PlainSecret('s3cr3t-value');
    const first = sealer.seal(secret, binding);
    const second = sealer.seal(secret, binding);
    expect(first).not.toBe(second);
    expect(first).not.toContain('s3cr3t');
    expect(first.startsWith(`tbs1.${sealer.primaryKeyId}.`)).toBe(true);
    expect(sealer.open(first, binding).reveal()).toBe('s3cr3t-value');
  });

  it('refuses a tampered value', () => {
    const sealed = sealer.seal(new PlainSecret('value'), binding);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(reasonOf(() => sealer.open(parts.join('.') as SealedSecret, binding))).toBe(
      'authentication_failed',
    );
  });

  it('refuses a value moved to another row or another column', () => {
    const sealed = sealer.seal(new PlainSecret('value'), binding);
    expect(reasonOf(() => sealer.open(sealed, { ...binding, rowId: 'conn-2' }))).toBe(
      'authentication_failed',
    );
    expect(reasonOf(() => sealer.open(sealed, { ...binding, column: 'refresh_token' }))).toBe(
      'authentication_failed',
    );
  });

  it('refuses a value whose key id was rewritten to another known key', () => {
    const both = createSealer(createKeyRing(keyA, [keyB]));
    const other = createSealer(createKeyRing(keyB));
    const sealed = both.seal(new PlainSecret('value'), binding);
    const forged = sealed.replace(both.primaryKeyId, other.primaryKeyId) as SealedSecret;
    expect(reasonOf(() => both.open(forged, binding))).toBe('authentication_failed');
  });

  it('refuses malformed values and values under unknown keys', () => {
    expect(reasonOf(() => sealer.open('plain-text' as SealedSecret, binding))).toBe('malformed');
    const foreign = createSealer(createKeyRing(keyB)).seal(new PlainSecret('v'), binding);
    expect(reasonOf(() => sealer.open(foreign, binding))).toBe('unknown_key');
  });

  it('keeps opening values sealed under a retired key after rotation', () => {
    const old = createSealer(createKeyRing(keyA));
    const sealed = old.seal(new PlainSecret('kept'), binding);
    const rotated = createSealer(createKeyRing(keyB, [keyA]));
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.open(sealed, binding).reveal()).toBe('kept');
    expect(rotated.needsReseal(rotated.seal(new PlainSecret('kept'), binding))).toBe(false);
  });

  it('asks for fresh keys once when a value names a key it does not know yet', () => {
    const newer = createSealer(createKeyRing(keyB, [keyA]));
    const sealed = newer.seal(new PlainSecret('from another process'), binding);
    let reloads = 0;
    const running = createSealer(createKeyRing(keyA), () => {
      reloads += 1;
      return createKeyRing(keyB, [keyA]);
    });
    expect(running.open(sealed, binding).reveal()).toBe('from another process');
    expect(running.open(sealed, binding).reveal()).toBe('from another process');
    expect(reloads).toBe(1);
    // It keeps sealing under the key it started with, which stays readable everywhere.
    const ownSeal = running.seal(new PlainSecret('x'), binding);
    expect(ownSeal.startsWith(`tbs1.${running.primaryKeyId}.`)).toBe(true);
    expect(newer.needsReseal(ownSeal)).toBe(true);
  });
});

describe('PlainSecret', () => {
  it('never shows its value when serialised, printed or interpolated', () => {
    const secret = new PlainSecret('hunter2');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(`${secret}`).toBe('[redacted]');
    expect(inspect({ secret })).not.toContain('hunter2');
    expect(secret.reveal()).toBe('hunter2');
  });
});
