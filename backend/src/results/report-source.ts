import type { ReportTestCase } from '@testbridge/shared/api/test-report';
import { AppError } from '../http/errors.ts';
import { readJsonReport } from './json-report.ts';

export interface UploadMeta {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  fileName: string | undefined;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The cases of one uploaded report, read lazily from the streamed body. Checks the media type at
 * once (before anything is read).
 * @throws AppError unsupported_media_type
 */
export function openReport(
  body: AsyncIterable<Uint8Array>,
  meta: UploadMeta,
  maxBytes: number,
): AsyncIterable<ReportTestCase> {
  const contentType = meta.contentType ?? '';
  // MERGE: readReport — the JUnit reader takes over here (JUnit XML raw or gzip, and this JSON
  // format): `readReport(body, { contentType, contentEncoding, fileName, field: 'body' })`.
  if (!JSON_TYPE.test(contentType)) {
    throw new AppError(
      'unsupported_media_type',
      `Send the report as application/json (the testbridge/v1 format); got ${contentType || 'no Content-Type'}`,
    );
  }
  return readJsonReport(
    body,
    {
      contentType,
      contentEncoding: meta.contentEncoding,
      fileName: meta.fileName,
      field: 'body',
    },
    maxBytes,
  );
}
