import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where things are, and how long each load run lasts (BENCH_SECONDS, BENCH_ROUNDS). */
export interface BenchContext {
  repoRoot: string;
  seconds: number;
  rounds: number;
}

export function createContext(env: Record<string, string | undefined>): BenchContext {
  return {
    repoRoot: join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'),
    seconds: Number(env.BENCH_SECONDS ?? 10),
    rounds: Number(env.BENCH_ROUNDS ?? 3),
  };
}

/** A finished benchmark, rendered into docs/benchmarks.md. */
export interface Section {
  title: string;
  markdown: string;
}
