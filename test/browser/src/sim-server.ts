/** The Jira simulator on a real loopback port, so a real browser can open its pages. */
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import type { Sim } from '@testbridge/jira-sim';
import { createSim } from '@testbridge/jira-sim';

/** A listening simulator; `baseUrl` is `http://127.0.0.1:<port>`. */
export interface SimServer {
  sim: Sim;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Listens on a free port first, then creates the simulator with that port in its `baseUrl`
 * (its pages link to absolute URLs under it), and serves `sim.app.fetch`.
 */
export async function startSimServer(): Promise<SimServer> {
  let sim: Sim | undefined;
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: (request) =>
          sim ? sim.app.fetch(request) : new Response('starting', { status: 503 }),
      },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  sim = createSim({ baseUrl });
  return {
    sim,
    baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server) return resolve();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
