#!/usr/bin/env node
// The published package ships dist/testbridge.mjs; in this repository it is built on first use.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/testbridge.mjs', import.meta.url);
if (!existsSync(bundle)) {
  const { buildCli } = await import('../build.mjs');
  buildCli();
}
await import(bundle.href);
