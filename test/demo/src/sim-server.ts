/** The Jira simulator served on a port with the system clock, as `npm run sim` serves it. */
import type { AddressInfo } from 'node:net';
import type { Http2Bindings, HttpBindings, ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import type { Sim } from '@testbridge/jira-sim';
import { createSim, createSystemClock, SEEDED, SEEDED_REDIRECT_URIS } from '@testbridge/jira-sim';

/** A listening simulator reachable at `baseUrl` (`http://localhost:<port>`). */
export interface DemoSim {
  sim: Sim;
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

/** `jira-sim` does not export ConnectionDroppedError, so a drop/outage fault is known by its name. */
function isDroppedConnection(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConnectionDroppedError';
}

/** As `npm run sim` does: a simulated dropped connection destroys the socket. */
async function serveRequest(
  sim: Sim,
  request: Request,
  env: HttpBindings | Http2Bindings,
): Promise<Response> {
  try {
    return await sim.app.fetch(request, env);
  } catch (error) {
    if (!isDroppedConnection(error)) throw error;
    env.incoming.socket.destroy();
    return new Response(null, { status: 502 });
  }
}

/**
 * Listens first (port 0 picks a free one), then creates the simulator with the bound port in its
 * `baseUrl`, because its pages and `_edge` answers carry absolute URLs.
 */
export async function startDemoSim(port: number): Promise<DemoSim> {
  let sim: Sim | undefined;
  let server: ServerType | undefined;
  const bound = await new Promise<number>((resolve, reject) => {
    server = serve(
      {
        port,
        fetch: (request: Request, env: HttpBindings | Http2Bindings) =>
          sim ? serveRequest(sim, request, env) : new Response('starting', { status: 503 }),
      },
      (info: AddressInfo) => resolve(info.port),
    );
    server.once('error', reject);
  });
  const baseUrl = `http://localhost:${bound}`;
  sim = createSim({ baseUrl, clock: createSystemClock() });
  return {
    sim,
    baseUrl,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server) return resolve();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The seeded 3LO app and DC OAuth 2.0 client know only `http://localhost:3000/oauth/callback`;
 * when the backend runs elsewhere, register its callback too so the consent flows still match.
 */
export function allowCallback(sim: Sim, callbackUrl: string): void {
  if (SEEDED_REDIRECT_URIS.includes(callbackUrl)) return;
  sim.registerOAuthApp({
    ...SEEDED.oauthApp,
    scopes: [...SEEDED.oauthApp.scopes],
    redirectUris: [...SEEDED_REDIRECT_URIS, callbackUrl],
  });
  sim.registerDcOAuthClient({ ...SEEDED.dcOAuthClient, redirectUri: callbackUrl });
}
