import { createSim, readSeededOAuth1PrivateKey, SEEDED } from '@testbridge/jira-sim';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateRsaKeyPair } from '../crypto/rsa-keys.ts';
import { PlainSecret } from '../crypto/secret.ts';
import { createLogCapture } from '../testing/index.ts';
import { callJira } from './http.ts';
import { oauth1Auth, oauth1BaseString, signOAuth1Request } from './oauth1.ts';

describe('RFC 5849 signature base string', () => {
  it('reproduces the example of §3.4.1.1 exactly', () => {
    const base = oauth1BaseString(
      {
        method: 'POST',
        url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
        form: { c2: '', a3: '2 q' },
      },
      {
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131201',
        oauth_nonce: '7d8f3e4a',
        realm: 'Example',
      },
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });
});

const TokenReply = (text: string) => {
  const form = new URLSearchParams(text);
  return z
    .object({ oauth_token: z.string(), oauth_token_secret: z.string() })
    .parse(Object.fromEntries(form));
};

describe('the RSA-SHA1 signer against the Data Center simulator', () => {
  it('runs the three legs and signs REST calls that Jira verifies', async () => {
    const sim = createSim({ baseUrl: 'http://jira-sim.test' });
    const servlet = `${sim.baseUrl}/dc/jira/plugins/servlet/oauth`;
    const now = () => new Date(sim.clock.now());
    const consumer = {
      consumerKey: SEEDED.oauth1Consumer.consumerKey,
      privateKey: new PlainSecret(readSeededOAuth1PrivateKey()),
    };
    const post = async (url: string, authorization: string) => {
      const res = await sim.fetch(url, { method: 'POST', headers: { authorization } });
      expect(res.status, await res.clone().text()).toBe(200);
      return TokenReply(await res.text());
    };

    const request = await post(
      `${servlet}/request-token`,
      signOAuth1Request(
        consumer,
        {
          method: 'POST',
          url: `${servlet}/request-token`,
          extra: { oauth_callback: 'oob' },
        },
        now(),
      ),
    );
    const { verifier } = sim.approveRequestToken(request.oauth_token);
    const access = await post(
      `${servlet}/access-token`,
      signOAuth1Request(
        {
          ...consumer,
          token: request.oauth_token,
          tokenSecret: new PlainSecret(request.oauth_token_secret),
        },
        { method: 'POST', url: `${servlet}/access-token`, extra: { oauth_verifier: verifier } },
        now(),
      ),
    );

    const signed = {
      ...consumer,
      token: access.oauth_token,
      tokenSecret: new PlainSecret(access.oauth_token_secret),
    };
    const deps = {
      fetch: sim.fetch as typeof fetch,
      logger: createLogCapture().logger,
      sleep: async () => {},
    };
    const me = await callJira(
      deps,
      { baseUrl: `${sim.baseUrl}/dc/jira`, auth: oauth1Auth(signed, { now }) },
      // Query values that need RFC 5849's exact encoding to verify: space, plus, percent, @.
      { path: '/rest/api/2/myself', query: { expand: 'groups', note: 'a b+c%', 'c@': '' } },
      z.object({ name: z.string() }).loose(),
    );
    expect(me.name).toBeTruthy();

    // Signed with another key: Jira answers oauth_problem=signature_invalid.
    const forged = { ...signed, privateKey: generateRsaKeyPair(2048).privateKey };
    const res = await sim.fetch(`${sim.baseUrl}/dc/jira/rest/api/2/myself`, {
      headers: {
        authorization: signOAuth1Request(
          forged,
          { method: 'GET', url: `${sim.baseUrl}/dc/jira/rest/api/2/myself` },
          now(),
        ),
      },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('signature_invalid');
  });
});
