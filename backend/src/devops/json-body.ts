import { withoutNulls } from '@testbridge/shared/jira/item-errors';
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { validationError } from '../http/problem.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const NOT_JSON = 'The body is not valid JSON';

/**
 * The request body parsed as JSON, with `null` members left out (Jira reads them as absent):
 * 415 `unsupported_media_type` unless the body is declared JSON, 400 `validation_failed` when it
 * is not JSON (or ends early: the client went away mid-body).
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!JSON_TYPE.test(mediaType)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json');
  }
  try {
    return withoutNulls(await c.req.json());
  } catch (cause) {
    throw new AppError('validation_failed', NOT_JSON, {
      cause,
      invalidFields: [{ field: 'body', message: NOT_JSON }],
    });
  }
}

/**
 * The request body, read by `readJsonBody` and checked with `schema` synchronously: the route
 * validator's async parse costs about 60% more per item, and nothing in these schemas is async.
 * Errors as the validated routes give them: 415, 400 `validation_failed` naming each bad field
 * (`body.builds[0].url`).
 */
export async function parseJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  /** Proves a body valid under `schema` faster than zod can (false: let zod decide). */
  isPlainValid?: (body: unknown) => body is z.output<T>,
): Promise<z.output<T>> {
  const body = await readJsonBody(c);
  if (isPlainValid?.(body)) return body;
  const result = schema.safeParse(body);
  if (!result.success) throw validationError('body', result.error);
  return result.data;
}
