/**
 * Rich-text values: Cloud v3 takes Atlassian Document Format (ADF) for descriptions, environment
 * and comment bodies and refuses plain strings; v2 and Data Center take wiki-markup strings and
 * refuse documents.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
import type { JsonValue } from '../world/types.ts';
import type { RestCall } from './call.ts';
import { usesAdf } from './call.ts';

/** Jira's field error for a non-ADF value on v3. */
export const NOT_ADF =
  'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
/** Jira's field error for a non-string value on v2 / Data Center. */
export const NOT_STRING = 'Operation value must be a string';

function isNode(value: JsonValue): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (typeof value.type !== 'string' || value.type === '') return false;
  if (value.type === 'text' && typeof value.text !== 'string') return false;
  const content = value.content;
  if (content === undefined) return true;
  return Array.isArray(content) && content.every(isNode);
}

/** A structurally valid ADF document: `{type:"doc", version:1, content:[nodes…]}`. */
export function isAdfDocument(value: JsonValue): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    value.type === 'doc' &&
    value.version === 1 &&
    Array.isArray(value.content) &&
    value.content.every(isNode)
  );
}

/** Null when `value` is acceptable rich text for this API version, else Jira's field error. */
export function richTextError(call: RestCall, value: JsonValue): string | null {
  if (value === null) return null;
  if (usesAdf(call)) return isAdfDocument(value) ? null : NOT_ADF;
  return typeof value === 'string' ? null : NOT_STRING;
}
