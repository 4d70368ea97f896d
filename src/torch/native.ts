// Loads the compiled libtorch binding (native/build/kindling_torch.node).
// OMP_WAIT_POLICY=PASSIVE must be in the environment before libgomp initialises, i.e. before the
// addon (and with it libtorch) is loaded: spinning OpenMP workers starve each other on small machines.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An opaque reference to a native libtorch tensor. */
export type Handle = { readonly __handle: unique symbol };
/** An opaque reference to a native object (optimizer, generator). */
export type NativeRef = { readonly __native: unique symbol };

// The binding's functions are thin and positional; src/torch wraps each in a typed API.
export type NativeBinding = Record<string, (...args: any[]) => any>;

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const addonPath = join(repoRoot, 'native', 'build', 'kindling_torch.node');
export const buildInfoPath = join(repoRoot, 'native', 'build', 'build-info.json');

if (process.env.OMP_WAIT_POLICY === undefined) process.env.OMP_WAIT_POLICY = 'PASSIVE';

function load(): NativeBinding {
  if (!existsSync(addonPath)) {
    throw new Error(
      `the libtorch binding is not built (${addonPath} is missing). ` +
        'Run `bash scripts/setup.sh`, or `npm run build:native` once a libtorch is available ' +
        '(LIBTORCH=/path, a Python with torch, or Debian libtorch-dev).',
    );
  }
  const require = createRequire(import.meta.url);
  try {
    return require(addonPath) as NativeBinding;
  } catch (e) {
    throw new Error(
      `loading ${addonPath} failed: ${(e as Error).message}. The libtorch it was built against may have moved; ` +
        'rebuild with `npm run build:native`.',
    );
  }
}

export const native: NativeBinding = load();

export interface BuildInfo {
  libtorch: { root: string; lib: string; version: string; how: string; cuda: boolean; cxx11abi: boolean | null };
  builtAt: string;
  node: string;
}

export function buildInfo(): BuildInfo | null {
  try {
    return JSON.parse(readFileSync(buildInfoPath, 'utf8')) as BuildInfo;
  } catch {
    return null;
  }
}
