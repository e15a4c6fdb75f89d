/**
 * Builds and Deployments request bodies checked with ajv against Atlassian's Jira Software OpenAPI
 * (`fixtures/software-devops-openapi.json`, copied verbatim by `scripts/extract-devops-openapi.ts`),
 * independently of the backend's zod schemas, so a bug in those is caught here.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';

export type DevopsApi = 'builds' | 'deployments';

const jsonObject = z.record(z.string(), z.unknown());
const fixture = z.object({ paths: z.record(z.string(), jsonObject) });
const operation = z.object({
  requestBody: z.object({
    content: z.object({ 'application/json': z.object({ schema: jsonObject }) }),
  }),
});

export interface DevopsValidators {
  /** The request envelope with items left unchecked (`[]` when the whole request is fine). */
  envelope: ValidateFunction;
  /** One item (BuildData / DeploymentData). */
  item: ValidateFunction;
}

let cache: Map<DevopsApi, DevopsValidators> | undefined;

/**
 * The OpenAPI copy predates `associations` on builds; Atlassian's current docs (jira-protocols.md
 * §2.3) add them and make `issueKeys` optional when they are given. Deployments must carry one of
 * the two (§2.4), which the OpenAPI does not say.
 */
function patchItemSchema(
  api: DevopsApi,
  item: Record<string, unknown>,
  deploymentAssociations: unknown,
) {
  const required = z
    .array(z.string())
    .parse(item.required ?? [])
    .filter((name) => name !== 'issueKeys');
  const properties = jsonObject.parse(item.properties ?? {});
  const issueAssociation = z
    .object({ items: z.object({ oneOf: z.array(z.unknown()) }) })
    .loose()
    .safeParse(deploymentAssociations);
  const extra =
    api === 'builds' && issueAssociation.success
      ? {
          associations: {
            type: 'array',
            minItems: 1,
            items: issueAssociation.data.items.oneOf[0],
          },
        }
      : {};
  return {
    ...item,
    required,
    properties: { ...properties, ...extra },
    anyOf: [{ required: ['issueKeys'] }, { required: ['associations'] }],
  };
}

function load(): Map<DevopsApi, DevopsValidators> {
  const data = fixture.parse(
    JSON.parse(
      readFileSync(new URL('../../fixtures/software-devops-openapi.json', import.meta.url), 'utf8'),
    ),
  );
  // OpenAPI keywords (`example`, `deprecated`) are not JSON Schema: strict mode off. Formats are
  // checked; Jira's builds `url` uses the non-standard format name "URL".
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('URL', ajv.formats.uri ?? true);
  const schemaOf = (path: string) =>
    operation.parse(data.paths[path]?.post).requestBody.content['application/json'].schema;
  const builds = schemaOf('/builds/0.1/bulk');
  const deployments = schemaOf('/deployments/0.1/bulk');
  const itemsOf = (schema: Record<string, unknown>, field: DevopsApi) =>
    jsonObject.parse(jsonObject.parse(jsonObject.parse(schema.properties)[field]).items);
  const deploymentAssociations = jsonObject.parse(
    itemsOf(deployments, 'deployments').properties,
  ).associations;
  const compile = (schema: Record<string, unknown>, api: DevopsApi): DevopsValidators => {
    const fields = jsonObject.parse(schema.properties);
    const envelope = {
      ...schema,
      properties: { ...fields, [api]: { ...jsonObject.parse(fields[api]), items: {} } },
    };
    return {
      envelope: ajv.compile(envelope),
      item: ajv.compile(patchItemSchema(api, itemsOf(schema, api), deploymentAssociations)),
    };
  };
  return new Map([
    ['builds', compile(builds, 'builds')],
    ['deployments', compile(deployments, 'deployments')],
  ]);
}

export function devopsValidators(api: DevopsApi): DevopsValidators {
  cache ??= load();
  const validators = cache.get(api);
  if (!validators) throw new RangeError(`No schema for ${api}`);
  return validators;
}

/** `/references/0/commit/id` → `references[0].commit.id`. */
function fieldOf(error: ErrorObject): string {
  return error.instancePath
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/**
 * Jira-style messages for schema errors: `'url' is required` (as Jira words it in the Jenkins
 * plugin's recorded rejection), `'state' is not valid. Allowed values are: [...].` (as Jira
 * answered users of its Builds API), otherwise `'field' <ajv message>`.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const messages = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const field = fieldOf(error);
    if (error.keyword === 'required') {
      const missing = z.object({ missingProperty: z.string() }).safeParse(error.params);
      const name = missing.success ? missing.data.missingProperty : '?';
      messages.add(`'${field ? `${field}.` : ''}${name}' is required`);
    } else if (error.keyword === 'enum') {
      // As Jira words it (reported by users of its Builds API).
      const allowed = z.object({ allowedValues: z.array(z.unknown()) }).safeParse(error.params);
      const values = allowed.success ? allowed.data.allowedValues.map(String).join(', ') : '';
      messages.add(`'${field}' is not valid. Allowed values are: [${values}].`);
    } else {
      messages.add(`'${field || '(item)'}' ${error.message ?? 'is invalid'}`);
    }
  }
  return [...messages];
}

/**
 * The body as Jira reads it: object members that are `null` are absent (Atlassian's Jenkins
 * plugin 1.x serialises absent optional fields as null with Jackson's defaults, and Jira takes
 * them), at any depth; `null` array elements stay and fail the schema.
 */
export function dropNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullMembers);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null) out[key] = dropNullMembers(member);
  }
  return out;
}
