// The npm package is whole: `npm pack`, install the tarball into an empty project, and run the
// demo from the installed copy — `demo --quick --dry-run`, then its first two stages for real
// (K&K puzzles, then symbolic-teacher traces tokenised with the embedded demo model, which is what
// broke when models/ was not in the package). Dependencies come from npm's cache or the registry;
// the install skips the binding build (its own test is the native build), unless
// KINDLING_PACK_NATIVE=1, which also builds the binding in the installed copy and runs the warmup
// stage (several CPU minutes).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-package-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const NATIVE = process.env.KINDLING_PACK_NATIVE === '1';
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// The surrounding `npm test` exports npm_* settings (prefix, package name, …) meant for this repo;
// the nested npm calls must see a plain environment.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
// The binding build looks for a Python with torch on PATH (as a user with a pip torch has it).
const venvBin = join(REPO_ROOT, '.venv', 'bin');
if (NATIVE && existsSync(venvBin)) env.PATH = `${venvBin}:${env.PATH ?? ''}`;
function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}
function ok(cmd: string, args: string[], cwd: string): string {
  const r = sh(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

test('npm pack → npm i in an empty project → npx kindling demo runs from the installed copy', async (t) => {
  const packed = ok('npm', ['pack', '--json', '--pack-destination', tmp], REPO_ROOT);
  const info = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  const files = new Set(info[0]!.files.map((f) => f.path));
  for (const f of [
    'bin/kindling.js',
    'dist/src/cli/main.js',
    'configs/demo-quick.yaml',
    'models/demo-base/config.json',
    'models/demo-base/model.safetensors',
    'native/binding.cpp',
    'scripts/build-native.mjs',
    'README.md',
  ])
    assert.ok(files.has(f), `${f} is in the package`);
  assert.ok(![...files].some((f) => f.startsWith('test/') || f.startsWith('dist/test/')), 'no tests in the package');

  const project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{"name": "empty", "version": "1.0.0", "private": true}\n');
  const install = sh(
    'npm',
    [
      'install',
      join(tmp, info[0]!.filename),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...(NATIVE ? [] : ['--ignore-scripts']),
    ],
    project,
  );
  if (install.status !== 0 && /ENOTFOUND|EAI_AGAIN|ENOTCACHED|ECONNREFUSED/.test(install.stderr))
    return t.skip(`npm could not fetch the dependencies (no cache, no registry): ${install.stderr.split('\n')[0]}`);
  assert.equal(install.status, 0, install.stderr);

  const npx = (...args: string[]) => sh('npx', ['--no', '--', 'kindling', ...args], project);
  // The version is the package's own (npx sets npm_package_version to the calling project's).
  assert.equal(npx('--version').stdout.trim(), version);

  const plan = npx('demo', '--quick', '--dry-run', '--out', 'runs/demo');
  assert.equal(plan.status, 0, plan.stderr);
  const installed = join(project, 'node_modules', 'kindling');
  assert.ok(plan.stdout.includes(join(installed, 'models', 'demo-base')), plan.stdout);
  const commands = [...plan.stdout.matchAll(/^ +kindling (.*)$/gm)].map((m) => m[1]!.split(' '));
  assert.deepEqual(
    commands.slice(0, 3).map((c) => c[0]),
    ['kk', 'distill', 'sft'],
  );
  for (const c of commands.slice(0, NATIVE ? 3 : 2)) {
    const r = npx(...c, '--no-progress');
    assert.equal(r.status, 0, `kindling ${c.join(' ')}:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warning/i);
  }
  const traces = readFileSync(join(project, 'runs', 'demo', 'traces', 'traces.jsonl'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(traces.length, 24);
  assert.ok(JSON.parse(traces[0]!).completion.includes('</answer>'));
  if (NATIVE) assert.ok(existsSync(join(project, 'runs', 'demo', 'warmup', 'model', 'config.json')));
  else {
    // Without the binding, a torch stage says how to build it in an installed copy.
    const d = npx('doctor');
    assert.match(d.stdout + d.stderr, /npm rebuild kindling/);
  }
});
