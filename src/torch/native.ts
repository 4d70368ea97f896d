// Loads the compiled libtorch binding (native/build/kindling_torch.node).
// OMP_WAIT_POLICY=PASSIVE must be in the environment before libgomp initialises, i.e. before the
// addon (and with it libtorch) is loaded: spinning OpenMP workers starve each other on small machines.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_FUNCTIONS, type NativeFunctionName } from './native-names.js';

/** An opaque reference to a native libtorch tensor. */
export type Handle = { readonly __handle: unique symbol };
/** An opaque reference to a native object (optimizer, generator). */
export type NativeRef = { readonly __native: unique symbol };

// The binding's functions are thin and positional; src/torch wraps each in a typed API.
export type NativeBinding = Record<NativeFunctionName, (...args: any[]) => any>;

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const addonPath = join(repoRoot, 'native', 'build', 'kindling_torch.node');
export const buildInfoPath = join(repoRoot, 'native', 'build', 'build-info.json');

if (process.env.OMP_WAIT_POLICY === undefined) process.env.OMP_WAIT_POLICY = 'PASSIVE';

function load(): NativeBinding {
  if (!existsSync(addonPath)) {
    throw new Error(
      `the libtorch binding is not built (${addonPath} is missing). ` +
        // An installed package has no scripts/setup.sh: it rebuilds with npm rebuild.
        (existsSync(join(repoRoot, 'scripts', 'setup.sh'))
          ? 'Run `bash scripts/setup.sh`, or `npm run build:native`'
          : `Run \`npm rebuild kindling\` in your project (or \`node ${join(repoRoot, 'scripts', 'build-native.mjs')}\`)`) +
        ' once a libtorch is available (LIBTORCH=/path, a Python with torch on PATH, or Debian libtorch-dev).',
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

/**
 * Elementwise, reduction and copy ops on fewer elements than this run on the calling thread. With
 * PASSIVE OpenMP workers every parallel region wakes them (~50 µs here), while a 100k-element add
 * takes ~15 µs alone: decoding's per-row tensors (rows × hidden) pay that wake-up a dozen times per
 * layer. 131,072 is where the slowest op measured (exp) breaks even on 2 cores; workers that spin
 * (GOMP_SPINCOUNT, or another wait policy) wake in microseconds, so then libtorch's own rule stays.
 * KINDLING_SERIAL_BELOW=N overrides (0 = off).
 */
export const SERIAL_BELOW_DEFAULT = 131_072;
export function defaultSerialBelow(env: NodeJS.ProcessEnv = process.env): number {
  if (env.KINDLING_SERIAL_BELOW !== undefined) {
    const n = Number(env.KINDLING_SERIAL_BELOW);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`KINDLING_SERIAL_BELOW must be a non-negative integer, got '${env.KINDLING_SERIAL_BELOW}'`);
    return n;
  }
  const passive = env.OMP_WAIT_POLICY?.toUpperCase() === 'PASSIVE' && !env.GOMP_SPINCOUNT;
  return passive ? SERIAL_BELOW_DEFAULT : 0;
}
// A binding built from older sources lacks the newest functions: say so at load, not mid-generation.
const missing = NATIVE_FUNCTIONS.filter((f) => typeof native[f] !== 'function');
if (missing.length)
  throw new Error(
    `${addonPath} is older than these sources (no ${missing.join(', ')}): rebuild it with \`npm run build:native\``,
  );
native.setSerialBelow(defaultSerialBelow());

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
