/**
 * One-off: copy the Builds and Deployments paths of Atlassian's Jira Software Cloud OpenAPI into
 * `fixtures/software-devops-openapi.json`, verbatim, so the simulator validates against Jira's own
 * schemas. Usage: `tsx scripts/extract-devops-openapi.ts <software-swagger.v3.json>`.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const spec = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }).loose(),
  paths: z.record(z.string(), z.unknown()),
});

const source = process.argv[2];
if (!source) throw new Error('usage: extract-devops-openapi.ts <software-swagger.v3.json>');
const parsed = spec.parse(JSON.parse(readFileSync(source, 'utf8')));
const paths = Object.fromEntries(
  Object.entries(parsed.paths).filter(
    ([path]) => path.startsWith('/builds/') || path.startsWith('/deployments/'),
  ),
);
writeFileSync(
  new URL('../fixtures/software-devops-openapi.json', import.meta.url),
  `${JSON.stringify({ openapi: parsed.openapi, info: { title: parsed.info.title, version: parsed.info.version }, paths }, null, 1)}\n`,
);
console.log(`${Object.keys(paths).length} paths`);
