import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSiteAccessToken } from './atlassian-token.ts';
import { createDevopsSiteRepo } from './repo.ts';
import { createDevopsTestbed, type DevopsTestbed } from './testing.ts';

describe("a DevOps site's 2LO token", () => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed();
  });
  afterEach(() => b.t.cleanup());

  const tokenRequests = () => b.sim.requests.list({ path: '/api/oauth/token' }).length;
  const site = async () => {
    const row = await createDevopsSiteRepo(b.t.deps.store.tables).findById(
      b.t.deps.store.db,
      b.site.id,
    );
    if (!row) throw new Error('no site');
    return row;
  };

  it('is reused until five minutes before it expires, then fetched once for all callers', async () => {
    expect(tokenRequests()).toBe(1);
    const first = await getSiteAccessToken(b.t.deps, await site());
    expect(first.ok).toBe(true);
    b.advance(54 * 60_000);
    await getSiteAccessToken(b.t.deps, await site());
    expect(tokenRequests()).toBe(1);
    b.advance(60_000);
    const row = await site();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => getSiteAccessToken(b.t.deps, row)),
    );
    expect(tokenRequests()).toBe(2);
    const tokens = new Set(results.map((r) => (r.ok ? r.value.reveal() : r.failure.message)));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).not.toBe(first.ok ? first.value.reveal() : '');
  });

  it('is fetched again only once when Jira refuses it, however many callers saw the refusal', async () => {
    const row = await site();
    const current = await getSiteAccessToken(b.t.deps, row);
    if (!current.ok) throw new Error(current.failure.message);
    const fresh = await Promise.all(
      Array.from({ length: 3 }, () => getSiteAccessToken(b.t.deps, row, current.value)),
    );
    expect(tokenRequests()).toBe(2);
    expect(new Set(fresh.map((r) => (r.ok ? r.value.reveal() : ''))).size).toBe(1);
  });
});
