/**
 * What Jira sends Testbridge about changes: webhook deliveries (`webhookEvent`) and Forge product
 * events (`eventType`). Only the fields Testbridge reads are checked; the rest passes through.
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/
 * @see https://developer.atlassian.com/platform/forge/events-reference/jira/
 */
import { z } from 'zod';

/** Jira sends ids as strings in webhooks and sometimes as numbers elsewhere. */
const Id = z.union([z.string().min(1), z.number().int()]).transform(String);

/** The outside of any delivery: enough to store, deduplicate and order it. */
export const JiraEventEnvelope = z.looseObject({
  webhookEvent: z.string().min(1).optional(),
  eventType: z.string().min(1).optional(),
  timestamp: z.number().optional(),
  issue: z.looseObject({ id: Id }).optional(),
  version: z.looseObject({ id: Id }).optional(),
  project: z.looseObject({ id: Id }).optional(),
});
export type JiraEventEnvelope = z.infer<typeof JiraEventEnvelope>;

/** An issue as issue events carry it. */
export const JiraEventIssue = z.looseObject({
  id: Id,
  key: z.string().min(1),
  fields: z
    .looseObject({
      summary: z.string().nullish(),
      project: z.looseObject({ id: Id, key: z.string().min(1) }).nullish(),
      status: z.looseObject({ name: z.string() }).nullish(),
    })
    .optional(),
});
export type JiraEventIssue = z.infer<typeof JiraEventIssue>;

/** A version as `jira:version_*` events carry it. */
export const JiraEventVersion = z.looseObject({
  id: Id,
  name: z.string().min(1),
  projectId: Id,
  released: z.boolean().optional(),
  archived: z.boolean().optional(),
  releaseDate: z.string().nullish(),
});
export type JiraEventVersion = z.infer<typeof JiraEventVersion>;

/** A project as `project_*` events carry it. */
export const JiraEventProject = z.looseObject({
  id: Id,
  key: z.string().min(1),
  name: z.string().optional(),
});
export type JiraEventProject = z.infer<typeof JiraEventProject>;
