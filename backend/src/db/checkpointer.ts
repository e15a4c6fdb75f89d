import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages in the WAL after which the writer checkpoints on its own (a safety net: 40 MiB). */
export const WRITER_CHECKPOINT_PAGES = 10_000;
const EVERY_MS = 250;

// Plain JavaScript, so the worker runs the same under tsx, vitest and a build.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    const row = checkpoint.get();
    parentPort.postMessage({ checkpointed: row ? row.checkpointed : 0 });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A background checkpointer: stop it before the writer closes. */
export interface Checkpointer {
  /** Pages the last background checkpoint had copied into the database file (for tests). */
  readonly lastCheckpointed: number;
  stop(): Promise<void>;
}

/**
 * Copies the WAL into the database file from a worker thread with its own connection
 * (`wal_checkpoint(PASSIVE)` every 250 ms), so the request thread never waits for a checkpoint's
 * fsync. Durability is unchanged: checkpoints only move committed pages from the WAL into the
 * database file. The writer still checkpoints by itself past `WRITER_CHECKPOINT_PAGES`, so the WAL
 * stays bounded if this thread lags or dies.
 */
export function startCheckpointer(file: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { file, driver, everyMs: EVERY_MS },
  });
  worker.unref();
  let lastCheckpointed = 0;
  worker.on('message', (message: { checkpointed?: number }) => {
    if (typeof message.checkpointed === 'number') lastCheckpointed = message.checkpointed;
  });
  // A failed checkpointer only means the writer checkpoints by itself again.
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    get lastCheckpointed() {
      return lastCheckpointed;
    },
    async stop() {
      // Unreferenced while running; referenced again so the process waits for it to finish.
      worker.ref();
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}
