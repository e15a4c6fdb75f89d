/**
 * Jira Software Cloud Builds API payloads (`submitBuilds`), strict: what we send to Jira and what
 * a client written for Jira's API sends to us. Limits are Jira's own.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/#api-rest-builds-0-1-bulk-post
 */
import { z } from 'zod';

/** Jira's limits on one submission. */
export const JIRA_DEVOPS_LIMITS = {
  itemsPerRequest: 100,
  associationValues: 500,
  properties: 5,
  issueKeysPerItem: 100,
  referencesPerBuild: 5,
} as const;

const text = (max: number) => z.string().min(1).max(max);
/** Jira's int64 fields, within the range a JSON number carries exactly. */
const int64 = z.int();

/** `KEY-123`, Jira's issue key pattern for DevOps data. */
export const IssueKey = z
  .string()
  .regex(/^\w{1,255}-\d{1,255}$/, 'must be an issue key such as ABC-123');

/**
 * At most 5 string properties, keys without `:` and not starting with `_`; Jira stores them
 * hashed and uses them only for bulk deletion.
 */
export const DevopsProperties = z
  .record(
    z
      .string()
      .min(1)
      .refine((key) => !key.includes(':') && !key.startsWith('_'), {
        message: "property keys must not contain ':' or start with '_'",
      }),
    z.string().max(255),
  )
  .refine((value) => Object.keys(value).length <= JIRA_DEVOPS_LIMITS.properties, {
    message: `at most ${JIRA_DEVOPS_LIMITS.properties} properties`,
  });

export const ProviderMetadata = z.strictObject({ product: z.string().max(255).optional() });

/** Issues an item is about, by key or id (the successor of the deprecated `issueKeys`). */
export const IssueAssociation = z.strictObject({
  associationType: z.enum(['issueKeys', 'issueIdOrKeys']),
  values: z
    .array(z.string().regex(/^(\w{1,255}-\d{1,255}|\d{1,255})$/, 'must be an issue key or id'))
    .min(1)
    .max(JIRA_DEVOPS_LIMITS.associationValues),
});
export type IssueAssociation = z.infer<typeof IssueAssociation>;

/** Jira's message when the values of all associations of one item exceed 500. */
export const ASSOCIATION_LIMIT_MESSAGE =
  'Sum of Association values across all association types can have a maximum of 500 elements';

/** Counts association values across types (Jira allows 500 per item). */
export function countAssociationValues(associations: readonly { values: unknown[] }[]): number {
  return associations.reduce((sum, association) => sum + association.values.length, 0);
}

export const BuildState = z.enum([
  'pending',
  'in_progress',
  'successful',
  'failed',
  'cancelled',
  'unknown',
]);
export type BuildState = z.infer<typeof BuildState>;

export const TestInfo = z.strictObject({
  totalNumber: int64.min(0),
  numberPassed: int64.min(0),
  numberFailed: int64.min(0),
  numberSkipped: int64.min(0).optional(),
});

export const BuildReference = z.strictObject({
  commit: z.strictObject({ id: text(255), repositoryUri: text(2000) }).optional(),
  ref: z.strictObject({ name: text(255), uri: text(2000) }).optional(),
});

const buildFields = {
  schemaVersion: z.literal('1.0').optional(),
  pipelineId: text(255),
  buildNumber: int64,
  updateSequenceNumber: int64,
  displayName: text(255),
  description: z.string().max(255).optional(),
  label: z.string().max(255).optional(),
  url: z.url().max(2000),
  state: BuildState,
  lastUpdated: z.iso.datetime({ offset: true }),
  /** Deprecated by Jira in favour of `associations`; still accepted. */
  issueKeys: z.array(IssueKey).min(1).max(JIRA_DEVOPS_LIMITS.issueKeysPerItem).optional(),
  associations: z.array(IssueAssociation).min(1).optional(),
  testInfo: TestInfo.optional(),
  references: z.array(BuildReference).min(1).max(JIRA_DEVOPS_LIMITS.referencesPerBuild).optional(),
};

/**
 * Jira's rules that span fields: the items are named somehow (`what`: "issues", "issues or
 * services"), and at most 500 association values.
 */
export function checkIssueLinks(what: string) {
  return (
    item: { issueKeys?: unknown[] | undefined; associations?: { values: unknown[] }[] | undefined },
    ctx: z.RefinementCtx,
  ): void => {
    if (!item.issueKeys && !item.associations) {
      ctx.addIssue({
        code: 'custom',
        path: ['associations'],
        message: `name the ${what} with associations (or the deprecated issueKeys)`,
      });
    }
    if (item.associations && countAssociationValues(item.associations) > 500) {
      ctx.addIssue({ code: 'custom', path: ['associations'], message: ASSOCIATION_LIMIT_MESSAGE });
    }
  };
}

/** One build, as Jira's `BuildData`. */
export const BuildData = z.strictObject(buildFields).superRefine(checkIssueLinks('issues'));
export type BuildData = z.infer<typeof BuildData>;

/** The body of `POST /rest/builds/0.1/bulk` (or the gateway's `/jira/builds/0.1/cloud/{cloudId}/bulk`). */
export const SubmitBuildsRequest = z.strictObject({
  properties: DevopsProperties.optional(),
  providerMetadata: ProviderMetadata.optional(),
  builds: z.array(BuildData).min(1).max(JIRA_DEVOPS_LIMITS.itemsPerRequest),
});
export type SubmitBuildsRequest = z.infer<typeof SubmitBuildsRequest>;

/**
 * A `submitBuilds` body with the builds left unchecked: what Jira refuses as a whole (400). More
 * than 100 builds is a 413 (`tooManyItemsMessage`); each build is then judged on its own.
 */
export const SubmitBuildsEnvelope = z.strictObject({
  properties: DevopsProperties.optional(),
  providerMetadata: ProviderMetadata.optional(),
  builds: z.array(z.unknown()).min(1),
});

/** Jira's 413 message for more than 100 items (the OpenAPI's words). */
export const tooManyItemsMessage = (noun: 'builds' | 'deployments') =>
  `Data is too large. Submit fewer ${noun} in each payload.`;

export const BuildKey = z.object({ pipelineId: z.string(), buildNumber: z.number() });
export type BuildKey = z.infer<typeof BuildKey>;

export const JiraErrorMessage = z.object({
  message: z.string(),
  errorTraceId: z.string().optional(),
});

export const UnknownAssociation = z.object({
  associationType: z.string(),
  values: z.array(z.unknown()),
});
export type UnknownAssociation = z.infer<typeof UnknownAssociation>;

/** Jira's `202` answer; every list may be missing. Read leniently: it is Jira's, not ours. */
export const SubmitBuildsResponse = z.object({
  acceptedBuilds: z.array(BuildKey).default([]),
  rejectedBuilds: z
    .array(z.object({ key: BuildKey, errors: z.array(JiraErrorMessage).default([]) }))
    .default([]),
  unknownIssueKeys: z.array(z.string()).default([]),
  unknownAssociations: z.array(UnknownAssociation).default([]),
});
export type SubmitBuildsResponse = z.infer<typeof SubmitBuildsResponse>;
