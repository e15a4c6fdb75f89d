/**
 * One-off: derive `fixtures/platform-scopes.json` (operation → OAuth 2.0 scopes) from Atlassian's
 * Jira Cloud platform OpenAPI. Usage: `tsx scripts/extract-scopes.ts <swagger-v3.json>`.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const scopeEntry = z.object({ scheme: z.string(), scopes: z.array(z.string()), state: z.string() });
const operation = z.object({
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  'x-atlassian-oauth2-scopes': z.array(scopeEntry).optional(),
});
const spec = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

const source = process.argv[2];
if (!source) throw new Error('usage: extract-scopes.ts <swagger-v3.json>');
const parsed = spec.parse(JSON.parse(readFileSync(source, 'utf8')));
const table: Record<string, { classic: string[]; granular: string[]; anonymous: boolean }> = {};
for (const [path, methods] of Object.entries(parsed.paths)) {
  for (const [method, raw] of Object.entries(methods)) {
    const op = operation.safeParse(raw);
    if (!op.success || !op.data['x-atlassian-oauth2-scopes']) continue;
    const entries = op.data['x-atlassian-oauth2-scopes'];
    table[`${method.toUpperCase()} ${path}`] = {
      classic: entries.find((e) => e.state === 'Current')?.scopes ?? [],
      granular: entries.find((e) => e.state === 'Beta')?.scopes ?? [],
      anonymous: (op.data.security ?? []).some(
        (requirement) => Object.keys(requirement).length === 0,
      ),
    };
  }
}
writeFileSync(
  new URL('../fixtures/platform-scopes.json', import.meta.url),
  `${JSON.stringify(table, null, 0)}\n`,
);
console.log(`${Object.keys(table).length} operations`);
