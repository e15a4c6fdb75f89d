/** Seeded Jira content: issue types, workflow, projects, versions and issues for one instance. */
import type { Rng } from '../core/rng.ts';
import type { InstanceContent } from './instance.ts';
import { takeId } from './instance.ts';
import type { IssueLinkType, IssueType, Status, Transition, User } from './types.ts';

/** Issues seeded per project ("dozens"). */
export const ISSUES_PER_PROJECT = 40;
/** Seeded issues are created from this instant on, one every few hours. */
const SEED_EPOCH = Date.parse('2025-09-01T08:00:00.000Z');
const HOUR = 3_600_000;

export interface ProjectSeed {
  key: string;
  name: string;
  type: 'software' | 'business';
}

const ISSUE_TYPES: IssueType[] = [
  {
    id: '10000',
    name: 'Epic',
    description: 'A big user story that needs to be broken down.',
    subtask: false,
    hierarchyLevel: 1,
  },
  {
    id: '10001',
    name: 'Story',
    description: 'Functionality or a feature expressed as a user goal.',
    subtask: false,
    hierarchyLevel: 0,
  },
  {
    id: '10002',
    name: 'Task',
    description: 'A small, distinct piece of work.',
    subtask: false,
    hierarchyLevel: 0,
  },
  {
    id: '10003',
    name: 'Bug',
    description: 'A problem or error.',
    subtask: false,
    hierarchyLevel: 0,
  },
  {
    id: '10004',
    name: 'Subtask',
    description: 'A small piece of work that is part of a larger task.',
    subtask: true,
    hierarchyLevel: -1,
  },
];

const STATUSES: Status[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '3', name: 'In Progress', category: 'indeterminate' },
  { id: '10001', name: 'Done', category: 'done' },
];

/** Jira's simplified workflow: global transitions to every status. */
const TRANSITIONS: Transition[] = [
  { id: '11', name: 'To Do', from: [], to: '10000' },
  { id: '21', name: 'In Progress', from: [], to: '3' },
  { id: '31', name: 'Done', from: [], to: '10001' },
];

const LINK_TYPES: IssueLinkType[] = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
];

const VERBS = ['Fix', 'Add', 'Improve', 'Remove', 'Refactor', 'Document', 'Test', 'Migrate'];
const THINGS = [
  'login form',
  'search results',
  'export to CSV',
  'billing page',
  'API rate limiting',
  'dark mode',
  'audit log',
  'mobile layout',
  'checkout flow',
  'password reset',
];
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

/** Fill an empty instance with the workflow, projects, versions and issues. */
export function seedContent(
  rng: Rng,
  content: InstanceContent,
  projects: ProjectSeed[],
  people: User[],
): void {
  for (const type of ISSUE_TYPES) content.issueTypes.set(type.id, { ...type });
  for (const status of STATUSES) content.statuses.set(status.id, { ...status });
  content.transitions.push(...TRANSITIONS.map((t) => ({ ...t, from: [...t.from] })));
  for (const linkType of LINK_TYPES) content.issueLinkTypes.set(linkType.id, { ...linkType });
  const lead = people[0];
  if (!lead) throw new Error('seedContent needs at least one user');

  for (const seed of projects) {
    const projectId = takeId(content);
    const issueTypeIds =
      seed.type === 'software' ? ISSUE_TYPES.map((t) => t.id) : ['10002', '10004'];
    content.projects.set(projectId, {
      id: projectId,
      key: seed.key,
      name: seed.name,
      projectTypeKey: seed.type,
      leadId: lead.id,
      issueTypeIds,
      archived: false,
    });

    const versionIds: string[] = [];
    ['1.0', '1.1', '2.0', '2.1'].forEach((name, index) => {
      const id = takeId(content);
      versionIds.push(id);
      const released = index < 2;
      content.versions.set(id, {
        id,
        projectId,
        name,
        description: `${seed.name} ${name}`,
        released,
        archived: false,
        startDate: new Date(SEED_EPOCH + index * 30 * 24 * HOUR).toISOString().slice(0, 10),
        releaseDate: new Date(SEED_EPOCH + (index + 1) * 30 * 24 * HOUR).toISOString().slice(0, 10),
        sequence: index + 1,
      });
    });

    const assignable = people
      .filter((person) => person.active && person.accountType === 'atlassian')
      .slice(0, 12);
    const standard = issueTypeIds.filter((id) => id !== '10004' && id !== '10000');
    for (let n = 1; n <= ISSUES_PER_PROJECT; n++) {
      const id = takeId(content);
      const key = `${seed.key}-${n}`;
      const created = SEED_EPOCH + (n * 5 + rng.int(0, 4)) * HOUR;
      content.issues.set(id, {
        id,
        key,
        projectId,
        issueTypeId: rng.pick(standard),
        statusId: rng.pick(STATUSES).id,
        summary: `${rng.pick(VERBS)} ${rng.pick(THINGS)} (${key})`,
        description: `Seeded issue ${key}.`,
        assigneeId: n % 4 === 0 ? null : rng.pick(assignable).id,
        reporterId: lead.id,
        priority: rng.pick(PRIORITIES),
        labels: n % 3 === 0 ? ['regression'] : [],
        fixVersionIds: n % 2 === 0 ? [rng.pick(versionIds)] : [],
        fields: {},
        created,
        updated: created + rng.int(0, 48) * HOUR,
      });
      content.issueKeys.set(key, id);
    }
    content.issueCounters.set(seed.key, ISSUES_PER_PROJECT + 1);
  }
}
