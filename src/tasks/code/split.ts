// The paper's HumanEval+ split: 50 training tasks, the other 114 for testing. The authors call
// Hugging Face datasets' `train_test_split(train_size=50, shuffle=True, seed=42)` on the 164 tasks
// in file order. That method draws `numpy.random.default_rng(seed).permutation(n)`, takes the
// first n − 50 indices as the test set and the next 50 as the training set (both in permutation
// order). We reproduce it draw for draw with NumPy's PCG64 (shared with the K&K generator), so the
// default seed 42 gives the authors' exact split, and any other seed gives what datasets would.
import { PCG64 } from '../kk/numpy-random.js';

export const PAPER_SPLIT_SEED = 42;
export const PAPER_TRAIN_SIZE = 50;

/** NumPy's random_interval(max): uniform in [0, max] by masked rejection on 32-bit draws. */
function randomInterval(bits: PCG64, max: number): number {
  if (max === 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask >>>= 0;
  for (;;) {
    const v = (bits.next32() & mask) >>> 0;
    if (v <= max) return v;
  }
}

/** `numpy.random.default_rng(seed).permutation(n)` for n < 2^32. */
export function numpyPermutation(n: number, seed: number): number[] {
  const bits = new PCG64(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i >= 1; i--) {
    const j = randomInterval(bits, i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** datasets' train_test_split(train_size, shuffle=True, seed): indices of each side. */
export function trainTestSplit(n: number, trainSize: number, seed: number): { train: number[]; test: number[] } {
  if (!Number.isInteger(trainSize) || trainSize <= 0 || trainSize >= n)
    throw new Error(`train size must be in [1, ${n - 1}], got ${trainSize}`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const perm = numpyPermutation(n, seed);
  const nTest = n - trainSize;
  return { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + trainSize) };
}
