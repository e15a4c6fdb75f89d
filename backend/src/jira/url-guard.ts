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

/**
 * Where no proxy can be: link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254, Alibaba's
 * 100.100.100.200), unspecified, multicast and reserved. Refused even with private proxies allowed.
 */
const neverProxy = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['100.100.100.200', 32],
  ['169.254.0.0', 16],
  ['192.0.0.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  neverProxy.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['fd00:ec2::254', 128],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  neverProxy.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address a NAT64 address (64:ff9b::/96) reaches; IPv4-mapped ones BlockList knows. */
function nat64Ipv4(address: string): string | undefined {
  const match = /^64:ff9b::(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(
    address,
  );
  if (match?.[1]) return match[1];
  if (!match?.[2] || !match[3]) return undefined;
  const high = Number.parseInt(match[2], 16);
  const low = Number.parseInt(match[3], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for loopback, private, link-local, metadata, multicast and reserved addresses. */
export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a proxy may not be at `address`, or undefined when it may: metadata, link-local and
 * reserved addresses never; loopback and private ranges only when `allowPrivate` (the operator's
 * ALLOW_PRIVATE_PROXY_URLS, since corporate proxies often live on private addresses).
 */
export function proxyAddressRefusal(address: string, allowPrivate: boolean): string | undefined {
  const v4 = nat64Ipv4(address);
  if (v4 !== undefined) return proxyAddressRefusal(v4, allowPrivate);
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (neverProxy.check(address, type))
    return `${address} is a link-local, metadata or reserved address, never a proxy`;
  if (!allowPrivate && blocked.check(address, type))
    return `${address} is a loopback or private address (allowed only with ALLOW_PRIVATE_PROXY_URLS=1)`;
  return undefined;
}

export interface UrlGuardOptions {
  allowPrivate: boolean;
  lookupHost: (host: string) => Promise<string[]>;
}

type Refuse = (message: string) => AppError;

/** `url_not_allowed` naming `field`, with the message for that field. */
function refuserFor(field: string): Refuse {
  return (message) =>
    new AppError('url_not_allowed', `${field}: ${message}`, {
      invalidFields: [{ field, message }],
    });
}

function parseUrl(raw: string, refuse: Refuse): URL {
  try {
    return new URL(raw);
  } catch {
    throw refuse('is not a URL');
  }
}

/** The addresses the URL's host stands for (an IP literal as itself); refused when none. */
async function addressesOf(
  url: URL,
  lookupHost: (host: string) => Promise<string[]>,
  refuse: Refuse,
): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return [host];
  let addresses: string[];
  try {
    addresses = await lookupHost(host);
  } catch {
    throw refuse(`host ${host} does not resolve`);
  }
  if (addresses.length === 0) throw refuse(`host ${host} does not resolve`);
  return addresses;
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
  const refuse = refuserFor(field);
  const url = parseUrl(raw, refuse);
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (options.allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must be http(s)');
    return url;
  }
  if (url.protocol !== 'https:') throw refuse('must use https');
  const bad = (await addressesOf(url, options.lookupHost, refuse)).find(isBlockedAddress);
  if (bad) throw refuse(`resolves to ${bad}, a private, loopback or link-local address`);
  return url;
}

export interface ProxyGuardOptions {
  /** ALLOW_PRIVATE_PROXY_URLS: loopback and private proxies allowed. */
  allowPrivate: boolean;
  lookupHost: (host: string) => Promise<string[]>;
}

/**
 * Refuses a proxy URL that is not http(s) or whose host resolves to an address a proxy may not
 * have (see proxyAddressRefusal): the proxy is no way around the Jira URL guard. The dispatcher
 * checks the address again at connect time.
 * @throws AppError url_not_allowed naming `field`
 */
export async function assertProxyUrlAllowed(
  raw: string,
  field: string,
  options: ProxyGuardOptions,
): Promise<URL> {
  const refuse = refuserFor(field);
  const url = parseUrl(raw, refuse);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must be http(s)');
  if (url.username || url.password)
    throw refuse('must not carry credentials (give proxy.username and proxy.password)');
  for (const address of await addressesOf(url, options.lookupHost, refuse)) {
    const refusal = proxyAddressRefusal(address, options.allowPrivate);
    if (refusal) throw refuse(`resolves to ${refusal}`);
  }
  return url;
}
