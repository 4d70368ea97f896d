// mcq-lite as a Task: 10-option questions about the world's facts, graded by the MMLU-Pro task's
// own reward and score (src/tasks/mcq):
//   reward: format gate −2; the paper chain on the <answer> text: the gold letter +2, else −0.5;
//   score:  the chain (paper by default) on the whole completion; no letter → a seeded random
//           guess counts (the official convention), or wrong with `strict`.
import { createMmluProTask, type McqTaskOptions } from '../mcq/task.js';
import { PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Task } from '../types.js';
import { LITE_SPLITS, type LiteTaskOptions, liteLoad, liteStyle } from './common.js';
import { type McqLiteExample, mcqLiteItems } from './mcq-items.js';
import { mcqPrompt } from './prompts.js';

export type McqLiteTaskOptions = LiteTaskOptions & McqTaskOptions;

export function createMcqLiteTask(options: McqLiteTaskOptions = {}): Task<McqLiteExample> {
  const style = liteStyle(options);
  const grader = createMmluProTask({
    ...(options.chain ? { chain: options.chain } : {}),
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
    ...(options.guessSeed !== undefined ? { guessSeed: options.guessSeed } : {}),
  });
  return {
    name: 'mcq-lite',
    splits: LITE_SPLITS,
    evalStop: PAPER_PROMPTS.stops.eval,
    async load(split: string, o: LoadOptions = {}): Promise<McqLiteExample[]> {
      return liteLoad('mcq-lite', split, o, options.seed, mcqLiteItems);
    },
    prompt: (e: McqLiteExample, p: PromptOptions) => mcqPrompt(e, style, p),
    reward: (completion, e) => grader.reward(completion, e),
    score: (completion, e) => grader.score(completion, e),
  };
}

export const mcqLiteTask: Task<McqLiteExample> = createMcqLiteTask();
