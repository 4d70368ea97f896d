#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (`npm run build`; scripts/setup.sh does it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('kindling: dist/ is missing — run `bash scripts/setup.sh` (or `npm run build`) first.');
  process.exit(1);
}
const { run } = await import(main.href);
await run(process.argv);
