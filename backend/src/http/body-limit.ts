import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Env } from './env.ts';
import { AppError } from './errors.ts';

/**
 * Refuses bodies over `maxBytes` with `body_too_large` (413) before reading them. A declared
 * Content-Length is checked from the header alone (Node's parser never delivers more bytes than
 * it declares), because touching `c.req.raw.body` builds a full fetch Request and web stream for
 * every request; chunked bodies are counted while read (hono's bodyLimit). GET and HEAD carry none.
 */
export function limitBodySize(maxBytes: number): MiddlewareHandler<Env> {
  const tooLarge = () => {
    throw new AppError('body_too_large', `The body is larger than ${maxBytes} bytes`);
  };
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
      return counted(c, next);
    }
    return Number.parseInt(length, 10) > maxBytes ? tooLarge() : next();
  };
}
