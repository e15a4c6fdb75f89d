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

/**
 * Structured JSON logs with secrets redacted by key. Values of type PlainSecret also print as
 * `[redacted]` on their own, whatever their key.
 */
export function createLogger(
  options: { level: string; name?: string },
  destination?: DestinationStream,
): Logger {
  const paths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return pino(
    {
      name: options.name ?? 'testbridge',
      level: options.level,
      redact: { paths, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
