import type { ReportTestCase } from '@testbridge/shared/api/test-report';

/** `@PROJ-123` or `[PROJ-123]` in a test's name: a requirement tag (Xray, gotestsum users). */
const TAG = /@([A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,17})\b|\[([A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,17})\]/g;

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The name without requirement tags, whitespace collapsed: tagging a test does not rename it. */
export function normaliseTestName(name: string): string {
  return collapse(name.replace(TAG, ' '));
}

/**
 * A test's stable identity: its explicit key when the report names one (a renamed test with a key
 * stays the same test), else the normalised classname and name.
 */
export function testIdentityOf(test: Pick<ReportTestCase, 'key' | 'name' | 'classname'>): string {
  if (test.key) return `key:${test.key.trim()}`;
  return `name:${collapse(test.classname ?? '')}::${normaliseTestName(test.name)}`;
}

/** Every issue key the test names: its `requirements` and the tags in its name, once each. */
export function requirementKeysOf(test: Pick<ReportTestCase, 'name' | 'requirements'>): string[] {
  const keys = new Set(test.requirements ?? []);
  for (const match of test.name.matchAll(TAG)) keys.add((match[1] ?? match[2]) as string);
  return [...keys];
}
