/**
 * The JSON report format (`{ "format": "testbridge/v1", "tests": [...] }`, shared/api/test-report)
 * read into the same `ReportTestCase` stream the JUnit reader yields, so the import has one shape.
 */
import { type ReportTestCase, TestReport } from '@testbridge/shared/api/test-report';
import { AppError } from '../../http/errors.ts';
import { invalidFieldsOf } from '../../http/problem.ts';
import {
  DEFAULT_MAX_BYTES,
  type ReportLimits,
  type ReportSource,
  reportBytes,
  reportError,
  utf8Text,
} from './input.ts';

export interface JsonReadOptions extends ReportSource {
  limits?: Partial<ReportLimits>;
}

/**
 * Where V8's JSON.parse error points: its `at position N`, else the text it quotes
 * (`"...sts": [ oops" is not valid JSON`), else the end (a truncated file).
 */
export function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const position = /at position (\d+)/.exec(message)?.[1];
  let offset = text.length;
  if (position !== undefined) offset = Number(position);
  else {
    // V8 quotes ~10 characters either side of the error, with `...` where it cut the text.
    const quote = /(\.\.\.)?"([\s\S]+?)"(?: is not valid JSON)$/.exec(message);
    const window = quote?.[2]?.replace(/\.\.\.$/, '');
    const at = window ? text.indexOf(window) : -1;
    if (at >= 0) {
      const token = /^Unexpected token '(.)'/.exec(message)?.[1];
      const from = at + (quote?.[1] ? Math.min(10, window?.length ?? 0) : 0);
      const found = token === undefined ? -1 : text.indexOf(token, Math.max(at, from - 1));
      offset = found >= 0 ? found : from;
    }
  }
  const before = text.slice(0, Math.min(offset, text.length));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** A report with thousands of bad rows names the first ones only. */
const MAX_INVALID_FIELDS = 100;

async function* bytesOf(source: AsyncIterable<Uint8Array> | string): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') yield Buffer.from(source, 'utf8');
  else yield* source;
}

/**
 * Reads a JSON report (raw or gzip, UTF-8, at most `limits.maxBytes` bytes once decompressed; it
 * is parsed whole) and yields its tests. Invalid JSON or a body that is not a `TestReport` throws
 * `AppError('validation_failed')` whose invalidFields are named `<field>.tests[3].status`.
 */
export async function* readJsonReport(
  source: AsyncIterable<Uint8Array> | string,
  options: JsonReadOptions,
): AsyncGenerator<ReportTestCase> {
  const limits = { maxBytes: DEFAULT_MAX_BYTES, ...options.limits };
  const parts: string[] = [];
  const text = utf8Text(reportBytes(bytesOf(source), limits, options), (cause) =>
    reportError(options, 'is not valid UTF-8', undefined, cause),
  );
  for await (const part of text) parts.push(part);
  let json: unknown;
  const whole = parts.join('');
  try {
    json = JSON.parse(whole);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : 'not JSON';
    throw reportError(options, `is not valid JSON (${why})`, jsonErrorPosition(whole, why), cause);
  }
  const parsed = TestReport.safeParse(json);
  if (!parsed.success) {
    const all = invalidFieldsOf(options.field, parsed.error);
    const invalidFields = all.slice(0, MAX_INVALID_FIELDS);
    const more =
      all.length > invalidFields.length ? ` and ${all.length - invalidFields.length} more` : '';
    const names = invalidFields.slice(0, 5).map((f) => f.field);
    const listed = all.length > 5 ? `${names.join(', ')}, …` : names.join(', ');
    throw new AppError('validation_failed', `${options.fileName}: invalid ${listed}${more}`, {
      invalidFields,
    });
  }
  yield* parsed.data.tests;
}
