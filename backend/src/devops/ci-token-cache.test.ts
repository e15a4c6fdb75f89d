import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CI_TOKEN_CACHE_MS } from './ci-token-cache.ts';
import { createCiCredentialRepo } from './credential-repo.ts';
import { CI_TOKEN_TTL_SECONDS } from './credential-service.ts';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const Created = z.object({ id: z.string(), clientId: z.string(), clientSecret: z.string() });
const Token = z.object({ access_token: z.string() });
const Credentials = z.object({
  items: z.array(z.object({ id: z.string(), lastUsedAt: z.string().nullable() })),
});

describe('verified CI tokens, remembered between requests', () => {
  let b: DevopsTestbed;
  beforeAll(async () => {
    b = await createDevopsTestbed();
  });
  afterAll(() => b.t.cleanup());

  const json = { 'content-type': 'application/json' };
  /** Fresh CI credentials and a token for them, so each case starts uncached. */
  async function freshToken(siteId = b.site.id) {
    const created = await b.t.app.request(`/api/v1/devops/sites/${siteId}/credentials`, {
      method: 'POST',
      headers: b.t.asAdmin(json),
      body: JSON.stringify({ name: 'cache' }),
    });
    const ci = Created.parse(await created.json());
    const res = await b.t.app.request('/oauth/token', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: ci.clientId,
        client_secret: ci.clientSecret,
      }),
    });
    return { credentialId: ci.id, token: Token.parse(await res.json()).access_token };
  }
  const post = (token: string) =>
    b.t.app.request(`/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify(onKnownIssue(jenkinsPayload('build'))),
    });
  const revokeHere = (credentialId: string) =>
    b.t.app.request(`/api/v1/devops/sites/${b.site.id}/credentials/${credentialId}`, {
      method: 'DELETE',
      headers: b.t.asAdmin(),
    });

  it('refuses a token at once when its credentials are revoked, though it was just used', async () => {
    const { credentialId, token } = await freshToken();
    expect((await post(token)).status).toBe(202);
    expect((await post(token)).status).toBe(202);
    expect((await revokeHere(credentialId)).status).toBe(204);
    expect((await post(token)).status).toBe(401);
  });

  it('trusts a token revoked by another replica for at most the cache time', async () => {
    const { credentialId, token } = await freshToken();
    expect((await post(token)).status).toBe(202);
    // Another backend on the same store revokes: this process is not told.
    const repo = createCiCredentialRepo(b.t.deps.store.tables);
    await b.t.deps.store.transaction((tx) => repo.revoke(tx, credentialId, b.t.clock.now()));
    expect((await post(token)).status).toBe(202);
    b.advance(CI_TOKEN_CACHE_MS);
    expect((await post(token)).status).toBe(401);
  });

  it('never trusts a cached token past its own expiry', async () => {
    const { token } = await freshToken();
    b.advance(CI_TOKEN_TTL_SECONDS * 1000 - CI_TOKEN_CACHE_MS / 2);
    expect((await post(token)).status).toBe(202);
    b.advance(CI_TOKEN_CACHE_MS / 2);
    expect((await post(token)).status).toBe(401);
  });

  it('still records when credentials were last used, once a minute', async () => {
    const { credentialId, token } = await freshToken();
    const lastUsed = async () => {
      const res = await b.t.app.request(`/api/v1/devops/sites/${b.site.id}/credentials`, {
        headers: b.t.asAdmin(),
      });
      return Credentials.parse(await res.json()).items.find((c) => c.id === credentialId)
        ?.lastUsedAt;
    };
    const issuedAt = await lastUsed();
    b.advance(55_000);
    expect((await post(token)).status).toBe(202);
    expect(await lastUsed()).toBe(issuedAt);
    b.advance(5_000);
    expect((await post(token)).status).toBe(202);
    const touched = b.t.clock.now().toISOString();
    expect(await lastUsed()).toBe(touched);
    b.advance(5_000);
    expect((await post(token)).status).toBe(202);
    expect(await lastUsed()).toBe(touched);
  });

  it('refuses every token of a deleted site at once', async () => {
    const { token } = await freshToken();
    expect((await post(token)).status).toBe(202);
    const deleted = await b.t.app.request(`/api/v1/devops/sites/${b.site.id}`, {
      method: 'DELETE',
      headers: b.t.asAdmin(),
    });
    expect(deleted.status).toBe(204);
    expect((await post(token)).status).toBe(401);
  });
});
