/**
 * Debian's Chromium for the browser tests: installed with apt-get on first use (CI starts from a
 * fresh machine), launched headless with a fresh profile through playwright-core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Two test files may bootstrap at once: wait for dpkg's lock instead of failing on it.
const APT = 'apt-get -o DPkg::Lock::Timeout=600';
const INSTALL = `${APT} install -y chromium || (${APT} update && ${APT} install -y chromium)`;

/**
 * Makes sure {@link CHROMIUM_PATH} exists, installing Debian's `chromium` when it does not
 * (falling back to `apt-get update` first). Throws a message saying what to do when that fails.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  process.stderr.write(
    '[browser tests] /usr/bin/chromium is missing; installing it with apt-get\n',
  );
  const result = spawnSync('sh', ['-c', INSTALL], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    const why = result.error ? result.error.message : `exit status ${result.status}`;
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH} and installing it failed (${why}). ` +
        'Install it yourself as root: apt-get update && apt-get install -y chromium',
    );
  }
  return CHROMIUM_PATH;
}

/** A headless Chromium with its own throw-away profile; `close()` removes the profile. */
export interface HeadlessChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Installs Chromium if needed and launches it with a fresh `--user-data-dir`. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'testbridge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 900, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
