/** Minimal server-rendered pages for the consent and approval screens (no scripts, no assets). */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Tagged template that escapes interpolations unless they are {@link RawHtml}. */
export function html(
  strings: TemplateStringsArray,
  ...values: (string | number | RawHtml | RawHtml[])[]
): RawHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => v.html).join('')
      : value instanceof RawHtml
        ? value.html
        : escapeHtml(String(value));
    out += rendered + (strings[index + 1] ?? '');
  });
  return new RawHtml(out);
}

/** Already-safe markup. */
export class RawHtml {
  constructor(readonly html: string) {}
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
h1{font-size:1.4rem}.box{border:1px solid #dfe1e6;border-radius:6px;padding:1.2rem;margin:1rem 0}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:4px;border:1px solid #0052cc;cursor:pointer}
.accept{background:#0052cc;color:#fff}.deny{background:#fff;color:#0052cc}code{background:#f4f5f7;padding:.1rem .3rem}
.error{color:#bf2600}.muted{color:#6b778c;font-size:.9rem}li{margin:.3rem 0}`;

/** A full HTML page response. */
export function renderPage(title: string, body: RawHtml, status = 200): Response {
  const page = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${new RawHtml(STYLE)}</style></head>
<body>${body}<p class="muted">jira-sim — simulated page</p></body></html>`;
  return new Response(page.html, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** An error page for requests that must not be redirected (bad client or redirect URI). */
export function renderErrorPage(title: string, message: string, status = 400): Response {
  return renderPage(
    title,
    html`<h1 class="error">${title}</h1><div class="box"><p>${message}</p></div>`,
    status,
  );
}
