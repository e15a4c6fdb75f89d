/**
 * Bundles `src/main.ts` into `dist/testbridge.mjs` (esbuild, well under a second). Node 20 cannot
 * load TypeScript, and `@testbridge/shared` is TypeScript source; so our code and the shared
 * contracts are bundled, while the runtime dependencies (zod, tinyglobby) stay packages.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const bundleFile = join(here, 'dist', 'testbridge.mjs');

/** Builds the CLI; resolves to the bundle's path. */
export function buildCli() {
  const { dependencies } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const external = Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]);
  const { outputFiles } = buildSync({
    entryPoints: [join(here, 'src', 'cli.ts')],
    outfile: bundleFile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    logLevel: 'warning',
  });
  // Written aside and renamed: test files building side by side never run a half-written file.
  mkdirSync(dirname(bundleFile), { recursive: true });
  for (const file of outputFiles) {
    const aside = `${file.path}.${process.pid}`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
  return bundleFile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildCli();
