/**
 * Compile parsed JQL against one instance: a predicate over issues and a comparator for ORDER BY.
 * Two dialects: `search` (the issue search APIs) and `webhook` (the restricted filter language of
 * dynamic webhooks: issueKey/project/issuetype/status/assignee/reporter with = != IN NOT IN).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-webhooks/#api-rest-api-3-webhook-post
 */
import type { Issue } from '../world/types.ts';
import { resolveDateFunction, resolveJqlDate } from './dates.ts';
import type { DateField, JqlContext, JqlField, ValueField } from './fields.ts';
import { JQL_FIELDS, PRIORITY_NAMES, plainTextOf, UNSIMULATED_FIELDS } from './fields.ts';
import type { JqlClause, JqlExpression, JqlOperand, JqlQuery, JqlSort } from './parse.ts';
import { JqlError, parseJql } from './parse.ts';

export type { JqlContext } from './fields.ts';
export type JqlDialect = 'search' | 'webhook';

export interface CompiledJql {
  /** False when the query has no search restriction (e.g. only `ORDER BY`). */
  bounded: boolean;
  matches(issue: Issue): boolean;
  compare(a: Issue, b: Issue): number;
}

type Predicate = (issue: Issue) => boolean;

const WEBHOOK_FIELDS = new Set([
  'issuekey',
  'project',
  'issuetype',
  'status',
  'assignee',
  'reporter',
]);
const WEBHOOK_OPERATORS = new Set(['=', '!=', 'in', 'not in']);
/** Atlassian: "`orderBy` clause can contain a maximum of 7 fields". */
const MAX_SORT_FIELDS = 7;

function unsupportedOperator(clause: JqlClause, field: string): never {
  throw new JqlError([
    `The operator '${clause.operator.toUpperCase()}' is not supported by the '${field}' field.`,
  ]);
}

function lookupField(name: string): JqlField {
  const lower = name.toLowerCase();
  const field = JQL_FIELDS[lower];
  if (field) return field;
  if (
    UNSIMULATED_FIELDS.has(lower) ||
    /^cf\[\d+\]$/.test(lower) ||
    lower.startsWith('customfield_')
  )
    throw new JqlError([`jira-sim does not simulate the JQL field '${name}'.`]);
  throw new JqlError([`Field '${name}' does not exist or you do not have permission to view it.`]);
}

function operandItems(operand: JqlOperand): JqlOperand[] {
  return operand.kind === 'list' ? operand.items : [operand];
}

function unknownFunction(name: string): never {
  throw new JqlError([`Unable to find JQL function '${name}()'.`]);
}

function compileValues(field: ValueField, clause: JqlClause, ctx: JqlContext): Predicate {
  const { operator } = clause;
  if (operator === 'is' || operator === 'is not') {
    if (clause.operand.kind !== 'empty')
      throw new JqlError([
        `The operator '${operator.toUpperCase()}' can only be used with the values 'EMPTY' or 'NULL'.`,
      ]);
    return operator === 'is'
      ? (issue) => field.valuesOf(issue, ctx).length === 0
      : (issue) => field.valuesOf(issue, ctx).length > 0;
  }
  let matchesEmpty = false;
  const ids = new Set<string>();
  for (const item of operandItems(clause.operand)) {
    if (item.kind === 'empty') matchesEmpty = true;
    else if (item.kind === 'value') for (const id of field.resolve(item.text, ctx)) ids.add(id);
    else if (item.kind === 'function') {
      const resolved = field.resolveFunction?.(item.name, ctx) ?? unknownFunction(item.name);
      for (const id of resolved) ids.add(id);
    }
  }
  const hit = (issue: Issue) => {
    const values = field.valuesOf(issue, ctx);
    return (matchesEmpty && values.length === 0) || values.some((value) => ids.has(value));
  };
  switch (operator) {
    case '=':
    case 'in':
      return hit;
    case '!=':
    case 'not in':
      // Jira: a negative clause never matches an issue whose field is empty, unless EMPTY is named.
      return (issue) => !hit(issue) && (matchesEmpty || field.valuesOf(issue, ctx).length > 0);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const rank = field.rank;
      const [target] = [...ids];
      const bound = rank && target !== undefined ? rank(target, ctx) : null;
      const targetIssue = target === undefined ? undefined : ctx.instance.issues.get(target);
      if (!rank || bound === null || !targetIssue) return unsupportedOperator(clause, field.name);
      return (issue) => {
        const own = rank(issue.id, ctx);
        if (own === null || issue.projectId !== targetIssue.projectId) return false;
        if (operator === '>') return own > bound;
        if (operator === '>=') return own >= bound;
        if (operator === '<') return own < bound;
        return own <= bound;
      };
    }
    default:
      return unsupportedOperator(clause, field.name);
  }
}

function compileDate(field: DateField, clause: JqlClause, ctx: JqlContext): Predicate {
  const { operator, operand } = clause;
  if (operator === 'is' || operator === 'is not') {
    if (operand.kind !== 'empty') return unsupportedOperator(clause, field.name);
    return operator === 'is'
      ? (issue) => field.valueOf(issue) === null
      : (issue) => field.valueOf(issue) !== null;
  }
  let at: number;
  if (operand.kind === 'value') at = resolveJqlDate(operand.text, field.name, ctx.now);
  else if (operand.kind === 'function')
    at = resolveDateFunction(operand.name, operand.args, ctx.now) ?? unknownFunction(operand.name);
  else return unsupportedOperator(clause, field.name);
  const compare: Record<string, (value: number) => boolean> = {
    '=': (value) => value === at,
    '!=': (value) => value !== at,
    '>': (value) => value > at,
    '>=': (value) => value >= at,
    '<': (value) => value < at,
    '<=': (value) => value <= at,
  };
  const test = compare[operator] ?? unsupportedOperator(clause, field.name);
  return (issue) => {
    const value = field.valueOf(issue);
    return value !== null && test(value);
  };
}

function compileClause(clause: JqlClause, ctx: JqlContext, dialect: JqlDialect): Predicate {
  if (clause.operator === 'was' || clause.operator === 'changed')
    throw new JqlError([`jira-sim does not simulate the JQL operator '${clause.operator}'.`]);
  if (dialect === 'webhook') {
    if (!WEBHOOK_FIELDS.has(clause.field.toLowerCase()))
      throw new JqlError([`The clause ${clause.field} is unsupported`]);
    if (!WEBHOOK_OPERATORS.has(clause.operator))
      throw new JqlError([`Operator ${clause.operator} is unsupported`]);
  }
  const field = lookupField(clause.field);
  if (field.kind === 'values') return compileValues(field, clause, ctx);
  if (field.kind === 'date') return compileDate(field, clause, ctx);
  if (clause.operand.kind !== 'value' || (clause.operator !== '~' && clause.operator !== '!~'))
    return unsupportedOperator(clause, field.name);
  const words = clause.operand.text.toLowerCase().split(/\s+/).filter(Boolean);
  const contains = (issue: Issue) => {
    const text = field.textOf(issue).toLowerCase();
    return words.every((word) => text.includes(word.replace(/\*$/, '')));
  };
  return clause.operator === '~' ? contains : (issue) => !contains(issue);
}

function compileExpression(
  expression: JqlExpression,
  ctx: JqlContext,
  dialect: JqlDialect,
): Predicate {
  switch (expression.kind) {
    case 'clause':
      return compileClause(expression, ctx, dialect);
    case 'not': {
      const inner = compileExpression(expression.item, ctx, dialect);
      return (issue) => !inner(issue);
    }
    case 'and': {
      const items = expression.items.map((item) => compileExpression(item, ctx, dialect));
      return (issue) => items.every((item) => item(issue));
    }
    case 'or': {
      const items = expression.items.map((item) => compileExpression(item, ctx, dialect));
      return (issue) => items.some((item) => item(issue));
    }
  }
}

type SortKey = (issue: Issue) => string | number;

function sortKeyOf(field: string, ctx: JqlContext): SortKey {
  const name = (id: string | null, names: Map<string, { name: string }>) =>
    id === null ? '\uffff' : (names.get(id)?.name ?? id);
  switch (field.toLowerCase()) {
    case 'key':
    case 'issuekey':
      return (issue) =>
        `${issue.key.split('-')[0]}-${(issue.key.split('-')[1] ?? '').padStart(10, '0')}`;
    case 'id':
      return (issue) => Number(issue.id);
    case 'created':
      return (issue) => issue.created;
    case 'updated':
      return (issue) => issue.updated;
    case 'priority':
      return (issue) => PRIORITY_NAMES.indexOf(issue.priority);
    case 'summary':
      return (issue) => issue.summary.toLowerCase();
    case 'status':
      return (issue) => name(issue.statusId, ctx.instance.statuses);
    case 'issuetype':
      return (issue) => name(issue.issueTypeId, ctx.instance.issueTypes);
    case 'project':
      return (issue) => ctx.instance.projects.get(issue.projectId)?.key ?? '';
    case 'assignee':
      return (issue) =>
        issue.assigneeId === null
          ? '\uffff'
          : (ctx.instance.users.get(issue.assigneeId)?.displayName ?? issue.assigneeId);
    case 'reporter':
      return (issue) => ctx.instance.users.get(issue.reporterId)?.displayName ?? '';
    default:
      lookupField(field);
      throw new JqlError([`Field '${field}' does not support sorting.`]);
  }
}

/** Jira has no documented default order for REST searches; the simulator uses `created DESC, id DESC`. */
const DEFAULT_ORDER: JqlSort[] = [
  { field: 'created', direction: 'desc' },
  { field: 'id', direction: 'desc' },
];

function compileOrder(orderBy: JqlSort[], ctx: JqlContext): (a: Issue, b: Issue) => number {
  if (orderBy.length > MAX_SORT_FIELDS)
    throw new JqlError([`The ORDER BY clause can contain a maximum of ${MAX_SORT_FIELDS} fields.`]);
  const keys = [...orderBy, { field: 'id', direction: 'asc' as const }].map((sort) => ({
    key: sortKeyOf(sort.field, ctx),
    sign: sort.direction === 'desc' ? -1 : 1,
  }));
  return (a, b) => {
    for (const { key, sign } of keys) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  };
}

/** Parse and compile JQL; throws {@link JqlError} with Jira's 400 messages. */
export function compileJql(text: string, ctx: JqlContext, dialect: JqlDialect): CompiledJql {
  const query: JqlQuery = parseJql(text);
  if (dialect === 'webhook' && query.orderBy.length > 0)
    throw new JqlError(['The clause ORDER BY is unsupported']);
  const predicate = query.where ? compileExpression(query.where, ctx, dialect) : () => true;
  return {
    bounded: query.where !== null,
    matches: (issue) => ctx.canBrowse(issue.projectId) && predicate(issue),
    compare: compileOrder(query.orderBy.length > 0 ? query.orderBy : DEFAULT_ORDER, ctx),
  };
}

export { JqlError } from './parse.ts';
export { plainTextOf };
