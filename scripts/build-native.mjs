// Builds native/build/kindling_torch.node against the libtorch that find-libtorch.mjs finds.
// Direct compiler calls (no node-gyp): node-gyp would download Node headers from the internet and
// turns off exceptions/RTTI, which libtorch needs. Headers come from the node-api-headers and
// node-addon-api npm packages. Each source compiles to its own object in native/build/obj/, reused
// while its source, the shared headers and the flags are unchanged (each takes ~30 s).
//   node scripts/build-native.mjs              build (always)
//   node scripts/build-native.mjs --if-missing build only when sources or libtorch changed
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = join(repo, 'native', 'build');
const out = join(outDir, 'kindling_torch.node');
const infoPath = join(outDir, 'build-info.json');
// Headers the sources include from native/ (part of every object's cache key).
const headers = ['handles.h', 'gloo-shim.h'].map((f) => join(repo, 'native', f));
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

// Real paths: a git worktree that links .venv and node_modules to another checkout's gets the same
// flags, hence the same cache key, and does not rebuild a binary that is already current.
const real = (p) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};
torch = { ...torch, root: real(torch.root), lib: real(torch.lib), include: torch.include.map(real) };
const napiInclude = real(require('node-api-headers').include_dir);
const addonInclude = real(resolve(repo, require('node-addon-api').include_dir));
const cxx = process.env.CXX || 'g++';
const compileFlags = [
  '-std=c++17',
  '-O2',
  '-fPIC',
  '-w',
  '-DNAPI_VERSION=8',
  '-DNAPI_CPP_EXCEPTIONS',
  '-DNODE_ADDON_API_DISABLE_DEPRECATED',
  ...(torch.cxx11abi === null ? [] : [`-D_GLIBCXX_USE_CXX11_ABI=${torch.cxx11abi ? 1 : 0}`]),
  `-I${napiInclude}`,
  `-I${addonInclude}`,
  ...torch.include.map((d) => `-I${d}`),
];

// distributed.cpp includes torch's ProcessGroupGloo.hpp, which includes gloo's headers; pip wheels
// do not ship them, so native/gloo-shim.h stands in for them (see its comment) unless they exist.
const shimDir = join(outDir, 'gloo-shim');
const glooHeaders = [
  'gloo/algorithm.h',
  'gloo/common/error.h',
  'gloo/context.h',
  'gloo/rendezvous/store.h',
  'gloo/transport/device.h',
];
const haveGloo = torch.include.some((d) => existsSync(join(d, 'gloo', 'context.h')));
// NCCL: only with a CUDA libtorch and nccl.h (pip: the nvidia-nccl package beside torch).
const ncclInclude = torch.cuda
  ? [join(torch.root, '..', 'nvidia', 'nccl', 'include'), '/usr/include', '/usr/local/cuda/include'].find((d) =>
      existsSync(join(d, 'nccl.h')),
    )
  : undefined;
const distributedFlags = (nccl) => [
  // Hidden: nothing this file instantiates (it sees gloo only through the shim) may interpose libtorch's code.
  '-fvisibility=hidden',
  '-fvisibility-inlines-hidden',
  ...(haveGloo ? [] : [`-I${shimDir}`]),
  ...(nccl ? ['-DKINDLING_WITH_NCCL', `-I${ncclInclude}`] : []),
];
const units = [
  { src: join(repo, 'native', 'binding.cpp'), flags: [] },
  {
    src: join(repo, 'native', 'distributed.cpp'),
    flags: distributedFlags(Boolean(ncclInclude)),
    fallback: ncclInclude ? distributedFlags(false) : null,
  },
];
const linkFlags = [
  '-shared',
  `-L${torch.lib}`,
  `-Wl,-rpath,${torch.lib}`,
  // --no-as-needed keeps libtorch_cuda loaded so its kernels register even though we call no symbol of it.
  '-Wl,--no-as-needed',
  '-ltorch',
  '-ltorch_cpu',
  '-lc10',
  ...(torch.cuda ? ['-ltorch_cuda', '-lc10_cuda'] : []),
  '-Wl,--as-needed',
];
const hash = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex');
const headerText = headers.map((h) => readFileSync(h, 'utf8')).join('\0');
const unitKey = (u, flags) =>
  hash(JSON.stringify({ flags: [...compileFlags, ...flags], cxx }), readFileSync(u.src, 'utf8'), headerText);
const key = hash(JSON.stringify({ linkFlags, cxx }), ...units.map((u) => unitKey(u, u.flags)));

if (ifMissing && existsSync(out) && existsSync(infoPath)) {
  try {
    if (JSON.parse(readFileSync(infoPath, 'utf8')).key === key) process.exit(0);
  } catch {}
}

mkdirSync(join(outDir, 'obj'), { recursive: true });
if (!haveGloo)
  for (const h of glooHeaders) {
    mkdirSync(dirname(join(shimDir, h)), { recursive: true });
    writeFileSync(join(shimDir, h), `#include "${join(repo, 'native', 'gloo-shim.h')}"\n`);
  }
console.error(`kindling: building the libtorch binding against ${torch.how}: ${torch.root} (torch ${torch.version})`);
const t0 = Date.now();

// Units compile in parallel (each takes ~30 s; a GPU machine has many cores).
async function compile(u, flags) {
  const name = u.src
    .split('/')
    .pop()
    .replace(/\.cpp$/, '');
  const obj = join(outDir, 'obj', `${name}.o`);
  const k = unitKey(u, flags);
  const keyFile = `${obj}.key`;
  if (existsSync(obj) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === k) return { obj, ok: true };
  console.error(`kindling: compiling native/${name}.cpp`);
  const code = await new Promise((done) => {
    const p = spawn(cxx, [...compileFlags, ...flags, '-c', u.src, '-o', `${obj}.tmp`], { stdio: 'inherit' });
    p.on('error', (e) => done(String(e.message)));
    p.on('close', (status, signal) => done(status ?? signal));
  });
  if (code !== 0) return { obj, ok: false, why: `${cxx} exit ${code}` };
  renameSync(`${obj}.tmp`, obj);
  writeFileSync(keyFile, k);
  return { obj, ok: true };
}

let nccl = Boolean(ncclInclude);
const objects = await Promise.all(
  units.map(async (u) => {
    let c = await compile(u, u.flags);
    if (!c.ok && u.fallback) {
      nccl = false;
      console.error(
        `kindling: native/${u.src.split('/').pop()} did not compile with NCCL (${c.why}); building it without (gloo only)`,
      );
      c = await compile(u, u.fallback);
    }
    if (!c.ok) {
      console.error(`kindling: compiling ${u.src} failed (${c.why})`);
      process.exit(1);
    }
    return c.obj;
  }),
);
const tmp = `${out}.tmp`;
const r = spawnSync(cxx, [...objects, ...linkFlags, '-o', tmp], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`kindling: linking ${out} failed (${cxx} exit ${r.status ?? r.signal})`);
  process.exit(1);
}
renameSync(tmp, out);
writeFileSync(
  infoPath,
  `${JSON.stringify({ key, libtorch: torch, gloo: haveGloo ? 'headers' : 'shim', nccl, builtAt: new Date().toISOString(), node: process.version }, null, 2)}\n`,
);
console.error(`kindling: built ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
