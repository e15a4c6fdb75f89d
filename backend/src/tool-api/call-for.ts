import type { TestbridgeUserHeader } from '@testbridge/shared/api/tool-api';
import type { z } from 'zod';
import type { CallFor } from './service.ts';

/** The connection and the test-tool user a request is for (a blank header names nobody). */
export function callFor(
  param: { id: string },
  header: z.infer<typeof TestbridgeUserHeader>,
): CallFor {
  const user = header['x-testbridge-user'];
  return { connectionId: param.id, user: user ? user : undefined };
}

export const security = [{ apiKey: [] }];
export const tags = ['Jira (test tool)'];
