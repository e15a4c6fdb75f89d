/**
 * One entry for an uploaded report file: picks the reader from the Content-Type, checks the
 * Content-Encoding, and yields the same `ReportTestCase` stream whatever the format.
 */
import type { ReportTestCase } from '@testbridge/shared/api/test-report';
import { AppError } from '../../http/errors.ts';
import { isGzipMagic, peekHead, reportError } from './input.ts';
import { readJsonReport } from './json-reader.ts';
import { type JUnitLimits, readJUnitReport } from './junit-reader.ts';

export interface ReadReportOptions {
  /** The upload's Content-Type; parameters such as `; charset=utf-8` are ignored. */
  contentType: string | undefined;
  contentEncoding: string | undefined;
  fileName: string;
  field: string;
  limits?: Partial<JUnitLimits>;
}

const JUNIT_TYPES = new Set(['application/xml', 'text/xml']);
const JSON_TYPES = new Set(['application/json']);
const GZIP_ENCODINGS = new Set(['gzip', 'x-gzip']);
const PLAIN_ENCODINGS = new Set(['', 'identity']);

/** Accepted media types, for error messages and API docs. */
export const REPORT_MEDIA_TYPES = [...JUNIT_TYPES, ...JSON_TYPES];

/**
 * The reader for this upload: JUnit XML for `application/xml` and `text/xml`, the JSON report
 * for `application/json`; gzip by `Content-Encoding: gzip` or by its magic bytes. Throws
 * `unsupported_media_type` at once for any other type or encoding; everything else is reported
 * by the returned generator as it reads (see `readJUnitReport`, `readJsonReport`).
 */
export function readReport(
  source: AsyncIterable<Uint8Array>,
  options: ReadReportOptions,
): AsyncGenerator<ReportTestCase> {
  const mediaType = options.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const encoding = options.contentEncoding?.trim().toLowerCase() ?? '';
  const report = { fileName: options.fileName, field: options.field };
  if (!GZIP_ENCODINGS.has(encoding) && !PLAIN_ENCODINGS.has(encoding)) {
    throw new AppError(
      'unsupported_media_type',
      `${options.fileName}: Content-Encoding ${encoding} is not supported; send gzip or no encoding`,
    );
  }
  const input = GZIP_ENCODINGS.has(encoding) ? checkedGzip(source, report) : source;
  if (JUNIT_TYPES.has(mediaType)) {
    return readJUnitReport(input, { ...report, limits: options.limits });
  }
  if (JSON_TYPES.has(mediaType)) {
    return readJsonReport(input, { ...report, limits: options.limits });
  }
  throw new AppError(
    'unsupported_media_type',
    `${options.fileName}: ${mediaType ? `${mediaType} is not` : 'a report without a Content-Type is not'} accepted; send ${REPORT_MEDIA_TYPES.join(', ')}`,
  );
}

/** The body, checked to be gzip as its Content-Encoding says (the readers then gunzip it). */
async function* checkedGzip(
  source: AsyncIterable<Uint8Array>,
  report: { fileName: string; field: string },
): AsyncGenerator<Uint8Array> {
  const { head, replay, stop } = await peekHead(source);
  if (!isGzipMagic(head)) {
    await stop();
    throw reportError(report, 'is sent as Content-Encoding gzip but is not gzip');
  }
  yield* replay;
}
