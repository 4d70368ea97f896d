// Seeded randomness for MMLU-Pro: the per-category split and the random-guess fallback.
// mulberry32 over a 32-bit FNV-1a hash of the seed and key: small, fast, the same on every machine.
import { mulberry32 } from '../../util/random.js';

export { mulberry32 };

export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle of a copy, driven by `rand`. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * The official harness's fallback for an unparsed response: a uniformly random option index.
 * Seeded by (seed, key) so that scoring the same response twice gives the same guess.
 */
export function randomGuess(numOptions: number, seed: number, key: string): number {
  if (!Number.isInteger(numOptions) || numOptions < 1)
    throw new Error(`numOptions must be a positive integer, got ${numOptions}`);
  return Math.floor(mulberry32(hash32(`${seed}\u0000${key}`))() * numOptions);
}
