#!/usr/bin/env node
/**
 * Runs pnpm with the given arguments after making sure the toolchain is in place:
 * pnpm (the version pinned in package.json, installed into ./.tools when missing) and an
 * up-to-date workspace install with better-sqlite3 built. Quick when everything is there.
 *
 * Usage: node scripts/toolchain.mjs <pnpm args...>
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split(
  '@',
)[1];
const toolsDir = join(root, '.tools');
const localPnpm = join(toolsDir, 'node_modules', '.bin', 'pnpm');
const stampFile = join(root, 'node_modules', '.testbridge-install');

// node-gyp cannot download Node headers without internet; point it at the system headers.
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h'))
  env.npm_config_nodedir = '/usr';

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    log(`failed: ${command} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

function versionOf(command) {
  const result = spawnSync(command, ['--version'], { env, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function findPnpm() {
  if (existsSync(localPnpm) && versionOf(localPnpm) === pinned) return localPnpm;
  if (versionOf('pnpm') === pinned) return 'pnpm';
  log(`installing pnpm ${pinned} into .tools/`);
  run('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-save',
    '--no-package-lock',
    `pnpm@${pinned}`,
    '--loglevel=error',
  ]);
  return localPnpm;
}

/** Hash of everything that decides what the install contains. */
function installInputsHash() {
  const hash = createHash('sha256');
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  const workspace = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  for (const line of workspace.split('\n')) {
    const match = /^\s+-\s+(\S+)/.exec(line);
    if (!match) continue;
    const pattern = match[1];
    const dirs = pattern.endsWith('/*')
      ? spawnSync('ls', [join(root, pattern.slice(0, -2))], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map((name) => join(pattern.slice(0, -2), name))
      : [pattern];
    for (const dir of dirs) files.push(join(dir, 'package.json'));
  }
  for (const file of files) {
    const path = join(root, file);
    hash.update(file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

function isSqliteBuilt() {
  const probe = spawnSync(
    process.execPath,
    ['-e', "const D=require('better-sqlite3'); new D(':memory:').close()"],
    { cwd: join(root, 'backend'), env, encoding: 'utf8' },
  );
  return probe.status === 0;
}

function ensureInstall(pnpm) {
  const wanted = installInputsHash();
  const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  if (current === wanted && isSqliteBuilt()) return;
  log('installing the workspace (a cold install compiles better-sqlite3: 2-3 minutes)');
  run(pnpm, ['install', '--frozen-lockfile', '--reporter=append-only']);
  if (!isSqliteBuilt()) {
    log('building better-sqlite3');
    run(pnpm, ['rebuild', 'better-sqlite3']);
    if (!isSqliteBuilt()) {
      log('better-sqlite3 still does not load; see the output above');
      process.exit(1);
    }
  }
  writeFileSync(stampFile, wanted);
}

const pnpm = findPnpm();
ensureInstall(pnpm);
const child = spawn(pnpm, process.argv.slice(2), { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
