import { describe, expect, it } from 'vitest';
import { toJiraRichText } from './text.ts';

describe('rich text for Jira', () => {
  it('sends wiki text unchanged to Data Center', () => {
    expect(toJiraRichText('data_center', 'h1. Failed\nline')).toBe('h1. Failed\nline');
  });

  it('builds ADF paragraphs and hard breaks for Cloud', () => {
    expect(toJiraRichText('cloud', 'Step 1 failed\nexpected 2\r\n\r\nSee log')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Step 1 failed' },
            { type: 'hardBreak' },
            { type: 'text', text: 'expected 2' },
          ],
        },
        { type: 'paragraph', content: [{ type: 'text', text: 'See log' }] },
      ],
    });
  });
});
