/**
 * `npm run demo`: the backend wired to the Jira simulator. Ports and data directory come from
 * DEMO_BACKEND_PORT (3000), SIM_PORT (4010) and DEMO_DATA_DIR (./data/demo, from the repo root).
 */
import { z } from 'zod';
import { startDemo } from './demo.ts';
import { renderGuide } from './guide.ts';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const DemoEnv = z.object({
  DEMO_BACKEND_PORT: port(3000),
  SIM_PORT: port(4010),
  DEMO_DATA_DIR: z.string().min(1).default('./data/demo'),
  TESTBRIDGE_ADMIN_KEY: z.string().min(1).optional(),
  // The backend's JSON logs would scroll the guide away; LOG_LEVEL=info shows every request.
  LOG_LEVEL: z.string().min(1).default('warn'),
});

async function main(): Promise<void> {
  const parsed = DemoEnv.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(`demo: ${z.prettifyError(parsed.error)}\n`);
    process.exit(2);
  }
  const env = parsed.data;
  const demo = await startDemo({
    simPort: env.SIM_PORT,
    backendPort: env.DEMO_BACKEND_PORT,
    dataDir: env.DEMO_DATA_DIR,
    logLevel: env.LOG_LEVEL,
    ...(env.TESTBRIDGE_ADMIN_KEY ? { adminKey: env.TESTBRIDGE_ADMIN_KEY } : {}),
  });
  process.stdout.write(
    renderGuide({
      simUrl: demo.simUrl,
      backendUrl: demo.backendUrl,
      adminKey: demo.adminKey,
      dataDir: env.DEMO_DATA_DIR,
      seeded: demo.seeded,
    }),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('demo: stopping\n');
    const { backendExitCode } = await demo.stop();
    process.stdout.write('demo: stopped\n');
    process.exit(backendExitCode === 0 ? 0 : 1);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
