import { describe, expect, it } from 'vitest';
import { createRestTestKit, readObject } from './test-kit.ts';

const coverage = { status: 'NOK', total: 3, failed: 1 };
const put = (value: unknown) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

describe('issue properties', () => {
  it('sets a property (201), replaces it (200), reads it back and lists its key, on Cloud and DC', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/3/issue/TB-1/properties/testbridge-coverage';
    expect((await kit.site('alice', path, put(coverage))).status).toBe(201);
    expect((await kit.site('alice', path, put({ ...coverage, status: 'OK' }))).status).toBe(200);
    expect(await readObject(await kit.site('alice', path))).toEqual({
      key: 'testbridge-coverage',
      value: { ...coverage, status: 'OK' },
    });
    expect(await readObject(await kit.site('alice', '/rest/api/3/issue/TB-1/properties'))).toEqual({
      keys: [{ key: 'testbridge-coverage' }],
    });
    const dcPath = '/rest/api/2/issue/TB-1/properties/testbridge-coverage';
    expect((await kit.dc('admin', dcPath, put(coverage))).status).toBe(201);
    expect((await readObject(await kit.dc('admin', dcPath))).value).toEqual(coverage);
  });

  it('refuses what Jira refuses: an unknown issue, no Edit issues, a value over 32 KB, not JSON', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/3/issue/TB-2/properties/testbridge-coverage';
    expect(
      (await kit.site('alice', '/rest/api/3/issue/TB-99999/properties/x', put(1))).status,
    ).toBe(404);
    expect((await kit.site('alice', path, put({ big: 'x'.repeat(33_000) }))).status).toBe(400);
    expect((await kit.site('alice', path, { ...put(1), body: '{not json' })).status).toBe(400);
    kit.acme.permissions.get(kit.bob.id)?.project.delete('EDIT_ISSUES');
    expect((await kit.site('bob', path, put(coverage))).status).toBe(403);
    expect((await kit.site('alice', `${path}-missing`)).status).toBe(404);
  });
});
