import { describe, expect, it } from 'vitest';
import { must } from '../testing.ts';
import type { WorldChange } from './events.ts';
import { createIssue, deleteIssue, moveIssue, updateIssue } from './issue-changes.ts';
import { findIssue, findProject } from './read.ts';
import { createWorld } from './seed.ts';
import { releaseVersion } from './version-changes.ts';

function setup() {
  const world = createWorld({
    baseUrl: 'http://jira-sim.test',
    now: () => Date.parse('2026-03-02T09:00:00Z'),
  });
  const changes: WorldChange[] = [];
  world.events.subscribe((change) => changes.push(change));
  const acme = must(world.sites.get('acme'));
  return {
    world,
    acme,
    changes,
    tb: must(findProject(acme, 'TB')),
    web: must(findProject(acme, 'WEB')),
  };
}

describe('world changes', () => {
  it('creates an issue with the next key of its project and emits issue_created', () => {
    const { world, acme, changes, tb } = setup();
    const issue = createIssue(
      world,
      acme,
      { projectId: tb.id, issueTypeId: '10003', summary: 'Login fails', reporterId: tb.leadId },
      null,
    );
    expect(issue.key).toBe('TB-41');
    expect(findIssue(acme, 'tb-41')?.id).toBe(issue.id);
    expect(changes.map((c) => c.type)).toEqual(['issue_created']);
  });

  it('records a changelog on update and emits nothing when nothing changed', () => {
    const { world, acme, changes } = setup();
    const issue = must(findIssue(acme, 'TB-1'));
    updateIssue(world, acme, issue.id, { summary: 'New summary', statusId: '10001' }, null);
    updateIssue(world, acme, issue.id, { summary: 'New summary' }, null);
    expect(changes).toHaveLength(1);
    const change = changes[0];
    expect(
      change?.type === 'issue_updated' && change.changelog.map((i) => [i.field, i.toString]),
    ).toEqual([
      ['summary', 'New summary'],
      ['status', 'Done'],
    ]);
  });

  it('moves an issue to a new key while the old key still resolves', () => {
    const { world, acme, changes, web } = setup();
    const issue = must(findIssue(acme, 'TB-2'));
    moveIssue(world, acme, issue.id, web.id, null);
    expect(issue.key).toBe('WEB-41');
    expect(findIssue(acme, 'TB-2')?.key).toBe('WEB-41');
    const change = changes[0];
    expect(
      change?.type === 'issue_updated' &&
        change.changelog.find((i) => i.field === 'Key')?.fromString,
    ).toBe('TB-2');
  });

  it('deletes an issue so neither id nor key resolves, and emits issue_deleted', () => {
    const { world, acme, changes } = setup();
    const issue = must(findIssue(acme, 'TB-3'));
    deleteIssue(world, acme, issue.id, null);
    expect(findIssue(acme, 'TB-3')).toBeUndefined();
    expect(findIssue(acme, issue.id)).toBeUndefined();
    expect(changes.map((c) => c.type)).toEqual(['issue_deleted']);
  });

  it('releases a version with today as release date when it had none', () => {
    const { world, acme, changes, tb } = setup();
    const version = must(
      [...acme.versions.values()].find((v) => v.projectId === tb.id && !v.released),
    );
    version.releaseDate = null;
    releaseVersion(world, acme, version.id, true, null);
    expect(version).toMatchObject({ released: true, releaseDate: '2026-03-02' });
    releaseVersion(world, acme, version.id, true, null);
    expect(changes.map((c) => c.type)).toEqual(['version_released']);
  });

  it('keeps notifying other listeners when one throws', () => {
    const errors: unknown[] = [];
    const world = createWorld({
      baseUrl: 'http://x',
      now: () => 0,
      onListenerError: (e) => errors.push(e),
    });
    const seen: string[] = [];
    world.events.subscribe(() => {
      throw new Error('boom');
    });
    const unsubscribe = world.events.subscribe((c) => seen.push(c.type));
    const acme = must(world.sites.get('acme'));
    const tb = must(findProject(acme, 'TB'));
    createIssue(
      world,
      acme,
      { projectId: tb.id, issueTypeId: '10002', summary: 'x', reporterId: tb.leadId },
      null,
    );
    unsubscribe();
    createIssue(
      world,
      acme,
      { projectId: tb.id, issueTypeId: '10002', summary: 'y', reporterId: tb.leadId },
      null,
    );
    expect(seen).toEqual(['issue_created']);
    expect(errors).toHaveLength(2);
  });
});
