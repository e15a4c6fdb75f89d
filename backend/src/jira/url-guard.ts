import { BlockList, isIP } from 'node:net';
import { AppError } from '../http/errors.ts';

/** Addresses a Jira URL must never reach: loopback, private, link-local (cloud metadata), etc. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True for loopback, private, link-local, metadata, multicast and reserved addresses. */
export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface UrlGuardOptions {
  allowPrivate: boolean;
  lookupHost: (host: string) => Promise<string[]>;
}

/**
 * Refuses a Jira URL that is not https or that resolves to an address we must not call (SSRF),
 * unless private URLs are allowed (development and tests: then http and any host are fine).
 * @throws AppError url_not_allowed naming `field`
 */
export async function assertJiraUrlAllowed(
  raw: string,
  field: string,
  options: UrlGuardOptions,
): Promise<URL> {
  const refuse = (message: string) =>
    new AppError('url_not_allowed', `${field}: ${message}`, {
      invalidFields: [{ field, message }],
    });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not a URL');
  }
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (options.allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must be http(s)');
    return url;
  }
  if (url.protocol !== 'https:') throw refuse('must use https');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await options.lookupHost(host);
    } catch {
      throw refuse(`host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw refuse(`host ${host} does not resolve`);
  const bad = addresses.find(isBlockedAddress);
  if (bad) throw refuse(`resolves to ${bad}, a private, loopback or link-local address`);
  return url;
}
