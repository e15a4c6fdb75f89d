import { type LookupAddress, type LookupAllOptions, lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher, Pool, ProxyAgent } from 'undici';
import { isBlockedAddress, proxyAddressRefusal } from './url-guard.ts';

/** An HTTP(S) proxy every call of a connection goes through. */
export interface ProxySettings {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

type Refusal = (address: string) => string | undefined;
type Resolve = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const refused = (message: string): NodeJS.ErrnoException =>
  Object.assign(new Error(message), { code: 'EADDRNOTAVAIL' });

/**
 * DNS lookup that refuses what `refusal` names at connect time, so a host that resolved to an
 * allowed address when checked cannot be re-pointed at a forbidden one afterwards (DNS rebinding).
 * Every new socket goes through it; pooled sockets keep the address it allowed.
 */
export function guardedLookup(refusal: Refusal, resolve: Resolve = lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const entry of addresses) {
        const reason = refusal(entry.address);
        if (reason)
          return callback(
            refused(`${hostname} resolves to ${reason}: refused at connect time`),
            [],
          );
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      return first ? callback(null, first.address, first.family) : callback(null, []);
    });
  };
}

const jiraRefusal: Refusal = (address) =>
  isBlockedAddress(address) ? `${address}, which Jira calls may not reach` : undefined;

/**
 * The connector to a proxy: its address checked again when each socket is opened, an IP literal
 * before connecting (no lookup runs for one) and a host name after DNS.
 */
export function guardProxyConnector(
  allowPrivate: boolean,
  base: buildConnector.connector = buildConnector({
    lookup: guardedLookup((address) => proxyAddressRefusal(address, allowPrivate)),
  }),
): buildConnector.connector {
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const reason = isIP(host) ? proxyAddressRefusal(host, allowPrivate) : undefined;
    if (reason) return callback(refused(`proxy ${reason}: refused at connect time`), null);
    return base(options, callback);
  };
}

export interface JiraDispatcherOptions {
  /** ALLOW_PRIVATE_JIRA_URLS: no address check on direct calls. */
  allowPrivate: boolean;
  /** ALLOW_PRIVATE_PROXY_URLS: loopback and private proxies; metadata and link-local never. */
  allowPrivateProxy?: boolean | undefined;
  proxy?: ProxySettings | undefined;
  /** The most sockets to one origin (undici `connections`); unbounded when absent. */
  connections?: number | undefined;
}

/**
 * The undici dispatcher for one connection: through its proxy when it has one (the proxy's
 * address guarded at connect time), otherwise direct with the rebinding-safe lookup.
 */
export function createJiraDispatcher(options: JiraDispatcherOptions): Dispatcher {
  const limit = options.connections !== undefined ? { connections: options.connections } : {};
  if (options.proxy) {
    const { url, username, password } = options.proxy;
    const token =
      username !== undefined
        ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`
        : undefined;
    const connect = guardProxyConnector(options.allowPrivateProxy ?? false);
    return new ProxyAgent({
      uri: url,
      ...(token ? { token } : {}),
      ...limit,
      clientFactory: (origin, clientOptions) => new Pool(origin, { ...clientOptions, connect }),
    });
  }
  return options.allowPrivate
    ? new Agent(limit)
    : new Agent({ ...limit, connect: { lookup: guardedLookup(jiraRefusal) } });
}

/**
 * One dispatcher per connection, reused by every call (keep-alive sockets, at most `connections`
 * per origin), replaced when the connection's URL or proxy changes and closed when it goes.
 */
export interface DispatcherPool {
  /**
   * The dispatcher of `key` (a connection id) while `fingerprint` (its URL and proxy settings)
   * stays the same; a new fingerprint builds a new one and closes the old (requests already
   * running on it finish). `proxy` is read only when a dispatcher is built.
   */
  get(key: string, fingerprint: string, proxy: () => ProxySettings | undefined): Dispatcher;
  /** Closes `key`'s dispatcher, if any (the connection was deleted). */
  release(key: string): Promise<void>;
  /** Closes every dispatcher (shutdown); `get` refuses afterwards. */
  close(): Promise<void>;
  /** How many dispatchers are open. */
  readonly size: number;
}

export function createDispatcherPool(
  options: Omit<JiraDispatcherOptions, 'proxy'>,
): DispatcherPool {
  const entries = new Map<string, { fingerprint: string; dispatcher: Dispatcher }>();
  let closed = false;
  const shut = (dispatcher: Dispatcher) => dispatcher.close().catch(() => undefined);
  return {
    get(key, fingerprint, proxy) {
      if (closed) throw new Error('the Jira dispatcher pool is closed');
      const entry = entries.get(key);
      if (entry?.fingerprint === fingerprint) return entry.dispatcher;
      if (entry) void shut(entry.dispatcher);
      const dispatcher = createJiraDispatcher({ ...options, proxy: proxy() });
      entries.set(key, { fingerprint, dispatcher });
      return dispatcher;
    },
    async release(key) {
      const entry = entries.get(key);
      if (!entry) return;
      entries.delete(key);
      await shut(entry.dispatcher);
    },
    async close() {
      closed = true;
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((entry) => shut(entry.dispatcher)));
    },
    get size() {
      return entries.size;
    },
  };
}
