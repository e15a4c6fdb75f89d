import { type InvalidField, PROBLEM_CONTENT_TYPE, type Problem } from '@testbridge/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { AppError, statusOf, titleOf } from './errors.ts';

/** `body.items[3].pipeline.id` from a zod issue path under a request part. */
export function fieldName(part: string, path: readonly PropertyKey[]): string {
  let name = part;
  for (const segment of path) {
    name += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return name;
}

export function invalidFieldsOf(part: string, error: ZodError): InvalidField[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        field: fieldName(part, [...issue.path, issue.keys[0] ?? '']),
        message: `unknown field${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}`,
      };
    }
    return { field: fieldName(part, issue.path), message: issue.message };
  });
}

/** Validation failure naming every invalid field. */
export function validationError(part: string, error: ZodError): AppError {
  const invalidFields = invalidFieldsOf(part, error);
  const names = invalidFields.map((f) => f.field).join(', ');
  return new AppError('validation_failed', `Invalid ${names}`, { invalidFields });
}

/** Turns any thrown value into an AppError that is safe to show. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413) return new AppError('body_too_large', error.message, { cause: error });
    if (status === 415) {
      return new AppError('unsupported_media_type', 'Send the body as application/json', {
        cause: error,
      });
    }
    if (status === 400) {
      const detail = /json/i.test(error.message) ? 'The body is not valid JSON' : error.message;
      return new AppError('validation_failed', detail, {
        cause: error,
        invalidFields: [{ field: 'body', message: detail }],
      });
    }
    if (status === 401) return new AppError('unauthenticated', error.message, { cause: error });
    if (status === 403) return new AppError('forbidden', error.message, { cause: error });
    if (status === 404) return new AppError('not_found', error.message, { cause: error });
  }
  return new AppError('internal_error', 'Something went wrong on our side', { cause: error });
}

export function problemOf(error: AppError, requestId: string | undefined): Problem {
  // Extensions come first so they can never replace a member RFC 9457 or we define.
  return {
    ...error.extensions,
    type: `https://testbridge.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: titleOf[error.code],
    status: statusOf[error.code],
    detail: error.message,
    code: error.code,
    ...(requestId ? { requestId } : {}),
    ...(error.invalidFields ? { invalidFields: error.invalidFields } : {}),
  };
}

/** Renders an error as `application/problem+json`. */
export function renderProblem(c: Context, error: AppError): Response {
  const requestId = c.get('requestId') as string | undefined;
  const body = problemOf(error, requestId);
  const headers = new Headers(error.headers);
  headers.set('content-type', PROBLEM_CONTENT_TYPE);
  if (requestId) headers.set('x-request-id', requestId);
  return new Response(JSON.stringify(body), { status: body.status, headers });
}
