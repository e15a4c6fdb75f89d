import { serve } from '@hono/node-server';
import { ensureBootstrapAdminKey } from './api-keys/service.ts';
import { createApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { rotateKeyFile } from './crypto/keyring.ts';
import { resealAll } from './crypto/reseal.ts';
import { SEALED_COLUMNS } from './db/sealed-columns.ts';
import { createDefectSender } from './defects/sender.ts';
import { closeDeps, createDeps, keyFilePath } from './deps.ts';
import { createDevopsSenders } from './devops/sender.ts';
import { startForwarder } from './outbox/loop.ts';
import { createCoveragePropertySender } from './results/coverage-property-sender.ts';
import { createRemoteLinkSender } from './results/remote-link-sender.ts';
import { startResultsPruner } from './results/retention.ts';
import { createEventCallbackSender } from './webhooks/callback-sender.ts';
import { startJiraEventProcessor } from './webhooks/process.ts';
import { startReconciler } from './webhooks/reconcile.ts';
import { startWebhookRefresher } from './webhooks/refresh.ts';

/**
 * The only reader of process.env: loadConfig → createDeps → createApp → serve.
 * `main.ts reseal [--rotate]` re-seals every secret under the primary master key instead.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const [command = 'serve', ...flags] = process.argv.slice(2);
  if (command === 'reseal') return reseal(config, flags.includes('--rotate'));
  if (command !== 'serve') {
    process.stderr.write(`unknown command ${command}; use serve or reseal [--rotate]\n`);
    process.exit(2);
  }
  return runServer(config);
}

async function reseal(config: Config, rotate: boolean): Promise<void> {
  if (rotate) {
    if (config.masterKey.primary) {
      process.stderr.write(
        'TESTBRIDGE_MASTER_KEY is set, so the keys live in your environment: set it to a new key, ' +
          'list the old one in TESTBRIDGE_RETIRED_MASTER_KEYS, restart, then run reseal.\n',
      );
      process.exit(2);
    }
    const { newKeyId } = rotateKeyFile(keyFilePath(config));
    process.stdout.write(`new primary master key ${newKeyId} written to ${keyFilePath(config)}\n`);
  }
  const deps = await createDeps(config);
  const report = await resealAll(deps, SEALED_COLUMNS);
  await closeDeps(deps);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(report.failed.length > 0 ? 1 : 0);
}

async function runServer(config: Config): Promise<void> {
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
  // Delivers the outbox (builds, deployments …) in the background; stopped before the store closes.
  const forwarder = startForwarder(deps, [
    ...createDevopsSenders(deps),
    createDefectSender(deps),
    createRemoteLinkSender(deps),
    createCoveragePropertySender(deps),
    createEventCallbackSender(deps),
  ]);
  // Results retention (age and count per test); one replica at a time on PostgreSQL.
  const pruner = startResultsPruner(deps);
  // Stored Jira events (webhooks, Forge product events) into Testbridge's state, in order per issue.
  const jiraEvents = startJiraEventProcessor(deps);
  // Dynamic webhooks extended well before their 30-day expiry, by one replica at a time.
  const refresher = startWebhookRefresher(deps);
  // JQL `updated >= …` every 15 minutes: what lost deliveries missed.
  const reconciler = startReconciler(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    deps.logger.info(
      { port: info.port, store: deps.store.dialect, docs: `${config.publicUrl}/docs` },
      'testbridge listening',
    );
    deps.logger.flush();
  });
  // Logs are buffered; flush at least every second so a quiet service's lines still show up.
  setInterval(() => deps.logger.flush(), 1000).unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down');
    deps.logger.flush();
    const force = setTimeout(() => {
      deps.logger.warn('shutdown grace period over; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    server.close(async () => {
      await forwarder.stop();
      await pruner.stop();
      await jiraEvents.stop();
      await refresher.stop();
      await reconciler.stop();
      await closeDeps(deps);
      deps.logger.info('stopped');
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`testbridge failed: ${String(error)}\n`);
  process.exit(1);
});
