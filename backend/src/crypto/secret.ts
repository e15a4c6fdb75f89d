import { inspect } from 'node:util';

declare const sealedBrand: unique symbol;

/**
 * A secret encrypted by the Sealer: `tbs1.<keyId>.<nonce>.<ciphertext+tag>`. Only this type may be
 * stored in a secret column, so a repository cannot persist plain text by mistake.
 */
export type SealedSecret = string & { readonly [sealedBrand]: true };

/**
 * A secret in the clear. It never serialises (JSON, logs, `util.inspect`) as its value; the only
 * way to read it is `reveal()`, at the point where it is sent to its owner (Jira, once to a user).
 */
export class PlainSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  equals(other: PlainSecret): boolean {
    return this.#value === other.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'PlainSecret([redacted])';
  }
}

/**
 * What a sealed value is bound to: the owning row and field. Opening it under any other binding
 * fails, so a sealed value copied to another row or column is useless.
 */
export interface SealBinding {
  table: string;
  column: string;
  rowId: string;
}
