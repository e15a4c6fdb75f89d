import type { JiraSite } from '@testbridge/shared/api/oauth';
import type { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { sitesOf } from './flow-view.ts';
import type { FlowRow, OAuthConnectionRow } from './repo.ts';

type Site = z.infer<typeof JiraSite>;

/**
 * Where a Cloud consent leaves the connection: no site involved (Data Center, OAuth 1.0a), the
 * connection's own site, another site the admin chose (the connection then moves to it), or a
 * choice still to be made.
 */
export type SiteDecision =
  | { kind: 'none' }
  | { kind: 'own'; site: Site }
  | { kind: 'other'; site: Site }
  | { kind: 'choice_required'; sites: Site[] };

/** `https://Acme.atlassian.net/` and `https://acme.atlassian.net` are the same site. */
export function sameSiteUrl(a: string, b: string): boolean {
  const norm = (value: string) => {
    try {
      const url = new URL(value);
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      return value.replace(/\/+$/, '').toLowerCase();
    }
  };
  return norm(a) === norm(b);
}

/** The connection's own site among those the consent covers: its cloudId, else its URL. */
export function ownSiteOf(sites: Site[], connection: OAuthConnectionRow): Site | undefined {
  if (connection.cloudId) {
    const byId = sites.find((site) => site.cloudId === connection.cloudId);
    if (byId) return byId;
  }
  return sites.find((site) => sameSiteUrl(site.url, connection.jiraUrl));
}

const describe = (sites: Site[]) =>
  sites.map((site) => `${site.name} (${site.url}, cloudId ${site.cloudId})`).join(', ');

/**
 * Decides the site of a completed Cloud consent. The connection's own site is taken without
 * asking; an explicit `cloudId` must be one the consent covers; a user's grant is only ever for
 * the connection's own site (the shared grant decides where the connection points).
 * @throws AppError validation_failed (body.cloudId not covered, or another site for a user grant)
 */
export function decideSite(
  flow: FlowRow,
  connection: OAuthConnectionRow,
  chosen: string | undefined,
): SiteDecision {
  if (connection.authType !== 'cloud_oauth2') return { kind: 'none' };
  const sites = sitesOf(flow);
  const own = ownSiteOf(sites, connection);
  if (chosen !== undefined) {
    const site = sites.find((candidate) => candidate.cloudId === chosen);
    if (!site)
      throw new AppError(
        'validation_failed',
        `The consent does not cover ${chosen}; it covers ${describe(sites) || 'no Jira site'}`,
        { invalidFields: [{ field: 'body.cloudId', message: 'is not a site the consent covers' }] },
      );
    if (site === own) return { kind: 'own', site };
    if (flow.subject !== '')
      throw new AppError(
        'validation_failed',
        `A user's grant is for the connection's site ${connection.jiraUrl}, not ${site.url}`,
        { invalidFields: [{ field: 'body.cloudId', message: 'is not the connection’s site' }] },
      );
    return { kind: 'other', site };
  }
  if (own) return { kind: 'own', site: own };
  return { kind: 'choice_required', sites };
}

/** Why a user's consent cannot become their grant: it does not reach the connection's site. */
export function userSiteFailure(sites: Site[], connection: OAuthConnectionRow): string {
  return `The consent covers ${describe(sites) || 'no Jira site'}, not ${connection.jiraUrl}, the connection's site; authorize again and choose that site in Atlassian's consent screen`;
}
