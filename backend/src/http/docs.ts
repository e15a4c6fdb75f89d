import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

// Resolved, not imported: the package's entry point would load the whole 1 MB bundle at start-up.
const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

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
    const contentType = ASSETS.get(asset);
    if (!contentType) return c.notFound();
    let body = cache.get(asset);
    if (!body) {
      body = readFileSync(join(assetDir, asset));
      cache.set(asset, body);
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': contentType,
      'cache-control': 'public, max-age=86400',
    });
  });
  return router;
}
