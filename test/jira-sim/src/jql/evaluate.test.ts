import { describe, expect, it } from 'vitest';
import { must } from '../testing.ts';
import { findIssue } from '../world/read.ts';
import { createWorld } from '../world/seed.ts';
import type { JqlContext } from './evaluate.ts';
import { compileJql, JqlError } from './evaluate.ts';

const NOW = Date.parse('2026-03-02T09:00:00Z');

function setup() {
  const world = createWorld({ baseUrl: 'http://jira-sim.test', now: () => NOW });
  const acme = must(world.sites.get('acme'));
  const ctx: JqlContext = { instance: acme, user: null, now: NOW, canBrowse: () => true };
  const keysOf = (jql: string) =>
    [...acme.issues.values()]
      .filter(compileJql(jql, ctx, 'search').matches)
      .map((issue) => issue.key);
  return { acme, ctx, keysOf };
}

function messagesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof JqlError) return error.messages;
    throw error;
  }
  return [];
}

describe('JQL search dialect', () => {
  it('combines AND, OR, NOT and parentheses', () => {
    const { keysOf } = setup();
    expect(keysOf('key in (TB-1, TB-2) OR key = WEB-3')).toEqual(['TB-1', 'TB-2', 'WEB-3']);
    expect(keysOf('project = TB AND NOT (key > TB-2)')).toEqual(['TB-1', 'TB-2']);
  });

  it('treats != as not matching empty values, as Jira does', () => {
    const { acme, keysOf } = setup();
    const unassigned = [...acme.issues.values()].filter((i) => i.assigneeId === null).length;
    const assignee = must(findIssue(acme, 'TB-1')).assigneeId ?? '';
    const others = keysOf(`assignee != "${assignee}"`).length;
    const mine = keysOf(`assignee = "${assignee}"`).length;
    expect(others + mine + unassigned).toBe(acme.issues.size);
    expect(keysOf('assignee is EMPTY')).toHaveLength(unassigned);
  });

  it('resolves relative dates on the given clock', () => {
    const { keysOf, acme } = setup();
    expect(keysOf('created >= -1d')).toEqual([]);
    expect(keysOf('created < now()')).toHaveLength(acme.issues.size);
  });

  it('reports a reserved character and an unknown function', () => {
    const { ctx } = setup();
    expect(messagesOf(() => compileJql('summary ~ a%b', ctx, 'search'))[0]).toContain(
      "The character '%' is a reserved JQL character",
    );
    expect(messagesOf(() => compileJql('assignee = me()', ctx, 'search'))).toEqual([
      "Unable to find JQL function 'me()'.",
    ]);
  });
});

describe('JQL webhook dialect', () => {
  it('accepts the documented subset, including project != null', () => {
    const { ctx } = setup();
    for (const jql of ['project = TB', 'issuetype in (Bug) AND status != Done', 'project != null'])
      expect(() => compileJql(jql, ctx, 'webhook')).not.toThrow();
  });

  it('refuses other clauses and operators with the messages Jira returns', () => {
    const { ctx } = setup();
    expect(messagesOf(() => compileJql('watchCount = 1', ctx, 'webhook'))).toEqual([
      'The clause watchCount is unsupported',
    ]);
    expect(messagesOf(() => compileJql('project is not EMPTY', ctx, 'webhook'))).toEqual([
      'Operator is not is unsupported',
    ]);
  });
});
