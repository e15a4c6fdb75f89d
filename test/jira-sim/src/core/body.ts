/** Request-body readers shared by the control API and the OAuth endpoints. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';

/** Parse a JSON body with a zod schema; a 400 `{"error":"invalid_body","issues":[…]}` otherwise. */
export async function parseJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new HTTPException(400, {
      res: Response.json({ error: 'invalid_body', issues: ['Body is not JSON.'] }, { status: 400 }),
    });
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    throw new HTTPException(400, {
      res: Response.json({ error: 'invalid_body', issues }, { status: 400 }),
    });
  }
  return result.data;
}

export type BodyParams = {
  kind: 'json' | 'form' | 'none' | 'unsupported';
  params: Map<string, string>;
  duplicated: string[];
};

/**
 * Read OAuth-style parameters from a JSON object or an `application/x-www-form-urlencoded` body.
 * Non-string JSON values are kept as their JSON text (so `"x": 1` does not pass as a string).
 * Repeated form parameters are listed in `duplicated` (RFC 6749 §3.1 forbids them).
 */
export async function readBodyParams(c: Context): Promise<BodyParams> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const text = await c.req.text();
  const params = new Map<string, string>();
  const duplicated: string[] = [];
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { kind: 'unsupported', params, duplicated };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { kind: 'unsupported', params, duplicated };
    for (const [name, value] of Object.entries(parsed))
      params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    return { kind: 'json', params, duplicated };
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(text)) {
      if (params.has(name)) duplicated.push(name);
      params.set(name, value);
    }
    return { kind: 'form', params, duplicated };
  }
  return { kind: text.trim() === '' ? 'none' : 'unsupported', params, duplicated };
}
