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
 * fields), escaped wiki markup on Data Center (REST v2 renders strings as wiki text). Blank lines
 * split paragraphs; single line breaks become hard breaks (Cloud) or stay line breaks (DC).
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function toJiraRichText(
  deployment: 'cloud' | 'data_center',
  text: string,
): AdfDocument | string {
  if (deployment === 'data_center') return toJiraWikiText(text);
  const paragraphs = normaliseLineBreaks(text)
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

const normaliseLineBreaks = (text: string) => text.replace(/\r\n?/g, '\n');

/**
 * What needs escaping: the characters Jira's wiki renderer takes literally after a backslash
 * (`- # * _ + ? ^ ~ | % { } [ ] ( ) ! @`: every inline effect, list, table, link, image, macro,
 * citation, dash and bracketed emoticon starts with one), a backslash, an `&` starting an entity.
 * @see https://docs.atlassian.com/atlassian-renderer/5.0/apidocs/com/atlassian/renderer/v2/components/BackslashEscapeRendererComponent.html
 */
const TO_ESCAPE = /[-#*_+?^~|%{}[\]()!@\\]|&(?=#?[0-9A-Za-z]+;)/g;

/**
 * Plain text as Jira Data Center wiki markup that renders as that text: the characters above get
 * a backslash; a backslash cannot escape itself (`\\` is a forced line break, `\*` an escaped
 * star), so it becomes the entity `&#92;`, as does what no backslash escapes: the `.` of `h1.`…
 * `h6.` and `bq.` at a line's start (`&#46;`) and the `:` of the `:D`/`:P` emoticons (`&#58;`).
 * An `&` that would start an entity becomes `&amp;`. Line breaks stay (CR LF becomes LF).
 * @see https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all
 */
export function toJiraWikiText(text: string): string {
  return normaliseLineBreaks(text)
    .replace(TO_ESCAPE, (c) => (c === '&' ? '&amp;' : c === '\\' ? '&#92;' : `\\${c}`))
    .replace(/^([ \t]*(?:h[1-6]|bq))\./gm, '$1&#46;')
    .replace(/:(?=[DPdp](?![0-9A-Za-z]))/g, '&#58;');
}

const ENTITIES: Record<string, string> = { '#92': '\\', '#46': '.', '#58': ':', amp: '&' };
const ESCAPED = /\\([-#*_+?^~|%{}[\]()!@])|&(#92|#46|#58|amp);/g;

/**
 * Reverses `toJiraWikiText`: drops the backslash of an escaped character and decodes the
 * entities it writes. Other wiki markup (written by people in Jira) is left as it is.
 */
export function fromJiraWikiText(wiki: string): string {
  return wiki.replace(ESCAPED, (_, escaped: string | undefined, entity: string | undefined) =>
    escaped !== undefined ? escaped : (ENTITIES[entity ?? ''] ?? ''),
  );
}
