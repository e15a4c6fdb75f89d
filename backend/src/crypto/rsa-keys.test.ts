import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { generateRsaKeyPair, readRsaPrivateKey } from './rsa-keys.ts';
import { PlainSecret } from './secret.ts';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const bodyOf = (pem: string) =>
  pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join('\n');

function refusal(text: string): string {
  try {
    readRsaPrivateKey(new PlainSecret(text), 'body.auth.privateKey');
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('RSA keys for OAuth 1.0a application links', () => {
  it('generates a 2048-bit pair whose public half Jira can take', () => {
    const pair = generateRsaKeyPair();
    expect(pair.bits).toBe(2048);
    expect(pair.warnings).toEqual([]);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(String(pair.privateKey)).toBe('[redacted]');
  });

  it.each([
    ['PKCS#8 PEM', pkcs8],
    ['PKCS#1 PEM', pkcs1],
    ['PKCS#8 without armour', bodyOf(pkcs8)],
    ['PKCS#1 without armour', bodyOf(pkcs1)],
    ['with stray whitespace and CRLF', `\n  ${pkcs8.replaceAll('\n', '\r\n   ')}  \n`],
  ])('reads a pasted key: %s', (_name, text) => {
    const pair = readRsaPrivateKey(new PlainSecret(text), 'body.auth.privateKey');
    expect(pair.bits).toBe(2048);
    const normalised = createPrivateKey(pair.privateKey.reveal());
    expect(normalised.export({ type: 'pkcs8', format: 'pem' }).toString()).toBe(pkcs8);
  });

  it('accepts a 1024-bit key with a warning', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const pair = readRsaPrivateKey(
      new PlainSecret(small.export({ type: 'pkcs8', format: 'pem' }).toString()),
      'body.auth.privateKey',
    );
    expect(pair.warnings[0]).toMatch(/1024 bits/);
  });

  it('refuses what is not an RSA private key of 1024 bits or more, naming the field', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const tiny = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey;
    expect(refusal('hello world!')).toMatch(/^body\.auth\.privateKey: is not a PEM/);
    expect(refusal(bodyOf(pkcs8).slice(0, 200))).toMatch(/not a PKCS#8 or PKCS#1/);
    expect(refusal(ec.export({ type: 'pkcs8', format: 'pem' }).toString())).toMatch(
      /ec key, not RSA/,
    );
    expect(refusal(tiny.export({ type: 'pkcs8', format: 'pem' }).toString())).toMatch(/512 bits/);
  });
});
