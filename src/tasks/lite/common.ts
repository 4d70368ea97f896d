// What the three mini-domain tasks share: options and the split/seed/limit handling of load().
import type { LoadOptions } from '../types.js';
import { checkStyle, type PromptStyle } from './prompts.js';
import { LITE_WORLD_SEED } from './world.js';

// validation: items disjoint from both, for choices made before the test evaluation (the warmup
// learning rate, the RLVR preset); drawn after test and train, so those two are as before.
export const LITE_SPLITS = ['train', 'validation', 'test'] as const;
export type LiteSplit = (typeof LITE_SPLITS)[number];

export interface LiteTaskOptions {
  /** 'short' (default) or 'paper' (the paper's exact templates). */
  promptStyle?: PromptStyle;
  /** The world/item seed used when load() is given none (default LITE_WORLD_SEED). */
  seed?: number;
}

export function liteStyle(o: LiteTaskOptions): PromptStyle {
  return checkStyle(o.promptStyle ?? 'short');
}

/** Checks the split and returns the seed; `seed` picks the world (and so every item), not a shuffle. */
export function liteLoad<E>(
  name: string,
  split: string,
  o: LoadOptions,
  defaultSeed: number | undefined,
  rows: (seed: number) => Record<LiteSplit, E[]>,
): E[] {
  if (!(LITE_SPLITS as readonly string[]).includes(split))
    throw new Error(`${name}: unknown split '${split}' (${LITE_SPLITS.join(', ')})`);
  const seed = o.seed ?? defaultSeed ?? LITE_WORLD_SEED;
  if (!Number.isInteger(seed)) throw new Error(`${name}: seed must be an integer, got ${String(seed)}`);
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 0))
    throw new Error(`${name}: limit must be a non-negative integer, got ${String(o.limit)}`);
  const all = rows(seed)[split as LiteSplit];
  return o.limit === undefined ? [...all] : all.slice(0, o.limit);
}
