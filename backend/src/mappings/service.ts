import type {
  CreateMappingRequest,
  JiraProjectStatus,
  Mapping,
  UpdateMappingRequest,
} from '@testbridge/shared/api/mappings';
import type { ProjectKeysOf } from '../connections/project-keys.ts';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import type { ToolApiDeps } from '../tool-api/endpoint.ts';
import { checkJiraProject } from './jira-check.ts';
import { createMappingRepo, type MappingRow } from './repo.ts';

export type MappingDeps = ToolApiDeps & Partial<Pick<Deps, 'dispatchers'>>;
type ReadDeps = Pick<Deps, 'store'>;

const parseList = (text: string): string[] => {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

export function toMapping(row: MappingRow): Mapping {
  return {
    id: row.id,
    toolProject: { key: row.toolProjectKey, name: row.toolProjectName },
    connectionId: row.connectionId,
    jiraProject: { id: row.jiraProjectId, key: row.jiraProjectKey },
    createDefects: row.createDefects,
    defectIssueType:
      row.defectIssueTypeId && row.defectIssueTypeName
        ? { id: row.defectIssueTypeId, name: row.defectIssueTypeName }
        : null,
    labels: parseList(row.labels),
    components: parseList(row.components),
    webhookMode: row.webhookMode,
    jiraProjectStatus: row.jiraProjectStatus,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const taken = (key: string) =>
  new AppError('conflict', `Tool project ${key} is already mapped`, {
    invalidFields: [{ field: 'body.toolProject.key', message: 'already mapped' }],
  });

/**
 * Maps a tool project to a Jira project after checking Jira (see `checkJiraProject`).
 * @throws AppError conflict (tool project mapped already) | not_found (connection) | Jira's checks
 */
export async function createMapping(
  deps: MappingDeps,
  input: CreateMappingRequest,
): Promise<Mapping> {
  const repo = createMappingRepo(deps.store.tables);
  if (await repo.findByToolProject(deps.store.db, input.toolProject.key)) {
    throw taken(input.toolProject.key);
  }
  const project = await checkJiraProject(
    deps,
    input.connectionId,
    input.jiraProjectKey,
    input.defectIssueType,
  );
  const now = deps.clock.now();
  const row: MappingRow = {
    id: newSortableId(now),
    toolProjectKey: input.toolProject.key,
    toolProjectName: input.toolProject.name,
    connectionId: input.connectionId,
    jiraProjectId: project.id,
    jiraProjectKey: project.key,
    createDefects: input.createDefects,
    defectIssueTypeId: project.defectIssueType?.id ?? null,
    defectIssueTypeName: project.defectIssueType?.name ?? null,
    labels: JSON.stringify(input.labels ?? []),
    components: JSON.stringify(input.components ?? []),
    webhookMode: input.webhookMode ?? 'off',
    jiraProjectStatus: 'active',
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.transaction(async (tx) => {
    // Checked again inside the write: two concurrent saves of one tool project.
    if (await repo.findByToolProject(tx, row.toolProjectKey)) throw taken(row.toolProjectKey);
    await repo.insert(tx, row);
  });
  return toMapping(row);
}

async function requireMapping(deps: ReadDeps, id: string): Promise<MappingRow> {
  const row = await createMappingRepo(deps.store.tables).findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No mapping ${id}`);
  return row;
}

export async function getMapping(deps: ReadDeps, id: string): Promise<Mapping> {
  return toMapping(await requireMapping(deps, id));
}

export async function listMappings(deps: ReadDeps, connectionId?: string): Promise<Mapping[]> {
  const rows = await createMappingRepo(deps.store.tables).list(deps.store.db, connectionId);
  return rows.map(toMapping);
}

/**
 * Changes a mapping; Jira is checked again whenever the connection, project or defect type
 * changes. The results of the tool project stay (they reference the tool project key).
 */
export async function updateMapping(
  deps: MappingDeps,
  id: string,
  input: UpdateMappingRequest,
): Promise<Mapping> {
  const repo = createMappingRepo(deps.store.tables);
  const row = await requireMapping(deps, id);
  const next: MappingRow = { ...row, updatedAt: deps.clock.now() };
  const connectionId = input.connectionId ?? row.connectionId;
  const projectKey = input.jiraProjectKey ?? row.jiraProjectKey;
  const typeChanged = input.defectIssueType !== undefined;
  if (
    connectionId !== row.connectionId ||
    projectKey !== row.jiraProjectKey ||
    (typeChanged && input.defectIssueType !== null)
  ) {
    const keepType = typeChanged ? (input.defectIssueType ?? undefined) : row.defectIssueTypeId;
    const project = await checkJiraProject(deps, connectionId, projectKey, keepType ?? undefined);
    next.connectionId = connectionId;
    next.jiraProjectId = project.id;
    next.jiraProjectKey = project.key;
    next.jiraProjectStatus = 'active';
    next.defectIssueTypeId = project.defectIssueType?.id ?? null;
    next.defectIssueTypeName = project.defectIssueType?.name ?? null;
  }
  if (input.defectIssueType === null) {
    next.defectIssueTypeId = null;
    next.defectIssueTypeName = null;
  }
  if (input.toolProjectName !== undefined) next.toolProjectName = input.toolProjectName;
  if (input.createDefects !== undefined) next.createDefects = input.createDefects;
  if (input.labels !== undefined) next.labels = JSON.stringify(input.labels);
  if (input.components !== undefined) next.components = JSON.stringify(input.components);
  if (input.webhookMode !== undefined) next.webhookMode = input.webhookMode;
  await deps.store.transaction((tx) => repo.update(tx, next));
  return toMapping(next);
}

/** Removes a mapping; the tool project's results stay and show again once it is mapped anew. */
export async function deleteMapping(deps: Pick<Deps, 'store'>, id: string): Promise<void> {
  const repo = createMappingRepo(deps.store.tables);
  const deleted = await deps.store.transaction((tx) => repo.delete(tx, id));
  if (!deleted) throw new AppError('not_found', `No mapping ${id}`);
}

/** The mapping of a tool project, for results; undefined when it is not mapped. */
export async function findMappingOfToolProject(
  deps: ReadDeps,
  toolProjectKey: string,
): Promise<Mapping | undefined> {
  const row = await createMappingRepo(deps.store.tables).findByToolProject(
    deps.store.db,
    toolProjectKey,
  );
  return row && toMapping(row);
}

/** The mapping of a Jira project (by key) on a connection: the Tests panel's issue is in one. */
export async function findMappingOfJiraProject(
  deps: ReadDeps,
  connectionId: string,
  jiraProjectKey: string,
): Promise<Mapping | undefined> {
  const row = await createMappingRepo(deps.store.tables).findByJiraProject(
    deps.store.db,
    connectionId,
    jiraProjectKey,
  );
  return row && toMapping(row);
}

/** `deps.projectKeysOf`: the Jira projects mapped to a connection, for its diagnostics. */
export function mappedProjectKeys(deps: ReadDeps): ProjectKeysOf {
  return async (connectionId) => {
    const rows = await createMappingRepo(deps.store.tables).list(deps.store.db, connectionId);
    return [...new Set(rows.map((row) => row.jiraProjectKey))];
  };
}

/**
 * Follows a Jira project event on the mappings of that project (by id) on a connection: its key
 * (a renamed project) and its status. Returns the mappings changed.
 */
export async function followJiraProject(
  deps: Pick<Deps, 'store' | 'clock'>,
  connectionId: string,
  project: { id: string; key: string | null },
  status: JiraProjectStatus,
): Promise<Mapping[]> {
  const repo = createMappingRepo(deps.store.tables);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const rows = (await repo.list(tx, connectionId)).filter((r) => r.jiraProjectId === project.id);
    const changed: Mapping[] = [];
    for (const row of rows) {
      const next: MappingRow = {
        ...row,
        jiraProjectKey: project.key ?? row.jiraProjectKey,
        jiraProjectStatus: status,
        updatedAt: now,
      };
      await repo.update(tx, next);
      changed.push(toMapping(next));
    }
    return changed;
  });
}

/** Sets a mapping's webhook mode (automatic mode falling back to manual). */
export async function setWebhookMode(
  deps: Pick<Deps, 'store' | 'clock'>,
  id: string,
  mode: Mapping['webhookMode'],
): Promise<Mapping> {
  const repo = createMappingRepo(deps.store.tables);
  const row = await requireMapping(deps, id);
  const next: MappingRow = { ...row, webhookMode: mode, updatedAt: deps.clock.now() };
  await deps.store.transaction((tx) => repo.update(tx, next));
  return toMapping(next);
}
