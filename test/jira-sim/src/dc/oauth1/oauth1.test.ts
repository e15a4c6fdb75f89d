import { describe, expect, it } from 'vitest';
import { readSeededOAuth1PrivateKey, SEEDED } from '../../auth/seed-credentials.ts';
import { createSim } from '../../index.ts';
import { TEST_BASE_URL as BASE } from '../../testing.ts';
import type { OAuth1SignInput } from './sign-request.ts';
import { signOAuth1Request } from './sign-request.ts';

const DC = `${BASE}/dc/jira`;
const SERVLET = `${DC}/plugins/servlet/oauth`;
const KEY = readSeededOAuth1PrivateKey();
type Sim = ReturnType<typeof createSim>;

function client(sim: Sim) {
  let nonce = 0;
  const sign = (input: Partial<OAuth1SignInput> & Pick<OAuth1SignInput, 'method' | 'url'>) =>
    signOAuth1Request({
      consumerKey: SEEDED.oauth1Consumer.consumerKey,
      privateKeyPem: KEY,
      nonce: `n${++nonce}`,
      timestamp: Math.floor(sim.clock.now() / 1000),
      ...input,
    });
  const call = (method: string, url: string, authorization: string, formBody?: string) =>
    sim.fetch(url, {
      method,
      headers: {
        Authorization: authorization,
        ...(formBody === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
      ...(formBody === undefined ? {} : { body: formBody }),
    });
  const requestToken = async (callback = 'oob') => {
    const res = await call(
      'POST',
      `${SERVLET}/request-token`,
      sign({
        method: 'POST',
        url: `${SERVLET}/request-token`,
        oauth: { oauth_callback: callback },
      }),
    );
    return Object.fromEntries(new URLSearchParams(await res.text()));
  };
  const accessToken = async (token: string, verifier: string) =>
    call(
      'POST',
      `${SERVLET}/access-token`,
      sign({
        method: 'POST',
        url: `${SERVLET}/access-token`,
        token,
        oauth: { oauth_verifier: verifier },
      }),
    );
  const authorized = async () => {
    const { oauth_token: token = '' } = await requestToken();
    const { verifier } = sim.approveRequestToken(token);
    const res = await accessToken(token, verifier);
    return Object.fromEntries(new URLSearchParams(await res.text()));
  };
  return { sign, call, requestToken, accessToken, authorized };
}
const problemOf = async (res: Response) => ({
  status: res.status,
  body: Object.fromEntries(new URLSearchParams(await res.text())),
});

describe('OAuth 1.0a dance', () => {
  it('issues a request token, shows the verifier for oob, and exchanges it for an access token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const rt = await c.requestToken();
    expect(rt).toEqual({
      oauth_token: expect.any(String),
      oauth_token_secret: expect.any(String),
      oauth_callback_confirmed: 'true',
    });
    const page = await (
      await sim.fetch(`${SERVLET}/authorize?oauth_token=${rt.oauth_token}`)
    ).text();
    expect(page).toContain('Testbridge OAuth 1.0a (sim) would like to access your Jira data');
    const approved = await sim.fetch(`${SERVLET}/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `oauth_token=${rt.oauth_token}&username=admin&decision=approve`,
    });
    const verifier = /id="verifier">([^<]+)</.exec(await approved.text())?.[1] ?? '';
    expect(verifier).not.toBe('');
    const res = await c.accessToken(rt.oauth_token ?? '', verifier);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(new URLSearchParams(await res.text()))).toEqual({
      oauth_token: expect.any(String),
      oauth_token_secret: expect.any(String),
      oauth_expires_in: '157680000',
      oauth_authorization_expires_in: '157680000',
      oauth_session_handle: expect.any(String),
    });
  });

  it('redirects to the callback with oauth_token and oauth_verifier when one was given', async () => {
    const sim = createSim({ baseUrl: BASE });
    const rt = await client(sim).requestToken('http://localhost:3000/oauth/callback?flow=1');
    const res = await sim.fetch(`${SERVLET}/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `oauth_token=${rt.oauth_token}&username=erin&decision=approve`,
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      flow: '1',
      oauth_token: rt.oauth_token,
      oauth_verifier: expect.any(String),
    });
  });

  it('authenticates signed REST calls as the approving user', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const { oauth_token: token = '' } = await c.authorized();
    const url = `${DC}/rest/api/2/myself?expand=groups`;
    const res = await c.call('GET', url, c.sign({ method: 'GET', url, token }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'admin' });
  });

  it('passes a signed JSON body on to the REST handler (an issue is created)', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const { oauth_token: token = '' } = await c.authorized();
    const url = `${DC}/rest/api/2/issue`;
    const res = await sim.fetch(url, {
      method: 'POST',
      headers: {
        Authorization: c.sign({ method: 'POST', url, token }),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        fields: { project: { key: 'TB' }, issuetype: { name: 'Bug' }, summary: 'Signed' },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { key } = (await res.json()) as { key: string };
    const issue = [...sim.world.dc.issues.values()].find((i) => i.key === key);
    expect(issue).toMatchObject({ summary: 'Signed', reporterId: 'JIRAUSER10000' });
  });
});

describe('OAuth 1.0a rejections', () => {
  it('rejects a tampered query parameter, form body, path or method with signature_invalid', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const { oauth_token: token = '' } = await c.authorized();
    const url = `${DC}/rest/api/2/myself?expand=groups`;
    const tamperedQuery = await c.call(
      'GET',
      `${DC}/rest/api/2/myself?expand=all`,
      c.sign({ method: 'GET', url, token }),
    );
    const tamperedPath = await c.call(
      'GET',
      `${DC}/rest/api/2/serverInfo?expand=groups`,
      c.sign({ method: 'GET', url, token }),
    );
    const formUrl = `${DC}/rest/api/2/myself`;
    const tamperedBody = await c.call(
      'POST',
      formUrl,
      c.sign({ method: 'POST', url: formUrl, token, formBody: 'a=1' }),
      'a=2',
    );
    const tamperedMethod = await c.call('POST', url, c.sign({ method: 'GET', url, token }));
    for (const res of [tamperedQuery, tamperedPath, tamperedBody, tamperedMethod]) {
      const { status, body } = await problemOf(res);
      expect(status).toBe(401);
      expect(body.oauth_problem).toBe('signature_invalid');
      expect(res.headers.get('www-authenticate')).toContain('oauth_problem="signature_invalid"');
    }
  });

  it('accepts a correctly signed form body', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const { oauth_token: token = '' } = await c.authorized();
    const url = `${DC}/rest/api/2/serverInfo`;
    expect(
      (
        await c.call(
          'POST',
          url,
          c.sign({ method: 'POST', url, token, formBody: 'a=1&b=two+words' }),
          'a=1&b=two+words',
        )
      ).status,
    ).toBe(404); // authenticated; DC has no POST serverInfo
  });

  it('rejects an unknown consumer key, another method than RSA-SHA1 and a bad version', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const url = `${SERVLET}/request-token`;
    const unknown = await c.call(
      'POST',
      url,
      c.sign({ method: 'POST', url, consumerKey: 'who', oauth: { oauth_callback: 'oob' } }),
    );
    expect(await problemOf(unknown)).toEqual({
      status: 401,
      body: { oauth_problem: 'consumer_key_unknown' },
    });
    const hmac = c
      .sign({ method: 'POST', url, oauth: { oauth_callback: 'oob' } })
      .replace('RSA-SHA1', 'HMAC-SHA1');
    expect((await problemOf(await c.call('POST', url, hmac))).body.oauth_problem).toBe(
      'signature_method_rejected',
    );
    const v2 = c
      .sign({ method: 'POST', url, oauth: { oauth_callback: 'oob' } })
      .replace('oauth_version="1.0"', 'oauth_version="2.0"');
    expect((await problemOf(await c.call('POST', url, v2))).body.oauth_problem).toBe(
      'version_rejected',
    );
  });

  it('rejects a reused nonce and a timestamp outside five minutes', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const url = `${SERVLET}/request-token`;
    const header = c.sign({ method: 'POST', url, oauth: { oauth_callback: 'oob' } });
    expect((await c.call('POST', url, header)).status).toBe(200);
    expect(await problemOf(await c.call('POST', url, header))).toEqual({
      status: 401,
      body: { oauth_problem: 'nonce_used' },
    });
    const stale = c.sign({
      method: 'POST',
      url,
      oauth: { oauth_callback: 'oob' },
      timestamp: Math.floor(sim.clock.now() / 1000) - 301,
    });
    const { body } = await problemOf(await c.call('POST', url, stale));
    expect(body.oauth_problem).toBe('timestamp_refused');
    expect(body.oauth_acceptable_timestamps).toMatch(/^\d+-\d+$/);
  });

  it('requires oauth_callback on the request token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const url = `${SERVLET}/request-token`;
    expect(await problemOf(await c.call('POST', url, c.sign({ method: 'POST', url })))).toEqual({
      status: 401,
      body: { oauth_problem: 'parameter_absent', oauth_parameters_absent: 'oauth_callback' },
    });
  });

  it('rejects unknown, unapproved, denied and already used request tokens and a wrong verifier', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    expect((await problemOf(await c.accessToken('nope', 'x'))).body.oauth_problem).toBe(
      'token_rejected',
    );
    const pending = await c.requestToken();
    expect(
      (await problemOf(await c.accessToken(pending.oauth_token ?? '', 'x'))).body.oauth_problem,
    ).toBe('permission_unknown');
    const denied = await c.requestToken();
    sim.approveRequestToken(denied.oauth_token ?? '', { deny: true });
    expect(
      (await problemOf(await c.accessToken(denied.oauth_token ?? '', 'denied'))).body.oauth_problem,
    ).toBe('permission_denied');
    const wrong = await c.requestToken();
    const { verifier } = sim.approveRequestToken(wrong.oauth_token ?? '');
    expect(
      (await problemOf(await c.accessToken(wrong.oauth_token ?? '', 'not-it'))).body.oauth_problem,
    ).toBe('token_rejected');
    expect((await c.accessToken(wrong.oauth_token ?? '', verifier)).status).toBe(200);
    expect(
      (await problemOf(await c.accessToken(wrong.oauth_token ?? '', verifier))).body.oauth_problem,
    ).toBe('token_rejected');
  });

  it('rejects a REST call with a request token or a revoked access token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const c = client(sim);
    const url = `${DC}/rest/api/2/myself`;
    const rt = await c.requestToken();
    expect(
      (
        await problemOf(
          await c.call('GET', url, c.sign({ method: 'GET', url, token: rt.oauth_token ?? '' })),
        )
      ).body.oauth_problem,
    ).toBe('token_rejected');
    const { oauth_token: token = '' } = await c.authorized();
    sim.revoke({ token });
    expect(
      (await problemOf(await c.call('GET', url, c.sign({ method: 'GET', url, token })))).body
        .oauth_problem,
    ).toBe('token_rejected');
  });
});
