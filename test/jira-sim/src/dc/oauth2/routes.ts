/** Jira DC's OAuth 2.0 provider under `/rest/oauth2/latest`. */
import { Hono } from 'hono';
import type { SimDeps } from '../../deps.ts';

export function createDcOAuth2Routes(_deps: SimDeps): Hono {
  return new Hono();
}
