/**
 * No Docker engine runs on the machines this project is built on, so the image definition is
 * checked as a file: every base image pinned to an exact release, the process never root, and a
 * health check on /healthz.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync(join(import.meta.dirname, '..', 'Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const named = (name: string) =>
  instructions.filter((line) => line.toUpperCase().startsWith(`${name} `));

describe('Dockerfile', () => {
  it('pins every base image to an exact release (or a digest), never a floating tag', () => {
    const bases = named('FROM').map((line) => line.split(/\s+/)[1] ?? '');
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) {
      const exact = /^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$/.test(image);
      const digest = /@sha256:[0-9a-f]{64}$/.test(image);
      expect(exact || digest, image).toBe(true);
      expect(image).not.toMatch(/:latest\b/);
    }
  });

  it('runs the server as a user other than root', () => {
    const finalStage = instructions.slice(instructions.findLastIndex((l) => /^FROM /i.test(l)));
    const users = finalStage.filter((line) => /^USER /i.test(line));
    const last = users.at(-1)?.split(/\s+/)[1] ?? 'root';
    expect(['root', '0', '0:0']).not.toContain(last);
    const userAt = finalStage.findLastIndex((line) => /^USER /i.test(line));
    const cmdAt = finalStage.findLastIndex((line) => /^(CMD|ENTRYPOINT) /i.test(line));
    expect(cmdAt).toBeGreaterThan(userAt);
  });

  it('declares a health check on /healthz', () => {
    const checks = named('HEALTHCHECK');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toContain('/healthz');
  });
});
