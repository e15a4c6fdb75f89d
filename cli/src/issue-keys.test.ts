import { describe, expect, it } from 'vitest';
import { extractIssueKeys, ISSUE_KEY_LIMIT, mergeKeys } from './issue-keys.ts';

describe("issue keys by the Jenkins plugin's rules", () => {
  it.each([
    ['TEST-123 Some message', ['TEST-123']],
    ['feature/TEST-1-login', ['TEST-1']],
    ['Fix [ABC-12] and (DEF-3).', ['ABC-12', 'DEF-3']],
    ['ABC_DEF-12: underscores and DIG1T-4 digits', ['ABC_DEF-12', 'DIG1T-4']],
    ['ÄBC-7 upper-case letters beyond ASCII', ['ÄBC-7']],
    ['merge TB-1\nTB-2 on the next line', ['TB-1', 'TB-2']],
    ['TB-1 twice: TB-1', ['TB-1']],
  ])('finds the keys in %j', (text, keys) => {
    expect(extractIssueKeys(text)).toEqual(keys);
  });

  it.each([
    ['test-123 lower case'],
    ['A-1 a one-letter project'],
    ['xABC-1 glued to a word before'],
    ['ABC-1x glued to a word after'],
    ['ABC- no number'],
    ['1ABC-2 starting with a digit'],
  ])('finds none in %j', (text) => {
    expect(extractIssueKeys(text)).toEqual([]);
  });

  it("leaves out a key Jira's DevOps APIs would refuse when merging", () => {
    expect(mergeKeys([{ source: 'branch', keys: extractIssueKeys('ÄBC-7 and TB-1') }])).toEqual({
      keys: ['TB-1'],
      sources: [{ source: 'branch', keys: ['TB-1'] }],
    });
  });

  it('stops at 100 keys, as the plugin and Jira do', () => {
    const text = Array.from({ length: 150 }, (_, i) => `TB-${i + 1}`).join(' ');
    const keys = extractIssueKeys(text);
    expect(keys).toHaveLength(ISSUE_KEY_LIMIT);
    expect(keys.at(-1)).toBe('TB-100');
    const merged = mergeKeys([
      { source: 'branch', keys: ['WEB-1'] },
      { source: 'commits', keys },
    ]);
    expect(merged.keys).toHaveLength(ISSUE_KEY_LIMIT);
    expect(merged.keys[0]).toBe('WEB-1');
  });
});
