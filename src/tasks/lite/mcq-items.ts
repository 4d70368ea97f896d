// mcq-lite items: one 10-option question per fact of the world. The facts are shuffled once with
// the world seed and cut into test (first 300), train (next 100) and practice (the rest): train and
// test are disjoint by construction (different facts), and the pretraining corpus asks its
// multiple-choice questions about practice facts only, so no test question text is ever in it.
import type { McqExample } from '../mcq/data.js';
import { question } from './fact-text.js';
import { type Rand, rngFor, sampleDistinct, shuffled } from './rng.js';
import { CATEGORY_OF, type Fact, getWorld, LITE_WORLD_SEED, type World } from './world.js';

export const MCQ_LITE_SIZES = { test: 300, train: 100, validation: 50 } as const;
export const LETTERS = 'ABCDEFGHIJ';

export interface McqLiteExample extends McqExample {
  /** The fact asked about. */
  fact: string;
  attribute: string;
  subject: string;
}

export interface FactSplit {
  test: Fact[];
  train: Fact[];
  validation: Fact[];
  practice: Fact[];
}

export function splitFacts(world: World): FactSplit {
  const { test, train, validation } = MCQ_LITE_SIZES;
  const need = test + train + validation;
  if (world.facts.length < need + 20)
    throw new Error(
      `the world has ${world.facts.length} facts; mcq-lite needs at least ${need + 20} (test, train, validation and some for the corpus)`,
    );
  const order = shuffled(world.facts, rngFor(world.seed, 'mcq-split'));
  return {
    test: order.slice(0, test),
    train: order.slice(test, test + train),
    validation: order.slice(test + train, need),
    practice: order.slice(need),
  };
}

/** A 10-option question about `fact`: the true value and 9 other values of the same attribute. */
export function mcqFor(
  world: World,
  fact: Fact,
  r: Rand,
): { question: string; options: string[]; answerIndex: number } {
  const pool = world.domains[fact.attribute].filter((v) => v !== fact.value);
  const options = shuffled([fact.value, ...sampleDistinct(r, [...new Set(pool)], 9)], r);
  return { question: question(fact), options, answerIndex: options.indexOf(fact.value) };
}

function toExample(world: World, fact: Fact): McqLiteExample {
  // Options depend only on (world seed, fact): stable when the split sizes or other facts change.
  const q = mcqFor(world, fact, rngFor(world.seed, `mcq-options\u0000${fact.id}`));
  return {
    id: `mcq-lite/${fact.id}`,
    question: q.question,
    options: q.options,
    answer: LETTERS[q.answerIndex]!,
    answerIndex: q.answerIndex,
    category: CATEGORY_OF[fact.kind],
    fact: fact.id,
    attribute: fact.attribute,
    subject: fact.subject,
  };
}

type McqLiteItems = Record<'train' | 'validation' | 'test', McqLiteExample[]>;
const cache = new Map<number, McqLiteItems>();

export function mcqLiteItems(seed: number = LITE_WORLD_SEED): McqLiteItems {
  let hit = cache.get(seed);
  if (!hit) {
    const world = getWorld(seed);
    const split = splitFacts(world);
    const of = (fs: Fact[]) => fs.map((f) => toExample(world, f));
    hit = { train: of(split.train), validation: of(split.validation), test: of(split.test) };
    cache.set(seed, hit);
  }
  return hit;
}
