import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevopsTestbed } from '../devops/testing.ts';
import { csrfOf, signedIn } from './testing.ts';

describe('the DevOps site page', () => {
  let bed: Awaited<ReturnType<typeof createDevopsTestbed>>;
  beforeAll(async () => {
    bed = await createDevopsTestbed({ env: { OUTBOX_MAX_ATTEMPTS: '1' } });
  });
  afterAll(() => bed.t.cleanup());

  it('saves environment rules in order, and names the line of a bad one without saving', async () => {
    const { browser } = await signedIn(bed.t);
    const path = `/admin/devops/${bed.site.id}`;
    const page = await (await browser.get(path)).text();
    expect(page).toContain('Environment types');
    const saved = await browser.post(`${path}/rules`, {
      _csrf: csrfOf(page),
      rules: 'prod* = production\r\nstag* = staging\r\n',
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('The rules are saved.');
    const stored = await bed.t.app.request(
      `/api/v1/devops/sites/${bed.site.id}/environment-rules`,
      {
        headers: bed.t.asAdmin(),
      },
    );
    expect(await stored.json()).toEqual({
      rules: [
        { pattern: 'prod*', environmentType: 'production' },
        { pattern: 'stag*', environmentType: 'staging' },
      ],
    });

    const bad = await browser.post(`${path}/rules`, {
      _csrf: csrfOf(page),
      rules: 'prod* = production\nqa = quality',
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('line 2, environmentType');
    expect(html).toContain('qa = quality');
    const unchanged = await bed.t.app.request(
      `/api/v1/devops/sites/${bed.site.id}/environment-rules`,
      { headers: bed.t.asAdmin() },
    );
    expect(((await unchanged.json()) as { rules: unknown[] }).rules).toHaveLength(2);
  });

  it('shows a build Jira never took as a dead letter, and sends it again', async () => {
    bed.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    const payload = {
      builds: [
        {
          schemaVersion: '1.0',
          pipelineId: 'web',
          buildNumber: 7,
          updateSequenceNumber: 7,
          displayName: 'web #7',
          url: 'https://ci.example.com/web/7',
          state: 'successful',
          lastUpdated: bed.t.clock.now().toISOString(),
          issueKeys: ['TB-1'],
        },
      ],
    };
    expect((await bed.postJira('builds', payload)).status).toBe(202);
    await bed.drain();
    const { browser } = await signedIn(bed.t);
    const path = `/admin/devops/${bed.site.id}`;
    const page = await (await browser.get(path)).text();
    expect(page).toContain('Send the dead letters again');
    const retried = await browser.post(`${path}/dead-letters/retry`, { _csrf: csrfOf(page) });
    const html = await retried.text();
    expect(html).toContain('1 dead letter will be sent again.');
    expect(html).not.toContain('Send the dead letters again');
  });
});
