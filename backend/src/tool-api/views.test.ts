import { describe, expect, it } from 'vitest';
import { toJiraRichText } from '../jira/text.ts';
import { decodeCursor, decodeOffset, encodeCursor } from './cursor.ts';
import { plainTextOf, toJiraUser } from './views.ts';

describe('plain text of Jira rich text', () => {
  it('reads back what toJiraRichText wrote, on both deployments', () => {
    const text = 'First line\nsecond line\n\nNext paragraph';
    expect(plainTextOf(toJiraRichText('cloud', text))).toBe(text);
    expect(plainTextOf(toJiraRichText('data_center', text))).toBe(text);
  });

  it('flattens headings, lists and marks in ADF written by people', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Steps' }] },
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }],
            },
            {
              type: 'listItem',
              content: [
                {
                  type: 'paragraph',
                  content: [
                    { type: 'text', text: 'two ', marks: [{ type: 'strong' }] },
                    { type: 'mention', attrs: { id: 'x', text: '@Bob' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(plainTextOf(doc)).toBe('Steps\n\none\n\ntwo @Bob');
    expect(plainTextOf(null)).toBeNull();
  });
});

describe('users', () => {
  it('shows a Cloud user by accountId and a Data Center user by username', () => {
    expect(
      toJiraUser({ accountId: 'a1', accountType: 'app', displayName: 'A', active: true }),
    ).toEqual({
      accountId: 'a1',
      username: null,
      displayName: 'A',
      emailAddress: null,
      accountType: 'app',
      active: true,
    });
    expect(toJiraUser({ accountId: 'a2', accountType: 'robot' }).accountType).toBe('unknown');
    expect(toJiraUser({ name: 'dave', key: 'JIRAUSER10001', displayName: 'Dave' })).toMatchObject({
      accountId: null,
      username: 'dave',
      accountType: 'atlassian',
    });
  });
});

describe('cursors', () => {
  it('round-trip offsets and Jira page tokens, and name the field of a foreign one', () => {
    const offset = encodeCursor({ startAt: 40 }) ?? '';
    const token = encodeCursor({ token: 'CAEaAggD' }) ?? '';
    expect(decodeOffset(offset, 'query.cursor')).toBe(40);
    expect(decodeCursor(token, 'body.cursor')).toEqual({ token: 'CAEaAggD' });
    expect(encodeCursor(null)).toBeNull();
    expect(() => decodeOffset(token, 'query.cursor')).toThrow(
      expect.objectContaining({
        invalidFields: [expect.objectContaining({ field: 'query.cursor' })],
      }),
    );
    expect(() => decodeCursor('garbage', 'body.cursor')).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});
