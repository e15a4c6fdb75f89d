import { describe, expect, it } from 'vitest';
import { fromJiraWikiText, toJiraRichText, toJiraWikiText } from './text.ts';

/** Each piece of Jira wiki notation a test failure message may contain, and how it must go out. */
const MARKUP: [string, string, string][] = [
  ['bold', '*bold*', '\\*bold\\*'],
  ['italic', '_x_', '\\_x\\_'],
  ['strike-through', '-strike-', '\\-strike\\-'],
  ['underline', '+u+', '\\+u\\+'],
  ['superscript', '^sup^', '\\^sup\\^'],
  ['subscript', '~sub~', '\\~sub\\~'],
  ['citation', '??cite??', '\\?\\?cite\\?\\?'],
  ['monospace', '{{mono}}', '\\{\\{mono\\}\\}'],
  ['code macro', '{code}x{code}', '\\{code\\}x\\{code\\}'],
  ['link', '[link|http://x.test]', '\\[link\\|http://x.test\\]'],
  ['user mention', '[~admin]', '\\[\\~admin\\]'],
  ['image', '!image.png!', '\\!image.png\\!'],
  ['table', '||h||\n|c|', '\\|\\|h\\|\\|\n\\|c\\|'],
  ['bullet list', '* item', '\\* item'],
  ['numbered list', '# item', '\\# item'],
  ['dash list and rule', '- item\n----', '\\- item\n\\-\\-\\-\\-'],
  ['heading', 'h1. Title', 'h1&#46; Title'],
  ['indented heading', '  h3. Title', '  h3&#46; Title'],
  ['block quote', 'bq. quoted', 'bq&#46; quoted'],
  ['forced line break', 'a\\\\b', 'a&#92;&#92;b'],
  ['backslash before markup', 'C:\\*.log', 'C:&#92;\\*.log'],
  ['emoticons', ':) :D (y) (!)', ':\\) &#58;D \\(y\\) \\(\\!\\)'],
  ['anchor', '{anchor:x}', '\\{anchor:x\\}'],
  ['percent and at', '100% @here', '100\\% \\@here'],
  ['entity', 'a &amp; b &#92;', 'a &amp;amp; b &amp;\\#92;'],
];

describe('Data Center wiki text', () => {
  it.each(MARKUP)('escapes %s so it renders as the plain text', (_, text, wiki) => {
    expect(toJiraWikiText(text)).toBe(wiki);
    expect(toJiraRichText('data_center', text)).toBe(wiki);
    expect(fromJiraWikiText(wiki)).toBe(text);
  });

  it('leaves text without markup and its line breaks as they are', () => {
    const text = 'Step 1 failed\nexpected 2, got 3\n\nSee log. Time: 12:30; h1 is fine, bq too';
    expect(toJiraWikiText(text)).toBe(text);
    expect(toJiraWikiText('one\r\ntwo\rthree')).toBe('one\ntwo\nthree');
    expect(toJiraWikiText('h1.x mid-line h2. and :Data')).toBe('h1&#46;x mid\\-line h2. and :Data');
  });

  it('reads back every printable ASCII character it escaped', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    const text = `${ascii}\nh6. ${ascii}\n\\\\\\`;
    expect(fromJiraWikiText(toJiraWikiText(text))).toBe(text);
    expect(toJiraWikiText(text)).not.toMatch(/(?<!\\)[*_{}[\]|!]/);
  });

  it('does not touch Cloud, which gets ADF text nodes as written', () => {
    const doc = toJiraRichText('cloud', '*bold* {code} \\\\ h1. x');
    expect(doc).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: '*bold* {code} \\\\ h1. x' }] },
      ],
    });
  });
});

describe('rich text for Jira', () => {
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
