/**
 * The backend as a child process through its real entry (`backend/src/main.ts`), configured only
 * by environment variables, the way an operator would point it at the simulator.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The repository root: the backend runs from here, so `DATA_DIR=./data/demo` lands in ./data. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BACKEND_MAIN = fileURLToPath(new URL('../../../backend/src/main.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

/** A started backend; `stop()` sends SIGTERM and resolves with its exit code. */
export interface BackendProcess {
  url: string;
  stop(): Promise<number | null>;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Spawns the backend with `env` (on top of PATH/HOME only) and waits until `/healthz` answers 200. */
export async function startBackend(env: Record<string, string>): Promise<BackendProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', BACKEND_MAIN], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]: unknown[]) =>
    typeof code === 'number' ? code : null,
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the backend exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the backend did not answer ${url}/healthz in time`);
    }
    await delay(200);
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
