import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIssueKeys } from '../jira/issue-lookup.ts';
import { jiraTargetFor } from '../tool-api/endpoint.ts';
import { createResultsTestbed } from './testing.ts';

describe('resolving requirement keys in Jira', () => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  beforeAll(async () => {
    bed = await createResultsTestbed('sqlite');
  });
  afterAll(async () => bed.t.cleanup());

  const searches = () => bed.sim.requests.list({ path: '*/search/jql', method: 'POST' }).length;

  it('asks in chunks, sets unknown keys aside and follows a moved issue by its old key', async () => {
    const target = await jiraTargetFor(bed.t.deps, bed.connection.id, undefined, 'read');
    const moved = await bed.sim.fetch(`${bed.sim.baseUrl}/_sim/world/acme/issues/OPS-3/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projectKey: 'TB' }),
    });
    const { id: movedId } = (await moved.json()) as { id: string };
    const known = ['TB', 'WEB', 'OPS'].flatMap((p) =>
      Array.from({ length: 40 }, (_, i) => `${p}-${i + 1}`),
    );
    const before = searches();
    const resolved = await resolveIssueKeys(
      bed.t.deps,
      target,
      [...known, 'TB-4000', 'tb-1', 'NOPE-1'],
      50,
    );
    // 123 distinct keys in chunks of 50: 3 searches, and one more per refusal naming a key.
    expect(searches() - before).toBe(5);
    expect(resolved.unknown.sort()).toEqual(['NOPE-1', 'TB-4000']);
    expect(resolved.found.size).toBe(120);
    expect(resolved.found.get('OPS-3')?.id).toBe(movedId);
    expect(resolved.found.get('OPS-3')?.key).toMatch(/^TB-/);
  });
});
