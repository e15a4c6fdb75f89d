import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildSignatureBaseString,
  normalizeBaseUri,
  parseFormPairs,
  parseOAuthHeaderParams,
  percentEncode,
  signRsaSha1,
  verifyRsaSha1,
} from './signature.ts';

describe('RFC 5849 signature base string', () => {
  it('reproduces the example of §3.4.1.1', () => {
    const header = parseOAuthHeaderParams(
      'realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"',
    );
    const base = buildSignatureBaseString(
      'POST',
      'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      [...header, ...parseFormPairs('c2&a3=2+q')],
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('normalizes the base URI as §3.4.1.2 does', () => {
    expect(normalizeBaseUri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123')).toBe(
      'http://example.com/r%20v/X',
    );
    expect(normalizeBaseUri('https://www.example.net:8080/?q=1')).toBe(
      'https://www.example.net:8080/',
    );
  });

  it('percent-encodes per RFC 3986 (space as %20, reserved sub-delims escaped)', () => {
    expect(percentEncode("a b!*'()~-._")).toBe('a%20b%21%2A%27%28%29~-._');
  });

  it('verifies an RSA-SHA1 signature and rejects it for another base string or key', () => {
    const key = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const signature = signRsaSha1('GET&x&y', key.privateKey);
    expect(verifyRsaSha1('GET&x&y', signature, key.publicKey)).toBe(true);
    expect(verifyRsaSha1('GET&x&z', signature, key.publicKey)).toBe(false);
    expect(verifyRsaSha1('GET&x&y', signature, other.publicKey)).toBe(false);
    expect(verifyRsaSha1('GET&x&y', 'not base64!', key.publicKey)).toBe(false);
  });
});
