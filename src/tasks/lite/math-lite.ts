// math-lite as a Task: the paper's math reward and evaluation, delegated to the MATH task's own
// implementation (src/tasks/math) so the two domains grade identically:
//   reward: format gate −2; inside <answer>: no \boxed{} −1, equivalent to the gold +2, else −0.5;
//   score:  the whole completion parsed and compared (math-verify semantics), no format needed.
import { createMathTask, type MathTaskOptions } from '../math/task.js';
import { PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Task } from '../types.js';
import { LITE_SPLITS, type LiteTaskOptions, liteLoad, liteStyle } from './common.js';
import { type MathLiteExample, mathLiteItems } from './math-items.js';
import { mathPrompt } from './prompts.js';

export type MathLiteTaskOptions = LiteTaskOptions & MathTaskOptions;

export function createMathLiteTask(options: MathLiteTaskOptions = {}): Task<MathLiteExample> {
  const style = liteStyle(options);
  const { timeoutMs, floatRounding, strict, allowSetRelationComp, extraction } = options;
  const knobs = { timeoutMs, floatRounding, strict, allowSetRelationComp, extraction };
  const grader = createMathTask(
    Object.fromEntries(Object.entries(knobs).filter(([, v]) => v !== undefined)) as MathTaskOptions,
  );
  return {
    name: 'math-lite',
    splits: LITE_SPLITS,
    evalStop: PAPER_PROMPTS.stops.eval,
    async load(split: string, o: LoadOptions = {}): Promise<MathLiteExample[]> {
      return liteLoad('math-lite', split, o, options.seed, mathLiteItems);
    },
    prompt: (e: MathLiteExample, p: PromptOptions) => mathPrompt(e.problem, style, p),
    reward: (completion, e) => grader.reward(completion, e),
    score: (completion, e) => grader.score(completion, e),
  };
}

export const mathLiteTask: Task<MathLiteExample> = createMathLiteTask();
