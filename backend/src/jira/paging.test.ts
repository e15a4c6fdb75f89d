import { createSim, SEEDED } from '@testbridge/jira-sim';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlainSecret } from '../crypto/secret.ts';
import { createLogCapture } from '../testing/index.ts';
import { basicAuth } from './auth.ts';
import { paginateOffset } from './paging.ts';

describe('offset paging against the simulator', () => {
  it('walks every page, trusting the page size Jira returns over the one asked for', async () => {
    const sim = createSim({ baseUrl: 'http://jira-sim.test' });
    const deps = {
      fetch: sim.fetch as typeof fetch,
      logger: createLogCapture().logger,
      sleep: async () => {},
    };
    const endpoint = {
      baseUrl: `${sim.baseUrl}/cloud/acme`,
      auth: basicAuth('alice@acme.test', new PlainSecret(SEEDED.apiTokens.alice)),
    };
    const keys: string[] = [];
    for await (const project of paginateOffset(
      deps,
      endpoint,
      { path: '/rest/api/3/project/search' },
      z.object({ key: z.string() }).loose(),
      1,
    )) {
      keys.push(project.key);
    }
    const expected = [...(sim.world.sites.get('acme')?.projects.values() ?? [])].map((p) => p.key);
    expect(keys.sort()).toEqual(expected.sort());
    expect(sim.requests.list({ path: '/cloud/acme/rest/api/3/project/search' })).toHaveLength(
      expected.length,
    );
  });
});
