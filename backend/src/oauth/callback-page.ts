const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Testbridge</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}
code{font-size:2rem;letter-spacing:.15em;padding:.5rem 1rem;border:1px solid #999;border-radius:.4rem;user-select:all}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

interface Site {
  cloudId: string;
  name: string;
  url: string;
}

/** The sites to choose from, with what Testbridge will do with the choice. */
function siteChoice(sites: Site[], connectionUrl: string): string {
  const items = sites
    .map(
      (site) =>
        `<li data-cloud-id="${escapeHtml(site.cloudId)}"><strong>${escapeHtml(site.name)}</strong> · ${escapeHtml(site.url)} · <small>${escapeHtml(site.cloudId)}</small></li>`,
    )
    .join('');
  return `<section data-testid="site-choice"><h2>Choose the Jira site</h2>
<p>The consent does not cover ${escapeHtml(connectionUrl)}, the site this connection names. It covers:</p>
<ul data-testid="sites">${items}</ul>
<p>Choose one in Testbridge: the connection then moves to that site (its Jira URL and link base),
and the history records it. Or authorize again and pick ${escapeHtml(connectionUrl)} in Atlassian's
consent screen.</p></section>`;
}

/**
 * The page after a successful consent: the verification code to paste into the wizard and, when
 * the consent does not cover the connection's site, the sites to choose from.
 */
export function verificationCodePage(
  code: string,
  minutes: number,
  sitesToChoose: Site[] | null = null,
  connectionUrl = '',
): string {
  return page(
    'Authorization received',
    `<p>Copy this verification code and paste it into Testbridge to finish connecting:</p>
<p><code data-testid="verification-code">${escapeHtml(code)}</code></p>
<p>It can be used once, by the person who started the connection, within ${minutes} minutes.</p>
${sitesToChoose ? siteChoice(sitesToChoose, connectionUrl) : ''}`,
  );
}

/** The page when the flow failed (denied, unknown or expired state, refused exchange). */
export function callbackErrorPage(problem: string, detail: string): string {
  return page(
    'Authorization failed',
    `<p data-testid="problem">${escapeHtml(problem)}</p><p>${escapeHtml(detail)}</p>
<p>Start the authorization again from Testbridge.</p>`,
  );
}

/** The page when the consent came back in the browser that started the flow and it completed. */
export function connectedPage(): string {
  return page(
    'Connected to Jira',
    `<p data-testid="connected">Testbridge stored the authorization; nothing needs to be pasted.
You can close this tab and go back to Testbridge.</p>`,
  );
}

/** The page when the starter's browser came back but a Jira site must still be chosen. */
export function chooseSitePage(sites: Site[], connectionUrl: string): string {
  return page(
    'Authorization received',
    `<p data-testid="choose-site">Go back to Testbridge and choose the site to finish; no code is
needed.</p>${siteChoice(sites, connectionUrl)}`,
  );
}
