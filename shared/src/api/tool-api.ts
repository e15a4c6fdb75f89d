/**
 * The test tool's Jira API (`/api/v1/connections/{id}/jira/…`): projects, users, issues, links and
 * comments through one connection, the same shapes for Jira Cloud and Jira Data Center. Calls name
 * the test-tool user with `X-Testbridge-User`; their own grant is used when they have one.
 */
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/** A project key (`TB`) or id (`10000`). */
export const ProjectRef = z
  .string()
  .regex(/^(?:[A-Za-z][A-Za-z0-9_]{0,254}|\d{1,18})$/, 'is not a project key or id');

/** An issue key (`TB-12`) or id (`10042`). */
export const IssueRef = z
  .string()
  .regex(/^(?:[A-Za-z][A-Za-z0-9_]{0,254}-\d{1,18}|\d{1,18})$/, 'is not an issue key or id');

export const JiraConnectionParam = z.object({ id: z.string().min(1) });
export const JiraProjectParam = JiraConnectionParam.extend({ projectKey: ProjectRef });
export const JiraIssueParam = JiraConnectionParam.extend({ issueKey: IssueRef });

/** The test-tool user a call is made for; absent → the connection's shared grant. */
export const TestbridgeUserHeader = z.object({
  'x-testbridge-user': z.string().trim().max(200).optional(),
});

/** `limit` items from `cursor` (an opaque `nextCursor` of the previous page). */
export const JiraPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(4000).optional(),
});
export type JiraPageQuery = z.infer<typeof JiraPageQuery>;

/** A page with a text filter (project key/name; user name/e-mail prefix). */
export const JiraFilteredPageQuery = JiraPageQuery.extend({
  query: z.string().trim().min(1).max(200).optional(),
});
export type JiraFilteredPageQuery = z.infer<typeof JiraFilteredPageQuery>;

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/**
 * What kind of account a user is (Jira Cloud's `accountType`): a person (`atlassian`), an app or
 * bot (`app`), a Jira Service Management customer (`customer`); `unknown` as Jira says it.
 * Data Center has no account types: its users are `atlassian`.
 */
export const JiraAccountType = z.enum(['atlassian', 'app', 'customer', 'unknown']);
export type JiraAccountType = z.infer<typeof JiraAccountType>;

/**
 * A user search: a page, a name/e-mail prefix, and filters on the account type and on whether
 * the account is active (`?accountType=atlassian&active=true` leaves out apps, customers and
 * deactivated people). Without `active`, inactive users are listed too where Jira lists them.
 */
export const JiraUserQuery = JiraFilteredPageQuery.extend({
  accountType: JiraAccountType.optional(),
  active: z.enum(['true', 'false']).optional(),
});
export type JiraUserQuery = z.infer<typeof JiraUserQuery>;

/** A Jira user: `accountId` on Cloud, `username` (and no accountId) on Data Center. */
export const JiraUser = z.object({
  accountId: z.string().nullable(),
  username: z.string().nullable(),
  displayName: z.string(),
  emailAddress: z.string().nullable(),
  accountType: JiraAccountType,
  active: z.boolean(),
});
export type JiraUser = z.infer<typeof JiraUser>;
export const JiraUserPage = pageOf(JiraUser);

export const JiraProject = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  projectTypeKey: z.string().nullable(),
});
export type JiraProject = z.infer<typeof JiraProject>;
export const JiraProjectPage = pageOf(JiraProject);

export const JiraIssueType = z.object({
  id: z.string(),
  name: z.string(),
  subtask: z.boolean(),
});
export type JiraIssueType = z.infer<typeof JiraIssueType>;
export const JiraIssueTypeList = z.object({ items: z.array(JiraIssueType) });

export const JiraVersion = z.object({
  id: z.string(),
  name: z.string(),
  released: z.boolean(),
  archived: z.boolean(),
  releaseDate: z.string().nullable(),
});
export type JiraVersion = z.infer<typeof JiraVersion>;
export const JiraVersionPage = pageOf(JiraVersion);

export const JiraIssueLinkType = z.object({
  id: z.string(),
  name: z.string(),
  inward: z.string(),
  outward: z.string(),
});
export const JiraIssueLinkTypeList = z.object({ items: z.array(JiraIssueLinkType) });

/** An issue as search lists it; `url` is where people open it (the connection's link base URL). */
export const JiraIssueSummary = z.object({
  id: z.string(),
  key: z.string(),
  url: z.string(),
  summary: z.string().nullable(),
  status: z
    .object({ id: z.string(), name: z.string(), category: z.string().nullable() })
    .nullable(),
  issueType: z.object({ id: z.string(), name: z.string() }).nullable(),
  project: z.object({ id: z.string(), key: z.string(), name: z.string() }).nullable(),
  priority: z.string().nullable(),
  labels: z.array(z.string()),
  assignee: JiraUser.nullable(),
  reporter: JiraUser.nullable(),
  created: z.string().nullable(),
  updated: z.string().nullable(),
});
export type JiraIssueSummary = z.infer<typeof JiraIssueSummary>;
export const JiraIssuePage = pageOf(JiraIssueSummary);

/** One issue; `description` as plain text (Cloud's ADF flattened, Data Center's wiki text as is). */
export const JiraIssue = JiraIssueSummary.extend({ description: z.string().nullable() });
export type JiraIssue = z.infer<typeof JiraIssue>;

export const SearchJiraIssuesRequest = z.strictObject({
  jql: z.string().trim().min(1).max(10_000),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(4000).optional(),
});
export type SearchJiraIssuesRequest = z.infer<typeof SearchJiraIssuesRequest>;

const label = z.string().min(1).max(255).regex(/^\S+$/, 'may not contain spaces');

/** A defect (or any issue): plain text description, converted to ADF on Cloud, wiki text on DC. */
export const CreateJiraIssueRequest = z.strictObject({
  project: ProjectRef,
  /** Issue type id (`10003`) or name (`Bug`). */
  issueType: z.string().trim().min(1).max(255),
  summary: z.string().trim().min(1).max(255),
  description: z.string().max(32_000).optional(),
  /** accountId on Cloud, username on Data Center. */
  assignee: z.string().trim().min(1).max(255).optional(),
  labels: z.array(label).max(50).optional(),
  /** Priority id (`2`) or name (`High`). */
  priority: z.string().trim().min(1).max(255).optional(),
});
export type CreateJiraIssueRequest = z.infer<typeof CreateJiraIssueRequest>;

export const JiraIssueCreated = z.object({ id: z.string(), key: z.string(), url: z.string() });
export type JiraIssueCreated = z.infer<typeof JiraIssueCreated>;

/**
 * Links two issues with a link type (name such as `Relates`, or id). As in Jira, the outward
 * issue is the subject of the type's outward phrase: `outwardIssue` *blocks* `inwardIssue`.
 */
export const LinkJiraIssuesRequest = z.strictObject({
  type: z.string().trim().min(1).max(255),
  inwardIssue: IssueRef,
  outwardIssue: IssueRef,
});
export type LinkJiraIssuesRequest = z.infer<typeof LinkJiraIssuesRequest>;
export const JiraIssuesLinked = LinkJiraIssuesRequest;

/** A link from an issue to something outside Jira (a test); the same `globalId` updates it. */
export const UpsertRemoteLinkRequest = z.strictObject({
  globalId: z.string().min(1).max(255),
  url: httpUrl,
  title: z.string().trim().min(1).max(255),
  summary: z.string().max(1000).optional(),
  relationship: z.string().trim().min(1).max(255).optional(),
  application: z
    .strictObject({
      type: z.string().trim().min(1).max(255).optional(),
      name: z.string().trim().min(1).max(255).optional(),
    })
    .optional(),
});
export type UpsertRemoteLinkRequest = z.infer<typeof UpsertRemoteLinkRequest>;

/** The saved remote link: answered with 201 when Jira created it, 200 when it updated one. */
export const RemoteLinkSaved = z.object({ id: z.string(), globalId: z.string() });
export type RemoteLinkSaved = z.infer<typeof RemoteLinkSaved>;

/** A comment in plain text (ADF on Cloud, wiki text on Data Center). */
export const AddJiraCommentRequest = z.strictObject({
  body: z.string().trim().min(1).max(32_000),
});
export type AddJiraCommentRequest = z.infer<typeof AddJiraCommentRequest>;

export const JiraCommentAdded = z.object({
  id: z.string(),
  author: JiraUser.nullable(),
  created: z.string().nullable(),
});
export type JiraCommentAdded = z.infer<typeof JiraCommentAdded>;
