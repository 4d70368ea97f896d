// The per-category train/test split. Within each category the rows are ordered by id, shuffled
// with a seeded generator (seed and category name), and the first `trainPerCategory` go to train,
// the rest to test. Both sides come from one permutation, so they are disjoint by construction.
// (The paper sampled with NumPy's default_rng(42).choice; this is a different, documented sampler.)

import type { McqExample } from './data.js';
import { hash32, mulberry32, shuffled } from './random.js';

export interface SplitOptions {
  /** Train rows per category (default 100, the paper's). */
  trainPerCategory?: number;
  /** Default 42 (the paper's seed value). */
  seed?: number;
}

export function splitByCategory(
  rows: readonly McqExample[],
  options: SplitOptions = {},
): { train: McqExample[]; test: McqExample[] } {
  const k = options.trainPerCategory ?? 100;
  const seed = options.seed ?? 42;
  const byCat = new Map<string, McqExample[]>();
  for (const r of rows) {
    const list = byCat.get(r.category) ?? [];
    list.push(r);
    byCat.set(r.category, list);
  }
  const train: McqExample[] = [];
  const test: McqExample[] = [];
  for (const cat of [...byCat.keys()].sort()) {
    const list = [...byCat.get(cat)!].sort((a, b) => compareIds(a.id, b.id));
    const perm = shuffled(list, mulberry32(hash32(`${seed}\u0000${cat}`)));
    train.push(...perm.slice(0, k));
    test.push(...perm.slice(k));
  }
  return { train, test };
}

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a < b ? -1 : a > b ? 1 : 0;
}
