// Which examples to evaluate and in which batches.

/** FNV-1a, 32 bits: a stable per-example seed offset (same on every machine and run). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Seed of trial 0 of an example; trial t uses this + t (generate's `seeds[p] + k`). */
export function exampleSeed(seed: number, task: string, exampleId: string): number {
  return hash32(`${seed}\u0000${task}\u0000${exampleId}`);
}

/**
 * `--limit N`: N examples spread evenly over the categories (round-robin, each category in its own
 * order), returned in the original order, so a quick run of MMLU-Pro or K&K still sees every
 * category rather than only the first one.
 */
export function limitPerCategory<T>(items: readonly T[], limit: number | undefined, category: (x: T) => string): T[] {
  if (limit === undefined || limit >= items.length) return [...items];
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer ≥ 1, got ${limit}`);
  const groups = new Map<string, number[]>();
  items.forEach((x, i) => {
    const c = category(x);
    let g = groups.get(c);
    if (!g) {
      g = [];
      groups.set(c, g);
    }
    g.push(i);
  });
  const chosen: number[] = [];
  const queues = [...groups.values()];
  for (let round = 0; chosen.length < limit; round++)
    for (const q of queues) {
      if (round < q.length && chosen.length < limit) chosen.push(q[round]!);
    }
  return chosen.sort((a, b) => a - b).map((i) => items[i]!);
}

/** Items sorted by a length and cut into chunks of `size` (similar lengths → little padding). */
export function lengthBatches<T>(items: readonly T[], length: (x: T) => number, size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be an integer ≥ 1, got ${size}`);
  const sorted = [...items].sort((a, b) => length(a) - length(b));
  const out: T[][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push(sorted.slice(i, i + size));
  return out;
}
