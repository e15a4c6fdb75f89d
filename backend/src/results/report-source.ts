import type { ReportTestCase } from '@testbridge/shared/api/test-report';
import { readReport } from './junit/read-report.ts';

export interface UploadMeta {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  fileName: string | undefined;
}

/**
 * The cases of one uploaded report, read lazily from the streamed body: JUnit XML
 * (`application/xml`, `text/xml`) or the testbridge/v1 JSON format (`application/json`), raw or
 * gzip, at most `maxBytes` once decompressed. The media type is checked at once, before
 * anything is read.
 * @throws AppError unsupported_media_type
 */
export function openReport(
  body: AsyncIterable<Uint8Array>,
  meta: UploadMeta,
  maxBytes: number,
): AsyncIterable<ReportTestCase> {
  return readReport(body, {
    contentType: meta.contentType,
    contentEncoding: meta.contentEncoding,
    fileName: meta.fileName ?? 'the report',
    field: 'body',
    limits: { maxBytes },
  });
}
