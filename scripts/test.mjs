// Runs the test suite: builds (tsc + the native binding when stale), then node's test runner over
// dist/test/**/*.test.js. Pass file-name fragments to run a subset: `npm test -- torch/ops`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repo });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/build-native.mjs', '--if-missing']);
run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
walk(join(repo, 'dist', 'test'));
const filters = process.argv.slice(2);
const chosen = files.filter((f) => filters.length === 0 || filters.some((s) => relative(repo, f).includes(s))).sort();
if (chosen.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// A TAP copy of the run, to count the skipped tests and print why each was skipped.
const tap = join(mkdtempSync(join(tmpdir(), 'kindling-test-')), 'run.tap');
// Two cores: run test files two at a time at most; each file's own tests run in order.
const r = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...chosen,
  ],
  {
    stdio: 'inherit',
    cwd: repo,
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
  },
);
const skips = existsSync(tap)
  ? readFileSync(tap, 'utf8')
      .split('\n')
      .filter((l) => /^\s*(not )?ok \d+ .*# SKIP/.test(l))
      .map((l) => l.replace(/^\s*(not )?ok \d+ - /, '').trim())
  : [];
console.log(`\n${skips.length} test(s) skipped${skips.length ? ':' : ''}`);
for (const s of skips) console.log(`  - ${s}`);
process.exit(r.status ?? 1);
