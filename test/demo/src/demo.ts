/**
 * `npm run demo`: the Jira simulator (in this process) and the backend (a child process started
 * through its real entry), wired together only through the backend's configuration.
 */
import { isAbsolute, resolve } from 'node:path';
import { SEEDED } from '@testbridge/jira-sim';
import { demoAdminKey } from './admin-key.ts';
import { REPO_ROOT, startBackend } from './backend-process.ts';
import { seedDemo } from './seed.ts';
import { allowCallback, startDemoSim } from './sim-server.ts';

/** Where the demo listens and keeps its data. */
export interface DemoOptions {
  simPort: number;
  backendPort: number;
  /** Relative paths are taken from the repository root. */
  dataDir: string;
  /** TESTBRIDGE_ADMIN_KEY, if the user chose one. */
  adminKey?: string;
  /** The backend's LOG_LEVEL. */
  logLevel: string;
}

/** A running demo; `stop()` stops the backend (SIGTERM) and then the simulator. */
export interface RunningDemo {
  simUrl: string;
  backendUrl: string;
  adminKey: string;
  /** Whether this run seeded an empty backend. */
  seeded: boolean;
  stop(): Promise<{ backendExitCode: number | null }>;
}

/** Starts the simulator, then the backend pointed at it; resolves once both answer. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const dataDir = isAbsolute(options.dataDir)
    ? options.dataDir
    : resolve(REPO_ROOT, options.dataDir);
  const adminKey = demoAdminKey(dataDir, options.adminKey);
  const sim = await startDemoSim(options.simPort);
  const backendUrl = `http://localhost:${options.backendPort}`;
  allowCallback(sim.sim, `${backendUrl}/oauth/callback`);
  try {
    const backend = await startBackend({
      PORT: String(options.backendPort),
      PUBLIC_URL: backendUrl,
      ATLASSIAN_AUTH_URL: `${sim.baseUrl}/auth`,
      ATLASSIAN_API_URL: `${sim.baseUrl}/api`,
      ATLASSIAN_CLIENT_ID: SEEDED.oauthApp.clientId,
      ATLASSIAN_CLIENT_SECRET: SEEDED.oauthApp.clientSecret,
      FORGE_APP_ID: sim.sim.forgeAppId,
      FORGE_JWKS_URL: sim.sim.forgeJwksUrl,
      ALLOW_PRIVATE_JIRA_URLS: '1',
      DATA_DIR: dataDir,
      TESTBRIDGE_ADMIN_KEY: adminKey,
      LOG_LEVEL: options.logLevel,
    });
    let seeded: 'seeded' | 'kept';
    try {
      seeded = await seedDemo({ backendUrl, simUrl: sim.baseUrl, adminKey });
    } catch (error) {
      await backend.stop();
      throw error;
    }
    return {
      simUrl: sim.baseUrl,
      backendUrl,
      adminKey,
      seeded: seeded === 'seeded',
      stop: async () => {
        const backendExitCode = await backend.stop();
        await sim.close();
        return { backendExitCode };
      },
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}
