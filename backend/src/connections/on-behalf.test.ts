import { SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { getMyself } from '../jira/platform-api.ts';
import {
  authorizeCloud,
  createOAuthTestApp,
  json,
  lastError,
  type OAuthTestApp,
} from '../oauth/testing.ts';
import { jiraEndpointOnBehalfOf } from './on-behalf.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const ALICE = '43ab05deabe6257553edec3f';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error.code;
}

describe('a connection’s Jira endpoint on behalf of a test-tool user', () => {
  let t: OAuthTestApp;
  const create = async (path: string, body: Record<string, unknown>) => {
    const res = await t.app.request(path, {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify(body),
    });
    expect(res.status, `${await res.clone().text()} ${lastError(t)}`).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    t = await createOAuthTestApp();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('acts as a token connection’s one account, and refuses writes that need a user’s grant', async () => {
    const connection = Connection.parse(
      await create('/api/v1/connections', {
        name: 'DC PAT',
        jiraUrl: `${t.sim.baseUrl}/dc/jira`,
        requireUserGrantForWrites: true,
        auth: { type: 'dc_pat', token: SEEDED.pats.admin },
      }),
    );
    const read = await jiraEndpointOnBehalfOf(t.deps, connection.id, 'tool-user', 'read');
    expect(read).toMatchObject({ grant: 'shared', connection: { id: connection.id } });
    expect((await getMyself(t.deps, read.endpoint, '2')).name).toBe('admin');
    expect(await codeOf(jiraEndpointOnBehalfOf(t.deps, connection.id, 'tool-user', 'write'))).toBe(
      'forbidden',
    );
  });

  it('uses an OAuth connection’s shared grant for reads and asks the user to authorize writes', async () => {
    const { connection } = OAuthConnectionCreated.parse(
      await create('/api/v1/connections/oauth', {
        name: 'Cloud OAuth',
        jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
        requireUserGrantForWrites: true,
        auth: { type: 'cloud_oauth2', app: 'testbridge' },
      }),
    );
    await authorizeCloud(t, connection.id, ACME);
    const read = await jiraEndpointOnBehalfOf(t.deps, connection.id, 'tool-user', 'read');
    expect(read).toMatchObject({ grant: 'shared', connection: { authType: 'cloud_oauth2' } });
    expect((await getMyself(t.deps, read.endpoint, '3')).accountId).toBe(ALICE);
    expect(await codeOf(jiraEndpointOnBehalfOf(t.deps, connection.id, 'tool-user', 'write'))).toBe(
      'user_authorization_required',
    );
  });

  it('answers not_found for an unknown connection', async () => {
    expect(await codeOf(jiraEndpointOnBehalfOf(t.deps, 'nope', undefined, 'read'))).toBe(
      'not_found',
    );
  });
});
