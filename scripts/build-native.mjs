// Builds native/build/kindling_torch.node against the libtorch that find-libtorch.mjs finds.
// A direct compiler call (no node-gyp): node-gyp would download Node headers from the internet and
// turns off exceptions/RTTI, which libtorch needs. Headers come from the node-api-headers and
// node-addon-api npm packages.
//   node scripts/build-native.mjs              build (always)
//   node scripts/build-native.mjs --if-missing build only when sources or libtorch changed
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = join(repo, 'native', 'build');
const out = join(outDir, 'kindling_torch.node');
const infoPath = join(outDir, 'build-info.json');
const sources = [join(repo, 'native', 'binding.cpp')];
const ifMissing = process.argv.includes('--if-missing');

let torch;
try {
  torch = findLibtorch();
} catch (e) {
  console.error(String(e.message));
  // During `npm install` a missing libtorch must not abort the install: the runtime loader repeats
  // this message when kindling/torch is first imported.
  process.exit(ifMissing ? 0 : 1);
}

const napiInclude = require('node-api-headers').include_dir;
const addonInclude = require('node-addon-api').include_dir;
const cxx = process.env.CXX || 'g++';
const flags = [
  '-std=c++17', '-O2', '-fPIC', '-shared', '-w',
  '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED',
  ...(torch.cxx11abi === null ? [] : [`-D_GLIBCXX_USE_CXX11_ABI=${torch.cxx11abi ? 1 : 0}`]),
  `-I${napiInclude}`, `-I${resolve(repo, addonInclude)}`, ...torch.include.map((d) => `-I${d}`),
  ...sources,
  `-L${torch.lib}`, `-Wl,-rpath,${torch.lib}`,
  // --no-as-needed keeps libtorch_cuda loaded so its kernels register even though we call no symbol of it.
  '-Wl,--no-as-needed', '-ltorch', '-ltorch_cpu', '-lc10',
  ...(torch.cuda ? ['-ltorch_cuda', '-lc10_cuda'] : []),
  '-Wl,--as-needed',
];
const key = createHash('sha256')
  .update(JSON.stringify({ flags, cxx }))
  .update(sources.map((s) => readFileSync(s)).join('\0'))
  .digest('hex');

if (ifMissing && existsSync(out) && existsSync(infoPath)) {
  try {
    if (JSON.parse(readFileSync(infoPath, 'utf8')).key === key) process.exit(0);
  } catch {}
}

mkdirSync(outDir, { recursive: true });
console.error(`kindling: building the libtorch binding against ${torch.how}: ${torch.root} (torch ${torch.version})`);
const t0 = Date.now();
const tmp = `${out}.tmp`;
const r = spawnSync(cxx, [...flags, '-o', tmp], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`kindling: compiling native/binding.cpp failed (${cxx} exit ${r.status ?? r.signal})`);
  process.exit(1);
}
renameSync(tmp, out);
writeFileSync(
  infoPath,
  `${JSON.stringify({ key, libtorch: torch, builtAt: new Date().toISOString(), node: process.version }, null, 2)}\n`,
);
console.error(`kindling: built ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
