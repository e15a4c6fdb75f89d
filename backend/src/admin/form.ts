import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { toAppError } from '../http/problem.ts';
import type { FieldErrors } from './layout.tsx';

/** A posted form's text fields (files ignored; `_csrf` dropped), trimmed; empty ones left out. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf' || typeof value !== 'string') continue;
    const trimmed = name.endsWith('privateKey') ? value : value.trim();
    if (trimmed !== '') fields[name] = trimmed;
  }
  return fields;
}

/** `{'proxy.url': 'x'}` → `{proxy: {url: 'x'}}`: form names are the API body's field paths. */
export function nestFields(fields: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node[part] =
        typeof next === 'object' && next !== null ? next : ({} as Record<string, unknown>);
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] ?? path] = value;
  }
  return root;
}

/**
 * Parses a request body with the API's own contract: the same zod schema the JSON route uses,
 * so the form and the API accept exactly the same things. @throws AppError validation_failed
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError('validation_failed', 'Some fields need attention', {
    invalidFields: result.error.issues.map((issue) => ({
      field: ['body', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });
}

/** What a form shows for a failed action: the message and each field's error by form name. */
export interface FormFailure {
  message: string;
  errors: FieldErrors;
  status: 400 | 401 | 403 | 404 | 409 | 422 | 502 | 504;
}

/**
 * Turns what a service threw into the form's errors (`body.proxy.url` → field `proxy.url`).
 * Anything that is not a 4xx or a Jira outage is thrown on, for the app's error handler.
 */
export function formFailureOf(error: unknown): FormFailure {
  const appError = toAppError(error);
  const status = appError.status;
  if (
    status !== 400 &&
    status !== 401 &&
    status !== 403 &&
    status !== 404 &&
    status !== 409 &&
    status !== 422 &&
    status !== 502 &&
    status !== 504
  )
    throw error;
  const errors: FieldErrors = {};
  for (const field of appError.invalidFields ?? []) {
    const name = field.field.replace(/^body\./, '');
    errors[name] = errors[name] ? `${errors[name]}; ${field.message}` : field.message;
  }
  return { message: appError.message, errors, status };
}
