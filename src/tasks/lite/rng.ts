// Seeded randomness for the mini domains. Every stream is keyed by (seed, purpose), so adding a new
// kind of item never shifts the items of another kind, and the same seed gives the same world on
// every machine. The generator itself is MMLU-Pro's (mulberry32 over FNV-1a), reused.
import { createHash } from 'node:crypto';
import { hash32, mulberry32, shuffled } from '../mcq/random.js';

export type Rand = () => number;

/** A float stream in [0, 1) for one purpose under one seed. */
export function rngFor(seed: number, key: string): Rand {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  return mulberry32(hash32(`${seed}\u0000${key}`));
}

/** An integer in [lo, hi], both ends included. */
export function intIn(r: Rand, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function pick<T>(r: Rand, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(r() * items.length)]!;
}

/** n distinct items (in random order). */
export function sampleDistinct<T>(r: Rand, items: readonly T[], n: number): T[] {
  if (n > items.length) throw new Error(`cannot draw ${n} distinct items from ${items.length}`);
  return shuffled(items, r).slice(0, n);
}

/** Index drawn with the given (non-negative) weights. */
export function weightedIndex(r: Rand, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

export { shuffled };

/** Short content hash (hex) for ids and fingerprints. */
export function shortHash(text: string, length = 10): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
