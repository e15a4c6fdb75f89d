import { SEEDED } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import {
  JiraCommentAdded,
  JiraIssue,
  JiraIssueCreated,
  JiraIssueLinkTypeList,
  JiraIssuePage,
  JiraIssueTypeList,
  type JiraProject,
  type JiraUser,
  type JiraVersion,
  RemoteLinkSaved,
} from '@testbridge/shared/api/tool-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthTestApp, type OAuthTestApp } from '../oauth/testing.ts';
import { STORE_KINDS } from '../testing/index.ts';
import {
  callJiraApi,
  collectPages,
  connectWithToken,
  createToolKey,
  LINK_BASE,
  type TokenKind,
} from './testing.ts';

const DEPLOYMENTS: {
  name: string;
  kind: TokenKind;
  who: 'alice' | 'admin';
  projects: string[];
  linkBase: string;
  secret: string;
}[] = [
  {
    name: 'Jira Cloud (REST v3, ADF)',
    kind: 'cloud_api_token',
    who: 'alice',
    projects: ['OPS', 'TB', 'WEB'],
    linkBase: LINK_BASE.cloud,
    secret: SEEDED.apiTokens.alice,
  },
  {
    name: 'Jira Data Center (REST v2, wiki text)',
    kind: 'dc_pat',
    who: 'admin',
    projects: ['DCP', 'TB'],
    linkBase: LINK_BASE.dc,
    secret: SEEDED.pats.admin,
  },
];

const DESCRIPTION = 'Steps:\n1. open the login page\n2. submit\n\nExpected: signed in';

/** A test failure message full of wiki notation, and how Data Center must store it. */
const FAILURE = 'h1. Failed\n*bold* {code}x{code} [link|http://x.test] !img.png! ??c?? C:\\tmp\\\\';
const FAILURE_WIKI =
  'h1&#46; Failed\n\\*bold\\* \\{code\\}x\\{code\\} \\[link\\|http://x.test\\] \\!img.png\\! \\?\\?c\\?\\? C:&#92;tmp&#92;&#92;';

const CASES = DEPLOYMENTS.flatMap((d) => STORE_KINDS.map((store) => ({ ...d, store })));

describe.each(CASES)('the test tool’s Jira API on $name, $store store', (deployment) => {
  let t: OAuthTestApp;
  let tool: (user?: string) => Record<string, string>;
  let id: string;
  const cloud = deployment.kind === 'cloud_api_token';
  const instance = () => (cloud ? t.sim.world.sites.get('acme') : t.sim.world.dc);
  const issueInSim = (key: string) => {
    const issue = [...(instance()?.issues.values() ?? [])].find((i) => i.key === key);
    if (!issue) throw new Error(`no issue ${key} in the simulator`);
    return issue;
  };
  const call = (path: string, body?: unknown, user?: string) =>
    callJiraApi(t, tool(user), id, path, body);

  beforeAll(async () => {
    t = await createOAuthTestApp({ store: deployment.store });
    tool = await createToolKey(t);
    id = (await connectWithToken(t, 'Jira', deployment.kind, deployment.who)).id;
  });
  afterAll(async () => {
    for (const body of t.responses) expect(body).not.toContain(deployment.secret);
    expect(t.logs.text()).not.toContain(deployment.secret);
    await t.cleanup();
  });

  it('lists projects page by page and filters them by key or name', async () => {
    const all = await collectPages<JiraProject>(t, tool(), id, '/projects?limit=1');
    expect(all.items.map((p) => p.key)).toEqual(deployment.projects);
    expect(all.pages).toBe(deployment.projects.length);
    const filtered = await call('/projects?query=tb');
    expect(((await filtered.json()) as { items: JiraProject[] }).items).toEqual([
      expect.objectContaining({ key: 'TB', name: expect.any(String), id: expect.any(String) }),
    ]);
  });

  it('lists a project’s issue types and its versions, page by page', async () => {
    const types = JiraIssueTypeList.parse(await (await call('/projects/TB/issue-types')).json());
    expect(types.items.map((type) => type.name)).toEqual([
      'Epic',
      'Story',
      'Task',
      'Bug',
      'Subtask',
    ]);
    expect(types.items.find((type) => type.name === 'Subtask')?.subtask).toBe(true);
    const versions = await collectPages<JiraVersion>(
      t,
      tool(),
      id,
      '/projects/TB/versions?limit=3',
    );
    expect(versions.pages).toBe(2);
    expect(versions.items.map((v) => [v.name, v.released])).toEqual([
      ['1.0', true],
      ['1.1', true],
      ['2.0', false],
      ['2.1', false],
    ]);
  });

  it('searches users over several pages, and lists who can be assigned in a project', async () => {
    const pages = await collectPages<JiraUser>(t, tool(), id, '/users?query=ada&limit=40');
    // Cloud's query search sees active users only; Data Center lists inactive ones too.
    const expected = [...(instance()?.users.values() ?? [])].filter(
      (u) =>
        (u.active || !cloud) &&
        u.displayName
          .toLowerCase()
          .split(' ')
          .some((w) => w.startsWith('ada')),
    );
    expect(pages.pages).toBeGreaterThanOrEqual(3);
    expect(pages.items).toHaveLength(expected.length);
    expect(new Set(pages.items.map((u) => u.accountId ?? u.username)).size).toBe(expected.length);
    const first = pages.items[0];
    if (cloud) expect(first).toMatchObject({ accountId: expect.any(String), username: null });
    else expect(first).toMatchObject({ accountId: null, username: expect.any(String) });

    const assignable = await call(
      `/projects/TB/assignable-users?query=${cloud ? 'alice' : 'admin'}`,
    );
    expect(assignable.status).toBe(200);
    const users = ((await assignable.json()) as { items: JiraUser[] }).items;
    expect(users.map((u) => u.displayName)).toContain(cloud ? 'Alice Admin' : 'DC Administrator');
  });

  it('tells people from apps and customers, and filters users by account type and activity', async () => {
    const everyone = [...(instance()?.users.values() ?? [])];
    const count = (keep: (u: (typeof everyone)[number]) => boolean) => everyone.filter(keep).length;
    const people = await collectPages<JiraUser>(
      t,
      tool(),
      id,
      '/users?accountType=atlassian&active=true&limit=100',
    );
    expect(people.items.every((u) => u.accountType === 'atlassian' && u.active)).toBe(true);
    expect(people.items).toHaveLength(count((u) => u.accountType === 'atlassian' && u.active));
    expect(new Set(people.items.map((u) => u.accountId ?? u.username)).size).toBe(
      people.items.length,
    );

    const apps = await collectPages<JiraUser>(t, tool(), id, '/users?accountType=app&limit=5');
    const customers = await collectPages<JiraUser>(
      t,
      tool(),
      id,
      '/users?accountType=customer&limit=7',
    );
    const inactive = await collectPages<JiraUser>(t, tool(), id, '/users?active=false&limit=100');
    expect(inactive.items.every((u) => !u.active)).toBe(true);
    expect(inactive.items).toHaveLength(count((u) => !u.active));
    if (cloud) {
      expect(apps.items.length).toBeGreaterThan(0);
      expect(apps.items.every((u) => u.accountType === 'app')).toBe(true);
      expect(apps.items).toHaveLength(count((u) => u.accountType === 'app'));
      expect(customers.items).toHaveLength(count((u) => u.accountType === 'customer'));
      expect(customers.pages).toBeGreaterThan(1);
      expect(new Set(customers.items.map((u) => u.accountId)).size).toBe(customers.items.length);
      expect(customers.items.every((u) => u.accountType === 'customer')).toBe(true);
      expect(customers.items.some((u) => !u.active)).toBe(true);
      expect(inactive.items.some((u) => u.accountType !== 'atlassian')).toBe(true);
    } else {
      // Data Center has no account types: every user is a person.
      expect(apps.items).toEqual([]);
      expect(customers.items).toEqual([]);
    }
    const assignable = await collectPages<JiraUser>(
      t,
      tool(),
      id,
      '/projects/TB/assignable-users?accountType=atlassian&active=true&limit=50',
    );
    expect(assignable.items.length).toBeGreaterThan(0);
    expect(assignable.items.every((u) => u.accountType === 'atlassian' && u.active)).toBe(true);

    const bad = await call('/users?accountType=robot&active=maybe');
    expect(bad.status).toBe(400);
    expect(Problem.parse(await bad.json()).invalidFields?.map((f) => f.field)).toEqual(
      expect.arrayContaining(['query.accountType', 'query.active']),
    );
  });

  it('searches issues by JQL across pages, without repeats, and reads one issue', async () => {
    const inProject = [...(instance()?.issues.values() ?? [])].filter((i) =>
      i.key.startsWith('TB-'),
    ).length;
    const keys: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call('/issues/search', {
        jql: 'project = TB ORDER BY key ASC',
        limit: 15,
        ...(cursor ? { cursor } : {}),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const page = JiraIssuePage.parse(await res.json());
      keys.push(...page.items.map((issue) => issue.key));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(inProject / 15));
    expect(new Set(keys).size).toBe(inProject);

    const res = await call('/issues/TB-1');
    const issue = JiraIssue.parse(await res.json());
    expect(issue).toMatchObject({
      key: 'TB-1',
      url: `${deployment.linkBase}/browse/TB-1`,
      project: { key: 'TB' },
      status: { name: expect.any(String) },
      issueType: { name: expect.any(String) },
    });
  });

  it('creates a defect with a plain-text description, as ADF on Cloud and wiki text on DC', async () => {
    const res = await call('/issues', {
      project: 'TB',
      issueType: 'Bug',
      summary: 'Login fails after submit',
      description: DESCRIPTION,
      labels: ['testbridge', 'regression'],
      priority: 'High',
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = JiraIssueCreated.parse(await res.json());
    expect(created.url).toBe(`${deployment.linkBase}/browse/${created.key}`);

    const stored = issueInSim(created.key);
    expect(stored).toMatchObject({ summary: 'Login fails after submit', priority: 'High' });
    expect(stored.labels).toEqual(['testbridge', 'regression']);
    if (cloud) {
      expect(stored.description).toMatchObject({ type: 'doc', version: 1 });
      expect(JSON.stringify(stored.description)).toContain('"type":"hardBreak"');
    } else {
      expect(stored.description).toBe(DESCRIPTION);
    }
    const readBack = JiraIssue.parse(await (await call(`/issues/${created.key}`)).json());
    expect(readBack).toMatchObject({
      description: DESCRIPTION,
      issueType: { name: 'Bug' },
      priority: 'High',
      labels: ['testbridge', 'regression'],
    });
  });

  it('sends a description and a comment full of wiki notation as plain text', async () => {
    const res = await call('/issues', {
      project: 'TB',
      issueType: 'Bug',
      summary: 'Markup in a failure',
      description: FAILURE,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { key } = JiraIssueCreated.parse(await res.json());
    const commented = await call(`/issues/${key}/comments`, { body: FAILURE });
    expect(commented.status, await commented.clone().text()).toBe(201);
    const comment = instance()?.comments.get(JiraCommentAdded.parse(await commented.json()).id);
    const stored = issueInSim(key).description;
    if (cloud) {
      const text = { type: 'text', text: FAILURE.split('\n')[1] };
      expect(stored).toMatchObject({ content: [{ content: [{}, {}, text] }] });
      expect(comment?.body).toEqual(stored);
    } else {
      expect(stored).toBe(FAILURE_WIKI);
      expect(comment?.body).toBe(FAILURE_WIKI);
    }
    const readBack = JiraIssue.parse(await (await call(`/issues/${key}`)).json());
    expect(readBack.description).toBe(FAILURE);
  });

  it('links two issues, upserts a remote link by globalId and comments', async () => {
    const types = JiraIssueLinkTypeList.parse(await (await call('/issue-link-types')).json());
    expect(types.items.map((type) => type.name)).toContain('Relates');

    const linked = await call('/issue-links', {
      type: 'Blocks',
      inwardIssue: 'TB-2',
      outwardIssue: 'TB-3',
    });
    expect(linked.status, await linked.clone().text()).toBe(201);
    const [inward, outward] = [issueInSim('TB-2'), issueInSim('TB-3')];
    const links = [...(instance()?.issueLinks.values() ?? [])].filter(
      (l) => l.inwardIssueId === inward.id && l.outwardIssueId === outward.id,
    );
    expect(links).toEqual([expect.objectContaining({ typeId: '10000' })]);

    const link = {
      globalId: 'testbridge:test:LOGIN-7',
      url: 'https://tests.example.test/cases/LOGIN-7',
      title: 'LOGIN-7 Sign in',
      relationship: 'tested by',
      application: { type: 'com.example.tests', name: 'Tests' },
    };
    const first = await call('/issues/TB-4/remote-links', link);
    expect(first.status, await first.clone().text()).toBe(201);
    const again = await call('/issues/TB-4/remote-links', {
      ...link,
      title: 'LOGIN-7 Sign in (v2)',
    });
    expect(again.status, await again.clone().text()).toBe(200);
    const [a, b] = [
      RemoteLinkSaved.parse(await first.json()),
      RemoteLinkSaved.parse(await again.json()),
    ];
    expect(b).toEqual(a);
    const remote = [...(instance()?.remoteLinks.values() ?? [])].filter(
      (l) => l.issueId === issueInSim('TB-4').id,
    );
    expect(remote).toHaveLength(1);
    expect(remote[0]?.object).toMatchObject({ title: 'LOGIN-7 Sign in (v2)', url: link.url });

    const commented = await call('/issues/TB-4/comments', { body: 'Failed in run 12\n\nSee log' });
    expect(commented.status, await commented.clone().text()).toBe(201);
    const comment = JiraCommentAdded.parse(await commented.json());
    const stored = instance()?.comments.get(comment.id);
    if (cloud) expect(stored?.body).toMatchObject({ type: 'doc' });
    else expect(stored?.body).toBe('Failed in run 12\n\nSee log');
  });

  it('answers the caller’s 4xx in Jira’s own words when Jira refuses what was asked', async () => {
    const res = await call('/issues', { project: 'TB', issueType: 'Nope', summary: 'x' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = Problem.parse(await res.json());
    expect(problem).toMatchObject({
      code: 'jira_rejected_request',
      jira: { status: 400, errors: { issuetype: 'The issue type selected is invalid.' } },
    });
    expect(problem.detail).toContain('The issue type selected is invalid.');
    expect(problem.invalidFields).toEqual([
      { field: 'body.issueType', message: 'The issue type selected is invalid.' },
    ]);

    const missing = await call('/issues/TB-99999');
    expect(missing.status).toBe(404);
    expect(Problem.parse(await missing.json())).toMatchObject({
      code: 'jira_not_found',
      jira: { status: 404 },
    });

    const jql = await call('/issues/search', { jql: 'project = = TB', limit: 5 });
    expect(jql.status).toBe(422);
    const jqlProblem = Problem.parse(await jql.json());
    expect(jqlProblem).toMatchObject({ code: 'jira_rejected_request', jira: { status: 400 } });
    expect(jqlProblem.jira).toMatchObject({ errorMessages: [expect.any(String)] });
    expect(jqlProblem.invalidFields?.[0]?.field).toBe('body.jql');

    const project = await call('/projects/NOPE/issue-types');
    expect(project.status).toBe(404);
    expect(Problem.parse(await project.json()).code).toBe('jira_not_found');

    const linkType = await call('/issue-links', {
      type: 'No such link',
      inwardIssue: 'TB-1',
      outwardIssue: 'TB-2',
    });
    expect(linkType.status).toBeGreaterThanOrEqual(400);
    expect(linkType.status).toBeLessThan(500);
    expect(Problem.parse(await linkType.json()).jira).toMatchObject({
      errorMessages: [expect.any(String)],
    });
    // A caller's mistake is no outage: logged below `error`.
    const refused = t.logs.lines().filter((l) => String(l.code ?? '').startsWith('jira_'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((l) => l.level).filter((level) => level === 'error')).toEqual([]);
  });

  it('names each bad field, never reaching Jira', async () => {
    t.sim.requests.clear();
    const res = await call('/issues', {
      project: 'not a key',
      issueType: 'Bug',
      labels: ['has space'],
      extra: 1,
    });
    expect(res.status).toBe(400);
    const fields = Problem.parse(await res.json()).invalidFields?.map((f) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.project', 'body.summary', 'body.labels[0]', 'body.extra']),
    );
    const badKey = await call('/issues/not-an-issue!');
    expect(Problem.parse(await badKey.json()).invalidFields?.[0]?.field).toBe('param.issueKey');
    const badLimit = await call('/projects?limit=500');
    expect(Problem.parse(await badLimit.json()).invalidFields?.[0]?.field).toBe('query.limit');
    const badCursor = await call('/projects?cursor=bm9wZQ');
    expect(Problem.parse(await badCursor.json()).invalidFields?.[0]?.field).toBe('query.cursor');
    const badUser = await call('/projects', undefined, 'u'.repeat(201));
    expect(Problem.parse(await badUser.json()).invalidFields?.[0]?.field).toBe(
      'header.x-testbridge-user',
    );
    expect(t.sim.requests.list({ path: '*rest/api*' })).toHaveLength(0);
  });
});
