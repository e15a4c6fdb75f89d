/**
 * A simulated network failure. The in-process `fetch` turns it into the TypeError undici throws
 * ("fetch failed" with a coded cause); the standalone server destroys the socket instead.
 */
export class ConnectionDroppedError extends Error {
  readonly code: 'ECONNRESET' | 'ECONNREFUSED';
  constructor(code: 'ECONNRESET' | 'ECONNREFUSED') {
    super(
      code === 'ECONNREFUSED'
        ? 'connect ECONNREFUSED (simulated outage)'
        : 'other side closed (simulated)',
    );
    this.name = 'ConnectionDroppedError';
    this.code = code;
  }
}

/** What Node's fetch (undici) rejects with when a connection fails. */
export function toFetchError(error: ConnectionDroppedError): TypeError {
  const cause = Object.assign(new Error(error.message), {
    code: error.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'UND_ERR_SOCKET',
  });
  return new TypeError('fetch failed', { cause });
}
