import { describe, expect, it } from 'vitest';
import { must } from '../testing.ts';
import { hasPermission } from './permissions.ts';
import { findAccountByEmail, findIssue, findUserByUsername, listSitesOfAccount } from './read.ts';
import { createWorld } from './seed.ts';
import { CLOUD_USERS, DC_USERS } from './seed-users.ts';

const build = (seed?: number) =>
  createWorld({
    baseUrl: 'http://jira-sim.test',
    now: () => 0,
    ...(seed === undefined ? {} : { seed }),
  });

describe('seeded world', () => {
  it('is identical for the same seed and differs for another', () => {
    const a = build();
    const b = build();
    expect([...a.sites.values()].map((s) => s.cloudId)).toEqual(
      [...b.sites.values()].map((s) => s.cloudId),
    );
    expect([...a.accounts.keys()].slice(0, 50)).toEqual([...b.accounts.keys()].slice(0, 50));
    expect(findIssue(must(a.sites.get('acme')), 'TB-7')?.summary).toBe(
      findIssue(must(b.sites.get('acme')), 'TB-7')?.summary,
    );
    expect(build(7).sites.get('acme')?.cloudId).not.toBe(a.sites.get('acme')?.cloudId);
  });

  it('has two Cloud sites with UUID cloudIds and site URLs, and a DC instance under /dc/jira', () => {
    const world = build();
    const acme = world.sites.get('acme');
    expect(acme?.cloudId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(acme?.baseUrl).toBe('http://jira-sim.test/cloud/acme');
    expect(world.sites.get('globex')?.baseUrl).toBe('http://jira-sim.test/cloud/globex');
    expect(world.dc.baseUrl).toBe('http://jira-sim.test/dc/jira');
    expect(world.dc.contextPath).toBe('/jira');
  });

  it('has more than 2,500 users on acme and DC, so 1000-per-page caps matter', () => {
    const world = build();
    expect(world.sites.get('acme')?.users.size).toBeGreaterThan(2500);
    expect(world.dc.users.size).toBeGreaterThan(2500);
  });

  it('has app, customer and deactivated accounts on acme, as real directories do', () => {
    const users = [...must(build().sites.get('acme')).users.values()];
    const kinds = (type: string, active: boolean) =>
      users.filter((u) => u.accountType === type && u.active === active).length;
    for (const type of ['atlassian', 'app', 'customer'])
      for (const active of [true, false])
        expect(kinds(type, active), `${type} ${active}`).toBeGreaterThan(0);
  });

  it('seeds projects with dozens of issues and released and unreleased versions', () => {
    const acme = must(build().sites.get('acme'));
    expect([...acme.projects.values()].map((p) => p.key)).toEqual(['TB', 'WEB', 'OPS']);
    const tb = must([...acme.projects.values()].find((p) => p.key === 'TB'));
    expect([...acme.issues.values()].filter((i) => i.projectId === tb.id)).toHaveLength(40);
    const versions = [...acme.versions.values()].filter((v) => v.projectId === tb.id);
    expect(versions.filter((v) => v.released).map((v) => v.name)).toEqual(['1.0', '1.1']);
    expect(versions.filter((v) => !v.released).map((v) => v.name)).toEqual(['2.0', '2.1']);
  });

  it('gives alice both sites and bob only acme', () => {
    const world = build();
    const alice = must(findAccountByEmail(world, CLOUD_USERS.alice.email));
    const bob = must(findAccountByEmail(world, CLOUD_USERS.bob.email));
    expect(listSitesOfAccount(world, alice.id).map((s) => s.name)).toEqual(['acme', 'globex']);
    expect(listSitesOfAccount(world, bob.id).map((s) => s.name)).toEqual(['acme']);
  });

  it('denies the limited users ASSIGN_ISSUES and LINK_ISSUES but not BROWSE_PROJECTS', () => {
    const world = build();
    const acme = must(world.sites.get('acme'));
    const bob = must(findAccountByEmail(world, CLOUD_USERS.bob.email));
    const alice = must(findAccountByEmail(world, CLOUD_USERS.alice.email));
    expect(hasPermission(acme, bob.id, 'ASSIGN_ISSUES')).toBe(false);
    expect(hasPermission(acme, bob.id, 'LINK_ISSUES')).toBe(false);
    expect(hasPermission(acme, bob.id, 'BROWSE_PROJECTS')).toBe(true);
    expect(hasPermission(acme, alice.id, 'ADMINISTER')).toBe(true);
    const dave = must(findUserByUsername(world.dc, DC_USERS.dave.username));
    expect(hasPermission(world.dc, dave.id, 'ASSIGN_ISSUES')).toBe(false);
    expect(hasPermission(world.dc, dave.id, 'EDIT_ISSUES')).toBe(true);
  });
});
