/**
 * `/api/v1/mappings`: a test-tool project ↔ a Jira project on a connection, with its defect and
 * webhook settings. Saving checks Jira (the project, BROWSE_PROJECTS and CREATE_ISSUES there, the
 * defect issue type); results reference the tool project key, so changing or deleting a mapping
 * keeps them.
 */
import { z } from 'zod';
import { WebhookSetup } from './webhooks.ts';

/** A test-tool project key: what runs name (`projectKey`). */
export const ToolProjectKey = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, `.`, `_` and `-`');

/** A Jira project key (`TB`). */
export const JiraProjectKey = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key such as TB');

/** `automatic`: Testbridge registers Jira webhooks; `manual`: an admin does; `off`: none. */
export const WebhookMode = z.enum(['automatic', 'manual', 'off']);
export type WebhookMode = z.infer<typeof WebhookMode>;

const label = z.string().trim().min(1).max(255).regex(/^\S+$/, 'Jira labels have no spaces');
const component = z.string().trim().min(1).max(255);

const settings = {
  /** "Create defects in Jira": whether failed tests may be filed as defects. */
  createDefects: z.boolean(),
  /** The defect issue type: id or name, checked against the project's issue types. */
  defectIssueType: z.string().trim().min(1).max(255).optional(),
  labels: z.array(label).max(50).optional(),
  components: z.array(component).max(50).optional(),
  webhookMode: WebhookMode.optional(),
};

export const CreateMappingRequest = z.strictObject({
  toolProject: z.strictObject({ key: ToolProjectKey, name: z.string().trim().min(1).max(255) }),
  connectionId: z.string().min(1),
  jiraProjectKey: JiraProjectKey,
  ...settings,
  createDefects: settings.createDefects.default(false),
});
export type CreateMappingRequest = z.infer<typeof CreateMappingRequest>;

/** A change: any field given replaces the stored one (Jira is checked again). */
export const UpdateMappingRequest = z.strictObject({
  toolProjectName: z.string().trim().min(1).max(255).optional(),
  connectionId: z.string().min(1).optional(),
  jiraProjectKey: JiraProjectKey.optional(),
  createDefects: settings.createDefects.optional(),
  defectIssueType: settings.defectIssueType.nullable(),
  labels: settings.labels,
  components: settings.components,
  webhookMode: settings.webhookMode,
});
export type UpdateMappingRequest = z.infer<typeof UpdateMappingRequest>;

/** The mapped Jira project's state, followed from project events. */
export const JiraProjectStatus = z.enum(['active', 'archived', 'deleted']);
export type JiraProjectStatus = z.infer<typeof JiraProjectStatus>;

export const Mapping = z.object({
  id: z.string(),
  toolProject: z.object({ key: z.string(), name: z.string() }),
  connectionId: z.string(),
  jiraProject: z.object({ id: z.string(), key: z.string() }),
  createDefects: z.boolean(),
  defectIssueType: z.object({ id: z.string(), name: z.string() }).nullable(),
  labels: z.array(z.string()),
  components: z.array(z.string()),
  webhookMode: WebhookMode,
  /** The Jira project as Jira's events last described it; `deleted`: the mapping maps nothing now. */
  jiraProjectStatus: JiraProjectStatus,
  /** Only on the answer to a save in automatic mode: what was registered in Jira, or why not. */
  webhookSetup: WebhookSetup.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Mapping = z.infer<typeof Mapping>;

export const MappingList = z.object({ items: z.array(Mapping) });
export const MappingIdParam = z.object({ id: z.string().min(1) });
export const MappingListQuery = z.strictObject({ connectionId: z.string().min(1).optional() });
