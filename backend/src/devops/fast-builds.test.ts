import { BuildData, SubmitBuildsRequest } from '@testbridge/shared/jira/builds';
import { describe, expect, it } from 'vitest';
import { isPlainValidBuild, isPlainValidBuilds } from './fast-builds.ts';
import { jenkinsPayload } from './testing.ts';

type Json = Record<string, unknown>;

const benchBuild = (n: number): Json => ({
  pipelineId: 'bench',
  buildNumber: n,
  updateSequenceNumber: n,
  displayName: `bench #${n}`,
  url: `https://ci.example/bench/${n}`,
  state: 'successful',
  lastUpdated: '2026-01-01T00:00:00.000Z',
  issueKeys: ['TB-1'],
  testInfo: { totalNumber: 10, numberPassed: 9, numberFailed: 1 },
});
const jenkins = jenkinsPayload('build');
const withAssociations: Json = {
  ...benchBuild(1),
  issueKeys: undefined,
  associations: [{ associationType: 'issueIdOrKeys', values: ['TB-1', '10001'] }],
};

const validBodies: Json[] = [
  { properties: { source: 'bench' }, builds: [benchBuild(1)] },
  { builds: Array.from({ length: 100 }, (_, n) => benchBuild(n)) },
  jenkins,
  { builds: [JSON.parse(JSON.stringify(withAssociations))] },
];

/** Values that break some field somewhere (or do not), to try in every place. */
const oddValues: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'x'.repeat(255),
  'x'.repeat(256),
  'x'.repeat(2001),
  0,
  -1,
  1.5,
  2 ** 53,
  true,
  [],
  {},
  ['TB-1'],
  ['bad key'],
  [{}],
  ' https://ci.example/a ',
  'https://ci.example/a\n',
  'https://ci.example/a',
  'not a url',
  `https://ci.example/${'a'.repeat(2000)}`,
  `https://ci.example/${'a'.repeat(1981)}`,
  `https://ci.example/${'a'.repeat(1982)}`,
  'https://ci.example/a b',
  'https://exa\tmple.com/',
  'https://ci.example/\u00a0',
  '\u2028https://ci.example/',
  'http:example.com',
  'https:/path',
  'https://',
  'ftp://ci.example/x',
  'javascript:alert(1)',
  'https://[::1]:8080/x?y=1#z',
  'https://ci.example/%zz',
  '2026-13-01T00:00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01T00:00:00+02:00',
  '1.0',
  'successful',
  { commit: { id: 'c', repositoryUri: 'r' } },
  [{ commit: { id: 'c', repositoryUri: 'r' }, extra: 1 }],
  [{ associationType: 'issueKeys', values: Array.from({ length: 501 }, (_, n) => `TB-${n}`) }],
  [{ associationType: 'serviceIdOrKeys', values: ['s'] }],
];

function variants(body: Json): Json[] {
  const out: Json[] = [];
  const builds = body.builds as Json[];
  const first = builds[0] ?? {};
  const setIn = (target: Json, key: string, value: unknown): Json => {
    const copy = { ...target };
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  };
  const buildKeys = [...Object.keys(first), 'extra', 'associations', 'references', 'schemaVersion'];
  for (const key of buildKeys) {
    for (const value of oddValues) {
      out.push({ ...body, builds: [setIn(first, key, value), ...builds.slice(1)] });
    }
  }
  for (const nested of ['testInfo', 'references'] as const) {
    const inner = first[nested];
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) continue;
    for (const key of [...Object.keys(inner), 'extra']) {
      for (const value of oddValues) {
        out.push({ ...body, builds: [{ ...first, [nested]: setIn(inner as Json, key, value) }] });
      }
    }
  }
  for (const key of ['properties', 'providerMetadata', 'builds', 'extra']) {
    for (const value of oddValues) out.push(setIn(body, key, value));
  }
  out.push({ ...body, properties: { 'a:b': 'x' } });
  out.push({ ...body, properties: { _a: 'x' } });
  out.push({ ...body, properties: { '': 'x' } });
  out.push({
    ...body,
    properties: Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`k${n}`, 'v'])),
  });
  out.push({ ...body, providerMetadata: { product: 'x'.repeat(256) } });
  out.push({ ...body, builds: Array.from({ length: 101 }, (_, n) => benchBuild(n)) });
  out.push(JSON.parse(`{"builds":[{"__proto__":{"x":1},${JSON.stringify(first).slice(1)}]}`));
  return out;
}

describe('the fast path for valid build bodies', () => {
  it('takes the usual bodies (bench, Jenkins, associations) and zod agrees', () => {
    for (const body of validBodies) {
      expect(isPlainValidBuilds(body)).toBe(true);
      expect(SubmitBuildsRequest.safeParse(body)).toMatchObject({ success: true, data: body });
    }
  });

  it('never takes a body zod refuses, and what it takes zod reads back unchanged', () => {
    let taken = 0;
    let refused = 0;
    for (const body of validBodies.flatMap(variants)) {
      const zod = SubmitBuildsRequest.safeParse(body);
      if (isPlainValidBuilds(body)) {
        taken += 1;
        expect(zod.success, JSON.stringify(body).slice(0, 300)).toBe(true);
        expect(zod.data).toEqual(body);
      } else if (!zod.success) {
        refused += 1;
      }
    }
    // Both sides were exercised: valid variants taken, broken ones left to zod.
    expect(taken).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(500);
  });

  it('judges each build as zod does on its own (per-item verdicts): never takes one zod refuses', () => {
    let taken = 0;
    let refused = 0;
    for (const body of validBodies.flatMap(variants)) {
      const builds: unknown[] = Array.isArray(body.builds) ? body.builds : [];
      for (const build of builds.slice(0, 3)) {
        const zod = BuildData.safeParse(build);
        if (isPlainValidBuild(build)) {
          taken += 1;
          expect(zod.success, JSON.stringify(build).slice(0, 300)).toBe(true);
          expect(zod.data).toEqual(build);
        } else if (!zod.success) {
          refused += 1;
        }
      }
    }
    expect(taken).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(300);
  });
});
