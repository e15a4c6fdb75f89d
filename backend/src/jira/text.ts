/** A text node and paragraphs of the Atlassian Document Format, as much as plain text needs. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: {
    type: 'paragraph';
    content: ({ type: 'text'; text: string } | { type: 'hardBreak' })[];
  }[];
}

/**
 * Plain text as Jira takes it: an ADF document on Cloud (REST v3 refuses strings in rich-text
 * fields), the string itself on Data Center (REST v2, wiki markup). Blank lines split
 * paragraphs; single line breaks become hard breaks.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function toJiraRichText(
  deployment: 'cloud' | 'data_center',
  text: string,
): AdfDocument | string {
  if (deployment === 'data_center') return text;
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.length > 0);
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((paragraph) => ({
      type: 'paragraph',
      content: paragraph.split('\n').flatMap((line, index) => {
        const parts: AdfDocument['content'][number]['content'] = [];
        if (index > 0) parts.push({ type: 'hardBreak' });
        if (line) parts.push({ type: 'text', text: line });
        return parts;
      }),
    })),
  };
}
