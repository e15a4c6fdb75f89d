/**
 * `npm start`: builds `src/main.ts` into one JavaScript file (esbuild, under a second) and runs it
 * in this process, with any arguments (`reseal`). Running compiled JavaScript instead of `tsx`
 * saves tsx's loader thread and its transformed sources: about 55 MB of resident memory idle and
 * under load, for the same code. Packages stay in node_modules; only our TypeScript (backend and
 * @testbridge/shared) is bundled.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// Two folders below the package, like src/db/store.ts, which finds the migrations at ../../drizzle.
const outfile = join(here, 'dist', 'server', 'main.js');

/** Builds the server into `dist/server/main.js`; resolves to that file. */
export function buildServer() {
  const { dependencies } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const external = Object.keys(dependencies)
    .filter((name) => !name.startsWith('@testbridge/'))
    .flatMap((name) => [name, `${name}/*`]);
  const { outputFiles } = buildSync({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // Written aside and renamed, so servers started side by side never load a half-written file.
  mkdirSync(dirname(outfile), { recursive: true });
  for (const file of outputFiles) {
    const aside = `${file.path}.${process.pid}`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
  if (!existsSync(join(dirname(outfile), '..', '..', 'drizzle', 'sqlite')))
    throw new Error(`the built server at ${outfile} would not find its migrations`);
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await import(pathToFileURL(buildServer()).href);
}
