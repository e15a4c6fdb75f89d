import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWithToken } from '../tool-api/testing.ts';
import { createEventsTestbed, type EventsTestbed, hubSignature } from '../webhooks/testing.ts';
import { csrfOf, signedIn } from './testing.ts';

type Browser = Awaited<ReturnType<typeof signedIn>>['browser'];

/** The text of a copy field (`<code id="copy-…">`) on a page. */
const copied = (html: string, id: string) =>
  new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1]?.replaceAll('&amp;', '&');

describe('a mapping’s webhook in the admin UI', () => {
  let bed: EventsTestbed;
  let browser: Browser;
  let page: string;
  beforeAll(async () => {
    bed = await createEventsTestbed('sqlite');
    ({ browser } = await signedIn(bed.t));
    page = `/admin/mappings/${bed.mapping.id}`;
  });
  afterAll(async () => bed.t.cleanup());

  const csrf = async () => csrfOf(await (await browser.get(page)).text());
  let secret = '';
  let url = '';

  it('refuses an issue without the CSRF token: 403, nothing issued', async () => {
    const res = await browser.post(`${page}/webhook`, {});
    expect(res.status).toBe(403);
    const forged = await browser.post(`${page}/webhook`, { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect(await (await browser.get(page)).text()).not.toContain('id="copy-webhook-url"');
    const list = await (await browser.get('/admin/mappings')).text();
    expect(list).toContain('No webhook endpoint issued yet.');
    expect(list).not.toContain('data-testid="known-webhooks"');
  });

  it('manual mode: shows URL, secret (once, with the warning) and events; never the secret again', async () => {
    const saved = await browser.post(page, { _csrf: await csrf(), webhookMode: 'manual' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Mode: manual.');
    const res = await browser.post(`${page}/webhook`, { _csrf: await csrf() });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="secret-warning"');
    secret = copied(html, 'copy-webhook-secret') ?? '';
    url = copied(html, 'copy-webhook-url') ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(url).toMatch(/^http:\/\/testbridge\.test\/webhooks\/jira\/endpoints\/[^/]+$/);
    expect(copied(html, 'copy-webhook-token-url')).toMatch(new RegExp(`^${url}/[^/]+$`));
    expect(copied(html, 'copy-webhook-events')?.split('\n')).toContain('issue_property_set');
    expect(copied(html, 'copy-webhook-jql')).toBe('project = TB');
    expect(html).toContain('data-copy="copy-webhook-secret"');

    const again = await (await browser.get(page)).text();
    expect(copied(again, 'copy-webhook-url')).toBe(url);
    expect(copied(again, 'copy-webhook-events')).toContain('jira:issue_updated');
    expect(again).not.toContain(secret);
    expect(again).not.toContain('copy-webhook-secret');
    expect(again).not.toContain('secret-warning');
    // The list of known webhooks, on the mappings page: the URL, never the secret.
    const list = await (await browser.get('/admin/mappings')).text();
    expect(list).toContain('data-testid="known-webhooks"');
    expect(list).toContain(url);
    expect(list).not.toContain(secret);
  });

  it('"send test event": waiting until Jira delivered it, then received', async () => {
    await bed.registerAdminHook(
      url,
      secret,
      copied(await (await browser.get(page)).text(), 'copy-webhook-events')?.split('\n') ?? [],
    );
    const noToken = await browser.post(`${page}/webhook/test`, {});
    expect(noToken.status).toBe(403);
    const sent = await browser.post(`${page}/webhook/test`, { _csrf: await csrf() });
    expect(sent.status).toBe(303);
    const checkPage = sent.headers.get('location') ?? '';
    expect(checkPage).toMatch(new RegExp(`^${page}/webhook/test/[^/]+$`));
    const waiting = await (await browser.get(checkPage)).text();
    expect(waiting).toContain('Waiting: the property was set on TB-');
    expect(waiting).toContain(`data-poll="${checkPage}/status"`);
    expect(await (await browser.get(`${checkPage}/status`)).json()).toEqual({
      status: 'waiting',
      next: null,
    });
    await bed.settle();
    expect(await (await browser.get(`${checkPage}/status`)).json()).toEqual({
      status: 'received',
      next: checkPage,
    });
    const received = await (await browser.get(checkPage)).text();
    expect(received).toContain('Received: Jira');
    expect(received).toContain('(admin). The webhook works.');
    expect(received).not.toContain('data-poll');
    // The health on the mapping page now names the delivery.
    const html = await (await browser.get(page)).text();
    expect(html).toContain('>Registered<');
    expect(html).toContain('Entered by hand; last delivery');
  });

  it('re-issuing rotates: a new secret, shown once; the old one stops working', async () => {
    const res = await browser.post(`${page}/webhook`, { _csrf: await csrf() });
    const html = await res.text();
    const rotated = copied(html, 'copy-webhook-secret') ?? '';
    expect(rotated.length).toBeGreaterThanOrEqual(32);
    expect(rotated).not.toBe(secret);
    // The old secret is refused, the new one accepted.
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '1' } });
    const path = new URL(url).pathname;
    const old = await bed.postDelivery(path, body, {
      'x-hub-signature': hubSignature(secret, body),
    });
    expect(old.status).toBe(401);
    const fresh = await bed.postDelivery(path, body, {
      'x-hub-signature': hubSignature(rotated, body),
    });
    expect(fresh.status).toBeLessThan(300);
    secret = rotated;
    expect(copied(html, 'copy-webhook-url')).toBe(url);
  });

  it('"forget this webhook" needs the confirmation; then the URL stops working', async () => {
    const unconfirmed = await browser.post(`${page}/webhook/revoke`, { _csrf: await csrf() });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Tick the box to confirm');
    expect(copied(await (await browser.get(page)).text(), 'copy-webhook-url')).toBe(url);
    const noToken = await browser.post(`${page}/webhook/revoke`, { confirm: 'yes' });
    expect(noToken.status).toBe(403);
    const res = await browser.post(`${page}/webhook/revoke`, {
      _csrf: await csrf(),
      confirm: 'yes',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${page}?forgotten=1`);
    const html = await (await browser.get(`${page}?forgotten=1`)).text();
    expect(html).toContain('The webhook endpoint was forgotten.');
    expect(html).toContain('No webhook endpoint issued yet.');
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '2' } });
    const delivery = await bed.postDelivery(new URL(url).pathname, body, {
      'x-hub-signature': hubSignature(secret, body),
    });
    expect(delivery.status).toBe(401);
  });

  it('automatic mode: registered in Jira, or the plain reason it fell back to manual (secret once)', async () => {
    const registered = await browser.post(page, {
      _csrf: await csrf(),
      webhookMode: 'automatic',
    });
    expect(registered.status).toBe(200);
    const html = await registered.text();
    expect(html).toContain('Mode: automatic. Registered in Jira by Testbridge (admin webhook).');
    expect(bed.sim.webhooks.admin()).toHaveLength(2); // the one entered by hand, and this one
    // Its endpoint's secret is the one registered in Jira: no rotate or forget button here.
    expect(html).not.toContain(`action="${page}/webhook"`);
    expect(html).not.toContain(`action="${page}/webhook/revoke"`);
    expect(html).toContain(`action="${page}/webhook/test"`);

    const bob = await connectWithToken(bed.t, 'acme as bob', 'cloud_api_token', 'bob');
    const list = await (await browser.get('/admin/mappings')).text();
    const created = await browser.post('/admin/mappings', {
      _csrf: csrfOf(list),
      'toolProject.key': 'BOBS',
      'toolProject.name': "Bob's tests",
      connectionId: bob.id,
      jiraProjectKey: 'TB',
      webhookMode: 'automatic',
    });
    expect(created.status).toBe(201);
    const fallback = await created.text();
    expect(fallback).toContain('data-testid="webhook-fallback"');
    expect(fallback).toContain('ADMINISTER');
    expect(fallback).toContain('Mode: manual.');
    const shownOnce = copied(fallback, 'copy-webhook-secret') ?? '';
    expect(shownOnce.length).toBeGreaterThanOrEqual(32);
    const id = /action="\/admin\/mappings\/([^/"]+)\/webhook"/.exec(fallback)?.[1];
    const reloaded = await (await browser.get(`/admin/mappings/${id}`)).text();
    expect(reloaded).not.toContain(shownOnce);
    expect(reloaded).not.toContain('webhook-fallback');
    expect(copied(reloaded, 'copy-webhook-url')).toMatch(/\/webhooks\/jira\/endpoints\//);
  });
});
