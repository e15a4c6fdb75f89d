/** Test support for the admin UI: one browser's cookies over in-process requests. */
import { type createTestApp, TEST_ADMIN_KEY } from '../testing/index.ts';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** One browser's cookies (name → value) over in-process requests. */
export function createBrowser(t: TestApp) {
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/max-age=0/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    jar,
    get: async (path: string) =>
      remember(await t.app.request(path, { headers: { cookie: cookie() } })),
    post: async (path: string, fields: Record<string, string>) =>
      remember(
        await t.app.request(path, {
          method: 'POST',
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        }),
      ),
  };
}

export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

export async function signedIn(t: TestApp, key = TEST_ADMIN_KEY) {
  const browser = createBrowser(t);
  const form = await browser.get('/admin/sign-in');
  const res = await browser.post('/admin/sign-in', {
    _csrf: csrfOf(await form.text()),
    apiKey: key,
  });
  return { browser, res };
}
