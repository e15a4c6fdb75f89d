import { describe, expect, it } from 'vitest';
import { tokenExpiresAt } from './token-expiry.ts';

describe('tokenExpiresAt', () => {
  const now = new Date('2026-01-01T10:00:00.000Z');

  it('adds the answer’s expires_in to the injected clock, to the millisecond', () => {
    expect(tokenExpiresAt({ expires_in: 3600 }, now)?.toISOString()).toBe(
      '2026-01-01T11:00:00.000Z',
    );
  });

  it('gives no expiry for a missing, zero, negative or non-numeric lifetime', () => {
    for (const expires_in of [undefined, 0, -5, '3600', Number.NaN]) {
      expect(tokenExpiresAt({ expires_in }, now)).toBeUndefined();
    }
  });
});
