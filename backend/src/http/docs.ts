import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Testbridge API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });</script>
</body>
</html>`;

/** `/docs`: Swagger UI served from the installed package, so it works offline. */
export function docsRoutes() {
  const router = new Hono();
  const cache = new Map<string, Buffer>();
  router.get('/docs', (c) => c.html(PAGE));
  router.get('/docs/:asset', (c) => {
    const asset = c.req.param('asset');
    if (!(asset in ASSETS)) return c.notFound();
    let body = cache.get(asset);
    if (!body) {
      body = readFileSync(join(getAbsoluteFSPath(), asset));
      cache.set(asset, body);
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': ASSETS[asset as keyof typeof ASSETS],
      'cache-control': 'public, max-age=86400',
    });
  });
  return router;
}
