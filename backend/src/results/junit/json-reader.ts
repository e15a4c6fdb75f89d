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
  try {
    json = JSON.parse(parts.join(''));
  } catch (cause) {
    const why = cause instanceof Error ? ` (${cause.message})` : '';
    throw reportError(options, `is not valid JSON${why}`, undefined, cause);
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
