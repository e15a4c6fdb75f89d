/**
 * One-off: copy recorded Jira webhook payloads (jira-to-matrix's test fixtures) into
 * `fixtures/webhook-payloads/`, without the keys the recorder added (`label`, `level`, `message`)
 * and without string timestamps (Jira sends epoch milliseconds).
 * Usage: `tsx scripts/extract-webhook-payloads.ts <reference-dir>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const PAYLOADS = [
  'issue_created',
  'issue_updated_status-changed',
  'issue_updated_issue-assigned',
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'issuelink_created',
  'issuelink_deleted',
  'project_created',
];
const RECORDER_KEYS = new Set(['label', 'level', 'message']);

const dir = process.argv[2];
if (!dir) throw new Error('usage: extract-webhook-payloads.ts <reference-dir>');
for (const name of PAYLOADS) {
  const raw = z
    .record(z.string(), z.unknown())
    .parse(JSON.parse(readFileSync(join(dir, `jira-to-matrix__webhooks_${name}.json`), 'utf8')));
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(
      ([key, value]) =>
        !RECORDER_KEYS.has(key) && !(key === 'timestamp' && typeof value === 'string'),
    ),
  );
  writeFileSync(
    new URL(`../fixtures/webhook-payloads/${name}.json`, import.meta.url),
    `${JSON.stringify(cleaned, null, 2)}\n`,
  );
}
console.log(`${PAYLOADS.length} payloads`);
