// Finds a libtorch to build against, in the order ARCHITECTURE.md gives:
//   1. $LIBTORCH (a folder with include/ and lib/)
//   2. the `torch` package of a Python: the project's .venv first, then python3
//   3. Debian/Ubuntu's libtorch-dev (/usr/include/torch, /usr/lib/<triplet>/libtorch*.so)
// Returns {root, include: [...], lib, version, cxx11abi, cuda, how} or throws with what was searched.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function versionFromHeaders(includeDirs) {
  for (const dir of includeDirs) {
    for (const f of ['torch/headeronly/version.h', 'torch/version.h']) {
      const p = join(dir, f);
      if (!existsSync(p)) continue;
      const m = /#define\s+TORCH_VERSION\s+\\?\s*"([^"]+)"/.exec(readFileSync(p, 'utf8'));
      if (m) return m[1];
    }
  }
  return 'unknown';
}

function fromFolder(root, how) {
  const include = [join(root, 'include'), join(root, 'include', 'torch', 'csrc', 'api', 'include')];
  const lib = join(root, 'lib');
  if (!existsSync(join(include[1], 'torch', 'torch.h')) || !existsSync(join(lib, 'libtorch.so'))) return null;
  const cuda = existsSync(join(lib, 'libtorch_cuda.so'));
  return { root, include, lib, version: versionFromHeaders(include), cxx11abi: null, cuda, how };
}

function fromPython(python) {
  const code =
    'import json, os, torch\n' +
    'print(json.dumps({"root": os.path.dirname(torch.__file__), "version": torch.__version__,' +
    ' "cxx11abi": bool(torch.compiled_with_cxx11_abi()), "cuda": torch.version.cuda}))';
  let out;
  try {
    out = execFileSync(python, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  const info = JSON.parse(out.trim().split('\n').pop());
  const found = fromFolder(info.root, `python torch (${python})`);
  if (!found) return null;
  return { ...found, version: info.version, cxx11abi: info.cxx11abi, cuda: Boolean(info.cuda) };
}

function fromDebian() {
  const inc = '/usr/include';
  if (!existsSync(join(inc, 'torch', 'csrc', 'api', 'include', 'torch', 'torch.h'))) return null;
  for (const d of readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu'))) {
    const lib = join('/usr/lib', d);
    if (existsSync(join(lib, 'libtorch.so'))) {
      const include = [inc, join(inc, 'torch', 'csrc', 'api', 'include')];
      return {
        root: '/usr',
        include,
        lib,
        version: versionFromHeaders(include),
        cxx11abi: true,
        cuda: false,
        how: 'debian libtorch-dev',
      };
    }
  }
  return null;
}

export function findLibtorch(env = process.env) {
  const searched = [];
  if (env.LIBTORCH) {
    searched.push(`LIBTORCH=${env.LIBTORCH}`);
    const f = fromFolder(resolve(env.LIBTORCH), 'LIBTORCH');
    if (f) return f;
    throw new Error(
      `LIBTORCH=${env.LIBTORCH} is set but has no include/torch/csrc/api/include/torch/torch.h and lib/libtorch.so`,
    );
  }
  const pythons = [join(repo, '.venv', 'bin', 'python'), env.PYTHON, 'python3'].filter(Boolean);
  for (const py of pythons) {
    if (py.includes('/') && !existsSync(py)) {
      searched.push(`${py} (missing)`);
      continue;
    }
    searched.push(`${py} -c 'import torch'`);
    const f = fromPython(py);
    if (f) return f;
  }
  searched.push('/usr/include/torch + /usr/lib/*-linux-gnu/libtorch.so (Debian libtorch-dev)');
  const d = fromDebian();
  if (d) return d;
  throw new Error(
    'kindling: no libtorch found. Searched:\n  - ' +
      searched.join('\n  - ') +
      '\nFix: run `bash scripts/setup.sh` (creates .venv with torch==2.13.0), or `pip install torch` into a Python,' +
      ' or set LIBTORCH=/path/to/libtorch (a folder with include/ and lib/).',
  );
}
