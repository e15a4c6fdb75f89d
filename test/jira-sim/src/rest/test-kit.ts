/**
 * Test helpers for the REST suites: a simulator plus one-line callers for the site URL (API token),
 * the API gateway (3LO bearer token) and Data Center (Basic auth), all as the seeded users.
 */
import { z } from 'zod';
import { SEEDED } from '../auth/seed-credentials.ts';
import type { SimOptions } from '../index.ts';
import { createSim } from '../index.ts';
import { basicAuth, must, TEST_BASE_URL } from '../testing.ts';
import { findAccountByEmail, findUserByUsername } from '../world/read.ts';
import { CLOUD_USERS } from '../world/seed-users.ts';

type CloudUser = 'alice' | 'bob';
type DcUser = 'admin' | 'dave' | 'erin';

/** `init` for a JSON request. */
export function jsonInit(method: string, body: unknown): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function withAuth(init: RequestInit | undefined, authorization: string): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set('Authorization', authorization);
  return { ...init, headers };
}

const objectSchema = z.record(z.string(), z.unknown());

/** A JSON object response body (throws if it is not one). */
export async function readObject(res: Response): Promise<Record<string, unknown>> {
  return objectSchema.parse(await res.json());
}

/** A JSON array-of-objects response body. */
export async function readArray(res: Response): Promise<Record<string, unknown>[]> {
  return z.array(objectSchema).parse(await res.json());
}

/** `field` of every object in `list` (e.g. the keys of a page's `values`). */
export function pluck(list: unknown, field: string): unknown[] {
  return z
    .array(objectSchema)
    .parse(list)
    .map((item) => item[field]);
}

/** An ADF document with one paragraph. */
export function adf(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
  };
}

export function createRestTestKit(options: Partial<SimOptions> = {}) {
  const sim = createSim({ baseUrl: TEST_BASE_URL, ...options });
  const acme = must(sim.world.sites.get('acme'));
  const dcInstance = sim.world.dc;
  const alice = must(findAccountByEmail(sim.world, CLOUD_USERS.alice.email));
  const bob = must(findAccountByEmail(sim.world, CLOUD_USERS.bob.email));
  const dave = must(findUserByUsername(dcInstance, 'dave'));
  const emails: Record<CloudUser, string> = {
    alice: CLOUD_USERS.alice.email,
    bob: CLOUD_USERS.bob.email,
  };
  return {
    sim,
    acme,
    dcInstance,
    alice,
    bob,
    dave,
    /** `${baseUrl}/cloud/acme${path}` with e-mail + API token. */
    site: (who: CloudUser, path: string, init?: RequestInit) =>
      sim.fetch(
        `${TEST_BASE_URL}/cloud/acme${path}`,
        withAuth(init, basicAuth(emails[who], SEEDED.apiTokens[who])),
      ),
    /** `${baseUrl}/cloud/acme${path}` without credentials. */
    anonymous: (path: string, init?: RequestInit) =>
      sim.fetch(`${TEST_BASE_URL}/cloud/acme${path}`, init),
    /** A 3LO access token for alice (or `accountId`) on acme. */
    tokenFor: (scopes: string[], accountId = alice.id) =>
      sim.issueCloudTokens({ accountId, cloudId: acme.cloudId, scopes }).access_token,
    /** `${baseUrl}/api/ex/jira/{acme cloudId}${path}` with a bearer token. */
    gateway: (token: string, path: string, init?: RequestInit) =>
      sim.fetch(
        `${TEST_BASE_URL}/api/ex/jira/${acme.cloudId}${path}`,
        withAuth(init, `Bearer ${token}`),
      ),
    /** `${baseUrl}/dc/jira${path}` with Basic user:password (password = name). */
    dc: (who: DcUser, path: string, init?: RequestInit) =>
      sim.fetch(`${TEST_BASE_URL}/dc/jira${path}`, withAuth(init, basicAuth(who, who))),
  };
}

export type RestTestKit = ReturnType<typeof createRestTestKit>;
