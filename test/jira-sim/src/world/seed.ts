/** The deterministic seeded world: same seed and base URL → same ids, users and issues. */
import { createRng } from '../core/rng.ts';
import { createWorldEvents } from './events.ts';
import { createInstanceContent } from './instance.ts';
import {
  createAdminPermissions,
  createRestrictedPermissions,
  createStandardPermissions,
} from './permissions.ts';
import type { ProjectSeed } from './seed-projects.ts';
import { seedContent } from './seed-projects.ts';
import { seedCloudAccounts, seedCustomerAccounts, seedDcUsers } from './seed-users.ts';
import type {
  CloudSite,
  DataCenterInstance,
  ProjectPermission,
  User,
  UserPermissions,
  World,
} from './types.ts';

/** The seed used when none is given. */
export const DEFAULT_SEED = 4010;

/** Cloud site names and their projects. */
export const SITE_PROJECTS: Record<'acme' | 'globex', ProjectSeed[]> = {
  acme: [
    { key: 'TB', name: 'Testbridge Demo', type: 'software' },
    { key: 'WEB', name: 'Website', type: 'software' },
    { key: 'OPS', name: 'Operations', type: 'business' },
  ],
  globex: [
    { key: 'GLX', name: 'Globex Core', type: 'software' },
    { key: 'MOB', name: 'Mobile', type: 'software' },
  ],
};

export const DC_PROJECTS: ProjectSeed[] = [
  { key: 'TB', name: 'Testbridge DC', type: 'software' },
  { key: 'DCP', name: 'Platform', type: 'software' },
];

/** Data Center's context path: it is served at `${baseUrl}/dc/jira`. */
export const DC_CONTEXT_PATH = '/jira';

export interface WorldOptions {
  seed?: number;
  /** The simulator's own base URL, e.g. `http://localhost:4010` (no trailing slash). */
  baseUrl: string;
  now: () => number;
  onListenerError?: (error: unknown) => void;
}

function addMember(
  instance: { users: Map<string, User>; permissions: Map<string, UserPermissions> },
  user: User,
  permissions: UserPermissions,
): void {
  instance.users.set(user.id, user);
  instance.permissions.set(user.id, permissions);
}

/** Takes one permission from a user in one project, keeping what they hold elsewhere. */
function withoutInProject(
  instance: CloudSite | DataCenterInstance,
  user: User,
  projectKey: string,
  permission: ProjectPermission,
): void {
  const permissions = instance.permissions.get(user.id);
  const project = [...instance.projects.values()].find((p) => p.key === projectKey);
  if (!permissions || !project)
    throw new Error(`cannot restrict ${user.username} in ${projectKey}`);
  const inProject = new Set(permissions.byProject.get(project.id) ?? permissions.project);
  inProject.delete(permission);
  permissions.byProject.set(project.id, inProject);
}

function createSite(name: 'acme' | 'globex', cloudId: string, baseUrl: string): CloudSite {
  return {
    kind: 'cloud',
    id: name,
    name,
    cloudId,
    baseUrl: `${baseUrl}/cloud/${name}`,
    serverTitle: name === 'acme' ? 'Acme Jira' : 'Globex Jira',
    version: '1001.0.0-SNAPSHOT',
    versionNumbers: [1001, 0, 0],
    buildNumber: 100289,
    ...createInstanceContent(),
  };
}

/** Build the seeded world (well under a second). */
export function createWorld(options: WorldOptions): World {
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = createRng(seed);
  const acme = createSite('acme', rng.uuid(), options.baseUrl);
  const globex = createSite('globex', rng.uuid(), options.baseUrl);
  const dc: DataCenterInstance = {
    kind: 'dc',
    id: 'dc',
    name: 'dc',
    contextPath: DC_CONTEXT_PATH,
    baseUrl: `${options.baseUrl}/dc${DC_CONTEXT_PATH}`,
    serverTitle: 'Jira Data Center',
    version: '9.12.2',
    versionNumbers: [9, 12, 2],
    buildNumber: 9120002,
    ...createInstanceContent(),
  };

  const accounts = new Map<string, User>();
  const cloud = seedCloudAccounts(rng);
  for (const user of [...Object.values(cloud.named), ...cloud.others]) accounts.set(user.id, user);
  addMember(acme, cloud.named.alice, createAdminPermissions());
  addMember(acme, cloud.named.bob, createRestrictedPermissions(['ASSIGN_ISSUES', 'LINK_ISSUES']));
  addMember(globex, cloud.named.alice, createAdminPermissions());
  addMember(globex, cloud.named.carol, createStandardPermissions());
  cloud.others.forEach((user, index) => {
    addMember(acme, user, createStandardPermissions());
    if (index < 400) addMember(globex, user, createStandardPermissions());
  });
  // Service-desk customers are in acme's directory, holding no Jira permission.
  for (const customer of seedCustomerAccounts()) {
    accounts.set(customer.id, customer);
    addMember(acme, customer, { global: new Set(), project: new Set(), byProject: new Map() });
  }

  const dcPeople = seedDcUsers(rng);
  addMember(dc, dcPeople.named.admin, createAdminPermissions());
  addMember(dc, dcPeople.named.dave, createRestrictedPermissions(['ASSIGN_ISSUES', 'LINK_ISSUES']));
  addMember(dc, dcPeople.named.erin, createStandardPermissions());
  for (const user of dcPeople.others) addMember(dc, user, createStandardPermissions());

  seedContent(rng, acme, SITE_PROJECTS.acme, [cloud.named.alice, cloud.named.bob, ...cloud.others]);
  seedContent(rng, globex, SITE_PROJECTS.globex, [
    cloud.named.alice,
    cloud.named.carol,
    ...cloud.others.slice(0, 400),
  ]);
  seedContent(rng, dc, DC_PROJECTS, [
    dcPeople.named.admin,
    dcPeople.named.dave,
    dcPeople.named.erin,
    ...dcPeople.others,
  ]);
  // Bob (acme) and Dave (DC) may browse WEB and DCP but not create issues there, so diagnostics
  // per project (`mypermissions?projectKey=`) have a project to fail on.
  withoutInProject(acme, cloud.named.bob, 'WEB', 'CREATE_ISSUES');
  withoutInProject(dc, dcPeople.named.dave, 'DCP', 'CREATE_ISSUES');

  return {
    sites: new Map([
      ['acme', acme],
      ['globex', globex],
    ]),
    dc,
    accounts,
    events: createWorldEvents(options.onListenerError),
    now: options.now,
  };
}
