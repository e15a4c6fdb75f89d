/**
 * JQL date operands: absolute dates, relative periods (`-7d`, `-2w 1d`) and the date functions,
 * evaluated on the simulator clock in UTC (the simulated users' time zone is ignored).
 * @see https://support.atlassian.com/jira-software-cloud/docs/jql-fields/#Created
 */
import { JqlError } from './parse.ts';

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = {
  m: MINUTE,
  h: 60 * MINUTE,
  d: 24 * 60 * MINUTE,
  w: 7 * 24 * 60 * MINUTE,
};

function invalid(value: string, field: string): never {
  throw new JqlError([
    `Date value '${value}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  ]);
}

function periodMs(text: string): number | null {
  const match = /^([-+]?)((?:\s*\d+\s*[wdhm])+)$/i.exec(text.trim());
  if (!match?.[2]) return null;
  let total = 0;
  for (const part of match[2].matchAll(/(\d+)\s*([wdhm])/gi))
    total += Number(part[1]) * (UNIT_MS[(part[2] ?? '').toLowerCase()] ?? 0);
  return match[1] === '-' ? -total : total;
}

/** An absolute or relative JQL date value, as epoch ms. */
export function resolveJqlDate(text: string, field: string, now: number): number {
  const relative = periodMs(text);
  if (relative !== null) return now + relative;
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!match) return invalid(text, field);
  const [, y, mo, d, h, mi] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
  return Number.isFinite(ms) ? ms : invalid(text, field);
}

const DAY = UNIT_MS.d ?? 86_400_000;

/** `now()`, `startOfDay()`, `endOfDay()`, `startOfWeek()`, `startOfMonth()` with an optional offset. */
export function resolveDateFunction(name: string, args: string[], now: number): number | null {
  const offset = args[0] === undefined ? 0 : periodMs(args[0]);
  if (offset === null) return null;
  const day = Math.floor(now / DAY) * DAY;
  const date = new Date(now);
  switch (name) {
    case 'now':
      return now + offset;
    case 'startofday':
      return day + offset;
    case 'endofday':
      return day + DAY - 1 + offset;
    case 'startofweek':
      return day - ((date.getUTCDay() + 6) % 7) * DAY + offset;
    case 'startofmonth':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) + offset;
    default:
      return null;
  }
}
