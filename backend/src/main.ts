import { serve } from '@hono/node-server';
import { ensureBootstrapAdminKey } from './api-keys/service.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDeps } from './deps.ts';

/** The only reader of process.env: loadConfig → createDeps → createApp → serve. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const deps = await createDeps(config);
  const { generatedKey } = await ensureBootstrapAdminKey(deps, config.adminKey);
  if (generatedKey) {
    // Printed once to the terminal, deliberately not through the log pipeline.
    process.stdout.write(
      `\n  Bootstrap admin API key (shown once, store it now):\n\n    ${generatedKey}\n\n` +
        '  Use it as `Authorization: Bearer <key>`; set TESTBRIDGE_ADMIN_KEY to choose your own.\n\n',
    );
  }
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    deps.logger.info(
      { port: info.port, store: deps.store.dialect, docs: `${config.publicUrl}/docs` },
      'testbridge listening',
    );
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      deps.logger.warn('shutdown grace period over; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    server.close(async () => {
      await deps.store.close();
      deps.logger.info('stopped');
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`testbridge failed to start: ${String(error)}\n`);
  process.exit(1);
});
