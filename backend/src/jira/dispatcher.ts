import { lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, type Dispatcher, ProxyAgent } from 'undici';
import { isBlockedAddress } from './url-guard.ts';

/** An HTTP(S) proxy every call of a connection goes through. */
export interface ProxySettings {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

/**
 * DNS lookup that refuses blocked addresses at connect time, so a host that resolved to a public
 * address when checked cannot be re-pointed at a private one afterwards (DNS rebinding).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((entry) => isBlockedAddress(entry.address));
    if (bad) {
      const refused: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${bad.address}, which Jira calls may not reach`,
      );
      refused.code = 'EADDRNOTAVAIL';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    return first ? callback(null, first.address, first.family) : callback(null, []);
  });
};

/**
 * The undici dispatcher for one connection: through its proxy when it has one (the proxy itself
 * is the admin's choice and may be private), otherwise direct with the rebinding-safe lookup.
 */
export function createJiraDispatcher(options: {
  allowPrivate: boolean;
  proxy?: ProxySettings | undefined;
}): Dispatcher {
  if (options.proxy) {
    const { url, username, password } = options.proxy;
    const token =
      username !== undefined
        ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`
        : undefined;
    return new ProxyAgent({ uri: url, ...(token ? { token } : {}) });
  }
  return options.allowPrivate ? new Agent() : new Agent({ connect: { lookup: guardedLookup } });
}
