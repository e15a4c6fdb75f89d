/**
 * Seeded credentials, fixed strings so tests, README and the demo can name them. The OAuth 1.0a
 * consumer's key pair is a test-only fixture (`fixtures/oauth1-consumer-*.pem`).
 */
import { readFileSync } from 'node:fs';
import { findAccountByEmail, findUserByUsername } from '../world/read.ts';
import { CLOUD_USERS, DC_USERS } from '../world/seed-users.ts';
import type { World } from '../world/types.ts';
import type { CredentialStore } from './credentials.ts';
import {
  registerApiToken,
  registerDcOAuthClient,
  registerDevopsClient,
  registerOAuth1Consumer,
  registerOAuthApp,
  registerPat,
} from './credentials.ts';

/** Redirect URIs registered for the seeded OAuth apps: the backend's default callback and a test host. */
export const SEEDED_REDIRECT_URIS = [
  'http://localhost:3000/oauth/callback',
  'http://testbridge.test/oauth/callback',
];

export const SEEDED = {
  oauthApp: {
    clientId: 'sim-3lo-client',
    clientSecret: 'sim-3lo-secret',
    name: 'Testbridge (sim)',
    scopes: [
      'read:jira-work',
      'read:jira-user',
      'write:jira-work',
      'manage:jira-webhook',
      'manage:jira-configuration',
      'manage:jira-project',
      'read:me',
    ],
  },
  devopsClients: {
    acme: { clientId: 'sim-2lo-acme', clientSecret: 'sim-2lo-acme-secret' },
    globex: { clientId: 'sim-2lo-globex', clientSecret: 'sim-2lo-globex-secret' },
  },
  dcOAuthClient: {
    clientId: 'sim-dc-client',
    clientSecret: 'sim-dc-secret',
    name: 'Testbridge DC (sim)',
    scope: 'ADMIN',
  },
  oauth1Consumer: { consumerKey: 'testbridge-oauth1', name: 'Testbridge OAuth 1.0a (sim)' },
  apiTokens: {
    alice: 'sim-api-token-alice',
    bob: 'sim-api-token-bob',
    carol: 'sim-api-token-carol',
  },
  pats: { admin: 'sim-pat-admin', dave: 'sim-pat-dave', erin: 'sim-pat-erin' },
  /** DC passwords equal the user name for the named users. */
  dcPasswords: { admin: 'admin', dave: 'dave', erin: 'erin' },
} as const;

/** The consumer's private key (PKCS#8 PEM), for tests and the demo to sign with. */
export function readSeededOAuth1PrivateKey(): string {
  return readFileSync(
    new URL('../../fixtures/oauth1-consumer-private.pem', import.meta.url),
    'utf8',
  );
}

export function seedCredentials(store: CredentialStore, world: World): void {
  registerOAuthApp(store, {
    ...SEEDED.oauthApp,
    scopes: [...SEEDED.oauthApp.scopes],
    redirectUris: SEEDED_REDIRECT_URIS,
  });
  for (const [name, client] of Object.entries(SEEDED.devopsClients)) {
    const site = world.sites.get(name);
    if (site)
      registerDevopsClient(store, {
        ...client,
        name: `CI for ${name}`,
        cloudId: site.cloudId,
        apis: ['builds', 'deployments'],
      });
  }
  registerDcOAuthClient(store, {
    ...SEEDED.dcOAuthClient,
    redirectUri: SEEDED_REDIRECT_URIS[0] ?? '',
  });
  registerOAuth1Consumer(store, {
    ...SEEDED.oauth1Consumer,
    publicKeyPem: readFileSync(
      new URL('../../fixtures/oauth1-consumer-public.pem', import.meta.url),
      'utf8',
    ),
  });
  for (const [name, token] of Object.entries(SEEDED.apiTokens)) {
    const email =
      name === 'alice'
        ? CLOUD_USERS.alice.email
        : name === 'bob'
          ? CLOUD_USERS.bob.email
          : CLOUD_USERS.carol.email;
    const account = findAccountByEmail(world, email);
    if (account) registerApiToken(store, { token, accountId: account.id, label: `${name} (sim)` });
  }
  for (const username of Object.keys(DC_USERS)) {
    const user = findUserByUsername(world.dc, username);
    if (!user) continue;
    store.dcPasswords.set(user.id, username);
    const pat = SEEDED.pats[username as keyof typeof SEEDED.pats];
    registerPat(store, { token: pat, userId: user.id, name: `${username} (sim)` });
  }
}
