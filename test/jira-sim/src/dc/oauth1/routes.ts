/** Jira DC's OAuth 1.0a provider under `/plugins/servlet/oauth`. */
import { Hono } from 'hono';
import type { SimDeps } from '../../deps.ts';

export function createDcOAuth1Routes(_deps: SimDeps): Hono {
  return new Hono();
}
