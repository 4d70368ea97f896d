// Seeded data order that does not depend on libtorch's RNG: the same (seed, epoch) always gives
// the same permutation, so a resumed run replays exactly the batches it had not yet seen.
import { mulberry32 } from '../util/random.js';

export { mulberry32 };

/** Fisher–Yates permutation of 0..n-1 for (seed, epoch). */
export function permutation(n: number, seed: number, epoch: number): number[] {
  const r = mulberry32((seed * 1_000_003 + epoch * 7919) >>> 0);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
