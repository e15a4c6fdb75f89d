import { AppError } from '../http/errors.ts';

/** Where a page starts, as an opaque cursor: a Jira offset or a Jira Cloud page token. */
export type Position = { startAt: number } | { token: string };

export function encodeCursor(position: Position | null): string | null {
  if (position === null) return null;
  const text = 'token' in position ? `t:${position.token}` : `o:${position.startAt}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * The position a cursor from this API stands for; `field` names it when it is not one.
 * @throws AppError validation_failed
 */
export function decodeCursor(cursor: string | undefined, field: string): Position | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = /^o:(\d{1,9})$/.exec(text);
  if (offset?.[1]) return { startAt: Number(offset[1]) };
  if (text.startsWith('t:') && text.length > 2) return { token: text.slice(2) };
  throw new AppError('validation_failed', `Invalid ${field}`, {
    invalidFields: [{ field, message: 'is not a cursor from this API' }],
  });
}

/** An offset cursor (catalog pages); a token cursor there is someone else's cursor. */
export function decodeOffset(cursor: string | undefined, field: string): number {
  const position = decodeCursor(cursor, field);
  if (position === undefined) return 0;
  if ('startAt' in position) return position.startAt;
  throw new AppError('validation_failed', `Invalid ${field}`, {
    invalidFields: [{ field, message: 'is not a cursor of this list' }],
  });
}
