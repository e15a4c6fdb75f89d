/**
 * The admin UI's only stylesheet and script, served from /admin/assets/ (the CSP allows scripts
 * from this origin only; no page has inline script). Kept as strings so the bundled server
 * (`npm start`) carries them without a file path to find.
 */

/** Progressive enhancement only: every page works without it. */
export const ADMIN_JS = `'use strict';
// Copy buttons: <button data-copy="id-of-element"> copies that element's text.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  const source = document.getElementById(button.getAttribute('data-copy') || '');
  if (!source) return;
  const text = 'value' in source ? source.value : source.textContent;
  const status = document.getElementById(button.getAttribute('data-copy') + '-copied');
  try {
    await navigator.clipboard.writeText(text || '');
    if (status) status.textContent = 'Copied';
  } catch {
    if (status) status.textContent = 'Select the text and copy it';
  }
});
// Show the proxy fields only when "behind a proxy" is yes (they stay in the page without script).
for (const toggle of document.querySelectorAll('[data-shows]')) {
  const target = document.getElementById(toggle.getAttribute('data-shows') || '');
  const radios = document.querySelectorAll('input[name="' + toggle.getAttribute('name') + '"]');
  const update = () => {
    if (target) target.hidden = !(toggle instanceof HTMLInputElement && toggle.checked);
  };
  for (const radio of radios) radio.addEventListener('change', update);
  update();
}
// A consent flow page polls its status and moves on when the consent came back to this browser.
const poll = document.querySelector('[data-poll]');
if (poll) {
  const url = poll.getAttribute('data-poll');
  const tick = async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      if (res.ok) {
        const body = await res.json();
        if (body.next) return window.location.assign(body.next);
      }
    } catch {}
    setTimeout(tick, 2000);
  };
  setTimeout(tick, 2000);
}
// Users: page through Jira's users, counting as pages arrive (Jira never gives a total).
const loader = document.querySelector('button[data-load-users]');
if (loader) {
  loader.addEventListener('click', async () => {
    const base = loader.getAttribute('data-load-users');
    const bar = document.getElementById('users-progress');
    const status = document.getElementById('users-count');
    const byType = {};
    let total = 0;
    let cursor = null;
    loader.disabled = true;
    if (bar) { bar.hidden = false; bar.removeAttribute('value'); }
    const describe = () => Object.entries(byType).map(([type, n]) => n + ' ' + type).join(', ');
    try {
      do {
        const url = base + (cursor ? '?cursor=' + encodeURIComponent(cursor) : '');
        const res = await fetch(url, { headers: { accept: 'application/json' } });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error || 'Jira refused');
        total += body.loaded;
        for (const [type, n] of Object.entries(body.byType)) byType[type] = (byType[type] || 0) + n;
        cursor = body.nextCursor;
        if (status) status.textContent = total + ' users loaded so far (' + describe() + ')';
      } while (cursor);
      if (bar) { bar.max = 1; bar.value = 1; }
      if (status) status.textContent = 'Done: ' + total + ' users (' + describe() + ')';
    } catch (error) {
      if (status) status.textContent = 'Stopped after ' + total + ' users: ' + error.message;
    } finally {
      loader.disabled = false;
    }
  });
}
`;

export const ADMIN_CSS = `*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#172b4d;background:#fff}
a{color:#0052cc}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #4c9aff;outline-offset:2px}
header{background:#0747a6;color:#fff;padding:.5rem 1.5rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}
header .brand{font-weight:700;text-decoration:none;font-size:1.1rem}
header nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
header form{margin-left:auto}
header button{background:transparent;border:1px solid #fff;color:#fff;margin:0}
.skip,.sr-only{position:absolute;left:-9999px}
.skip:focus{left:1rem;top:.5rem;background:#fff;color:#0052cc;padding:.25rem .5rem}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #dfe1e6;vertical-align:top}
td{overflow-wrap:anywhere}
label{display:block;font-weight:600;margin-top:.75rem}
fieldset{border:1px solid #dfe1e6;border-radius:4px;margin:1rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:600;padding:0 .25rem}
fieldset label{font-weight:400;display:inline-flex;gap:.4rem;align-items:center;margin-right:1rem}
fieldset .field label{font-weight:600;display:block;margin-right:0}
input[type=text],input[type=url],input[type=password],input[type=email],select,textarea{width:100%;max-width:40rem;padding:.4rem .5rem;border:1px solid #6b778c;border-radius:3px;font:inherit;color:inherit}
textarea{min-height:6rem;font-family:ui-monospace,monospace;font-size:.85rem}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.4rem .9rem;border-radius:3px;border:1px solid #0052cc;background:#0052cc;color:#fff;cursor:pointer;text-decoration:none;margin:.75rem .5rem 0 0}
button.secondary,.button.secondary{background:#fff;color:#0052cc}
button.danger{background:#bf2600;border-color:#bf2600}
.hint{color:#505f79;font-size:.9rem;margin:.15rem 0 0}
.error{color:#bf2600;font-weight:600;margin:.15rem 0 0}
.banner{border-radius:4px;padding:.75rem 1rem;margin:1rem 0;border:1px solid}
.banner.ok{background:#e3fcef;border-color:#006644;color:#006644}
.banner.bad{background:#ffebe6;border-color:#bf2600;color:#8a1c00}
.banner.info{background:#deebff;border-color:#0747a6;color:#0747a6}
.status{white-space:nowrap;display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.8rem;font-weight:700;text-transform:uppercase}
.status.pass,.status.active{background:#e3fcef;color:#006644}
.status.warn,.status.pending{background:#fffae6;color:#7a4100}
.status.fail,.status.bad{background:#ffebe6;color:#ae2a19}
.copy{display:flex;gap:.5rem;align-items:flex-start;flex-wrap:wrap}
.copy code,.copy pre{background:#f4f5f7;padding:.25rem .5rem;border-radius:3px;margin:0;white-space:pre-wrap;word-break:break-all;max-width:40rem}
.copy button{margin:0}
dl.fields dt{font-weight:600;margin-top:.75rem}
dl.fields dd{margin:.25rem 0 0}
ol.steps{padding-left:1.25rem}
.code{font:700 1.6rem ui-monospace,monospace;letter-spacing:.1rem}
`;
