import { ASSOCIATION_LIMIT_MESSAGE, countAssociationValues } from '@testbridge/shared/jira/builds';
import { jiraMessageOf } from '@testbridge/shared/jira/item-errors';
import type { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { fieldName } from '../http/problem.ts';

/** One item that failed its schema: where it was in the request and why. */
export interface RejectedItem {
  index: number;
  /** The item as sent (for its key). */
  item: unknown;
  error: z.ZodError;
}

/** The items of one request judged one by one: the valid ones (in order) and the others. */
export interface CheckedItems<T> {
  valid: T[];
  /** Position in the request of each valid item. */
  indexes: number[];
  rejected: RejectedItem[];
}

/**
 * Each item checked on its own, synchronously: `isPlain` proves the usual valid item valid
 * faster than zod (then it is used as it is); anything else goes to `schema`, which decides.
 */
export function checkItems<T>(
  items: readonly unknown[],
  schema: z.ZodType<T>,
  isPlain?: (item: unknown) => item is T,
): CheckedItems<T> {
  const checked: CheckedItems<T> = { valid: [], indexes: [], rejected: [] };
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (isPlain?.(item)) {
      checked.valid.push(item);
      checked.indexes.push(index);
      continue;
    }
    const result = schema.safeParse(item);
    if (result.success) {
      checked.valid.push(result.data);
      checked.indexes.push(index);
    } else {
      checked.rejected.push({ index, item, error: result.error });
    }
  }
  return checked;
}

/**
 * The envelope of a bulk request, checked as Jira checks the request as a whole: 400 naming the
 * fields, 413 over 100 items, 400 when one item's associations add up to more than 500 values
 * (the message Jira gave GitLab).
 */
export function checkEnvelope<T extends { [K in F]: unknown[] }, F extends string>(
  body: unknown,
  schema: z.ZodType<T>,
  field: F,
  isPlain?: (body: unknown) => body is T,
): T {
  let envelope: T;
  if (isPlain?.(body)) envelope = body;
  else {
    const result = schema.safeParse(body);
    if (!result.success) {
      const invalidFields = result.error.issues.map((issue) => ({
        field: fieldName('body', issue.path),
        message: jiraMessageOf(issue),
      }));
      throw new AppError(
        'validation_failed',
        `Invalid ${invalidFields.map((f) => f.field).join(', ')}`,
        {
          invalidFields,
        },
      );
    }
    envelope = result.data;
  }
  const items = envelope[field];
  if (items.length > 100) {
    throw new AppError(
      'body_too_large',
      `Data is too large. Submit fewer ${field} in each payload.`,
    );
  }
  for (let index = 0; index < items.length; index++) {
    const associations = associationsOf(items[index]);
    if (associations && countAssociationValues(associations) > 500) {
      throw new AppError('validation_failed', ASSOCIATION_LIMIT_MESSAGE, {
        invalidFields: [
          { field: `body.${field}[${index}].associations`, message: ASSOCIATION_LIMIT_MESSAGE },
        ],
      });
    }
  }
  return envelope;
}

function associationsOf(item: unknown): { values: unknown[] }[] | undefined {
  if (typeof item !== 'object' || item === null || !('associations' in item)) return undefined;
  const associations: unknown = item.associations;
  if (!Array.isArray(associations)) return undefined;
  const withValues: { values: unknown[] }[] = [];
  for (const association of associations) {
    if (typeof association !== 'object' || association === null) continue;
    const values: unknown = 'values' in association ? association.values : undefined;
    if (Array.isArray(values)) withValues.push({ values });
  }
  return withValues;
}

const at = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;

/** A build's key as Jira reports it, from whatever was sent (missing parts left out). */
export function sentBuildKey(item: unknown): Record<string, unknown> {
  return { pipelineId: at(item, 'pipelineId'), buildNumber: at(item, 'buildNumber') };
}

/** A deployment's key as Jira reports it, from whatever was sent. */
export function sentDeploymentKey(item: unknown): Record<string, unknown> {
  return {
    pipelineId: at(at(item, 'pipeline'), 'id'),
    environmentId: at(at(item, 'environment'), 'id'),
    deploymentSequenceNumber: at(item, 'deploymentSequenceNumber'),
  };
}
