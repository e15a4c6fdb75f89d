import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Keys whose values are secrets wherever they appear in a logged object (one or two levels). */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'privateKey',
  'apiToken',
  'key',
  'verifier',
];

let lastMs = -1;
let lastTime = '';
/** pino's ISO time, formatted once per millisecond (busy services log many lines in each). */
function isoTimeOncePerMs(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastTime = `,"time":"${new Date(ms).toISOString()}"`;
  }
  return lastTime;
}

/**
 * Structured JSON logs (to stdout, buffered: one write per 4 KiB rather than per line) with secrets redacted by key. Values of type PlainSecret also print as
 * `[redacted]` on their own, whatever their key.
 */
export function createLogger(
  options: { level: string; name?: string },
  destination: DestinationStream = pino.destination({ dest: 1, sync: false, minLength: 4096 }),
): Logger {
  // Wildcard paths cost ~10 µs a line each level deep, so name the nested places explicitly.
  const nested = ['headers', 'req.headers', 'body', 'credentials', 'grant', 'tokens'];
  const paths = SECRET_KEYS.flatMap((key) => [key, ...nested.map((at) => `${at}.${key}`)]);
  return pino(
    {
      name: options.name ?? 'testbridge',
      level: options.level,
      redact: { paths, censor: '[redacted]' },
      base: undefined,
      timestamp: isoTimeOncePerMs,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
