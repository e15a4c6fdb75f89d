// Baseline: a webhook receiver on a bare Hono app — read the raw body, parse it, answer 202 —
// with no verification, store or middleware.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/webhooks/jira/endpoints/:id', async (c) => {
  const body: unknown = JSON.parse(await c.req.text());
  const event = typeof body === 'object' && body !== null && 'webhookEvent' in body;
  return c.json(
    { id: c.req.header('x-atlassian-webhook-identifier') ?? '', duplicate: !event },
    202,
  );
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening ${info.port}\n`);
});
