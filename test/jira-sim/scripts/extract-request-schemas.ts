/**
 * One-off: derive `fixtures/request-schemas.json` (request-body JSON schemas of the operations the
 * simulator serves, with every referenced component) from Atlassian's Jira Cloud platform OpenAPI.
 * Usage: `tsx scripts/extract-request-schemas.ts <swagger-v3.json>`.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** The operations whose JSON request bodies the simulator validates. */
const OPERATIONS = [
  'POST /rest/api/3/issue',
  'PUT /rest/api/3/issue/{issueIdOrKey}',
  'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
  'POST /rest/api/3/issue/{issueIdOrKey}/comment',
  'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}',
  'POST /rest/api/3/issue/{issueIdOrKey}/remotelink',
  'POST /rest/api/3/issueLink',
  'POST /rest/api/3/search/jql',
  'POST /rest/api/3/search/approximate-count',
  'POST /rest/api/3/webhook',
  'DELETE /rest/api/3/webhook',
  'PUT /rest/api/3/webhook/refresh',
  'POST /rest/api/3/version',
  'PUT /rest/api/3/version/{id}',
  'POST /rest/api/3/version/{id}/move',
];

/** Documentation-only OpenAPI keys that a validator does not need. */
const DROPPED_KEYS = new Set(['description', 'example', 'externalDocs', 'xml', 'title']);

const jsonValue: z.ZodType<unknown> = z.unknown();
const operation = z.object({
  requestBody: z
    .object({ content: z.record(z.string(), z.object({ schema: jsonValue })) })
    .optional(),
});
const spec = z.object({
  paths: z.record(z.string(), z.record(z.string(), jsonValue)),
  components: z.object({ schemas: z.record(z.string(), jsonValue) }),
});

function strip(value: unknown, refs: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => strip(item, refs));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (DROPPED_KEYS.has(key) && typeof child === 'string') continue;
    if (key === '$ref' && typeof child === 'string') refs.add(child.split('/').at(-1) ?? '');
    out[key] = strip(child, refs);
  }
  return out;
}

const source = process.argv[2];
if (!source) throw new Error('usage: extract-request-schemas.ts <swagger-v3.json>');
const parsed = spec.parse(JSON.parse(readFileSync(source, 'utf8')));
const operations: Record<string, unknown> = {};
const pending = new Set<string>();
for (const name of OPERATIONS) {
  const [method = '', path = ''] = name.split(' ');
  const op = operation.parse(parsed.paths[path]?.[method.toLowerCase()]);
  const schema = op.requestBody?.content['application/json']?.schema;
  if (schema === undefined) throw new Error(`No JSON request body for ${name}`);
  operations[name] = strip(schema, pending);
}
const schemas: Record<string, unknown> = {};
while (pending.size > 0) {
  const [name = ''] = pending;
  pending.delete(name);
  if (name in schemas) continue;
  const schema = parsed.components.schemas[name];
  if (schema === undefined) throw new Error(`Missing component ${name}`);
  schemas[name] = strip(schema, pending);
}
writeFileSync(
  new URL('../fixtures/request-schemas.json', import.meta.url),
  `${JSON.stringify({ operations, components: { schemas } }, null, 1)}\n`,
);
console.log(`${OPERATIONS.length} operations, ${Object.keys(schemas).length} components`);
