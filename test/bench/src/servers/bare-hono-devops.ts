// Baseline: Jira's builds route shape on a bare Hono app — parse the body, answer Jira's 202 —
// with no auth, validation, store or middleware.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

function keysOf(body: unknown): { pipelineId: unknown; buildNumber: unknown }[] {
  if (typeof body !== 'object' || body === null || !('builds' in body)) return [];
  const builds = body.builds;
  if (!Array.isArray(builds)) return [];
  return builds.map((build: unknown) =>
    typeof build === 'object' && build !== null && 'pipelineId' in build && 'buildNumber' in build
      ? { pipelineId: build.pipelineId, buildNumber: build.buildNumber }
      : { pipelineId: null, buildNumber: null },
  );
}

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/jira/builds/0.1/cloud/:cloudId/bulk', async (c) => {
  const body: unknown = await c.req.json();
  return c.json({ acceptedBuilds: keysOf(body), rejectedBuilds: [], unknownIssueKeys: [] }, 202);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening ${info.port}\n`);
});
