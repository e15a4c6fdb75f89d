/** The demo's admin API key: chosen once per data directory, so every run can print it. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_FILE = 'demo-admin.key';
const KEY_SHAPE = /^tb_[A-Za-z0-9_-]{32,}$/;

/**
 * `configured` (TESTBRIDGE_ADMIN_KEY) when given; else the key kept in `<dataDir>/demo-admin.key`,
 * generated there (mode 0600) on first use. The backend receives it as TESTBRIDGE_ADMIN_KEY.
 */
export function demoAdminKey(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (KEY_SHAPE.test(stored)) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = `tb_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
