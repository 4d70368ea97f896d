// MMLU-Pro as a Task.
//   splits: 'train' / 'test' — the per-category split (split.ts) of the chosen categories;
//           'all' — every row (the warmup-only evaluation uses the whole benchmark).
//   reward (training): format gate (−2), then the paper chain on the <answer> text: the gold
//           letter → +2, anything else → −0.5.
//   score (evaluation): the chain (default 'paper') on the whole completion; no letter → a seeded
//           random guess among the options counts (the official convention), or wrong in strict mode.
import { checkFormat, FORMAT_PENALTY } from '../format.js';
import { fillTemplate, formatOptions, PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Reward, Score, Task } from '../types.js';
import { checkMmluProCategories } from './categories.js';
import { type McqExample, mmluProFile, readMmluPro } from './data.js';
import { type Chain, extractLetter } from './extract.js';
import { randomGuess } from './random.js';
import { splitByCategory } from './split.js';

export const MCQ_REWARDS = { correct: 2, wrong: -0.5, format: FORMAT_PENALTY } as const;

export interface McqLoadOptions extends LoadOptions {
  /** Categories to keep (default: all 14). */
  categories?: readonly string[];
  /** Train rows per category for the train/test split (default 100). */
  trainPerCategory?: number;
  /** The parquet file to read (default: the shared MMLU-Pro test file). */
  file?: string;
}

export interface McqTaskOptions {
  /** Extraction chain for evaluation (default 'paper'; rewards always use the paper chain). */
  chain?: Chain;
  /** Unparsed responses count as wrong instead of a random guess. */
  strict?: boolean;
  /** Seed of the random-guess fallback (default 0). */
  guessSeed?: number;
}

export function createMmluProTask(options: McqTaskOptions = {}): Task<McqExample> {
  const chain = options.chain ?? 'paper';
  const guessSeed = options.guessSeed ?? 0;
  return {
    name: 'mmlu-pro',
    splits: ['train', 'test', 'all'],
    evalStop: PAPER_PROMPTS.stops.eval,
    async load(split: string, o: McqLoadOptions = {}): Promise<McqExample[]> {
      if (!['train', 'test', 'all'].includes(split))
        throw new Error(`mmlu-pro: unknown split '${split}' (train, test or all)`);
      let rows = await readMmluPro(o.file ?? mmluProFile(o.dataDir));
      if (o.categories) {
        checkMmluProCategories(o.categories);
        const keep = new Set(o.categories);
        rows = rows.filter((r) => keep.has(r.category));
      }
      if (split !== 'all')
        rows = splitByCategory(rows, { trainPerCategory: o.trainPerCategory, seed: o.seed })[split as 'train' | 'test'];
      return o.limit !== undefined ? rows.slice(0, o.limit) : rows;
    },
    prompt(example: McqExample, p: PromptOptions): string {
      return fillTemplate(PAPER_PROMPTS.mmluPro[p.mode], {
        category: example.category,
        question: example.question,
        options: formatOptions(example.options),
      });
    },
    reward(completion: string, example: McqExample): Reward {
      const f = checkFormat(completion);
      if (!f.ok) return { score: MCQ_REWARDS.format, reason: f.reason };
      const { letter } = extractLetter(f.answer.trim(), 'paper');
      return letter === example.answer
        ? { score: MCQ_REWARDS.correct, reason: 'correct' }
        : { score: MCQ_REWARDS.wrong, reason: letter ? 'wrong' : 'no_letter' };
    },
    score(completion: string, example: McqExample): Score {
      const { letter, rule } = extractLetter(completion, chain);
      if (letter) return { correct: letter === example.answer, extracted: letter, reason: rule };
      if (options.strict) return { correct: false, extracted: null, reason: 'none_strict' };
      const guess = randomGuess(example.options.length, guessSeed, `${example.id}\u0000${completion}`);
      return { correct: guess === example.answerIndex, extracted: null, reason: 'random_guess' };
    },
  };
}

export const mmluProTask: Task<McqExample> = createMmluProTask();
