// code-lite as a Task: small Python functions, graded by the HumanEval+ task's own reward and score
// (src/tasks/code — its sandbox pool, evalplus semantics and extraction rules):
//   reward: format gate −2; the first ```python block inside <answer> passes base and plus tests +2, else −1;
//   score:  code from <answer> if present else the whole text, the last python block; pass = base ∧ plus.
// The sandbox pool starts on first use; close() releases it (unless a shared pool was passed).
import { type CodeTaskOptions, createHumanEvalPlusTask } from '../code/task.js';
import { PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Task } from '../types.js';
import { type CodeLiteExample, codeLitePool } from './code-items.js';
import { LITE_SPLITS, type LiteTaskOptions, liteLoad, liteStyle } from './common.js';
import { codePrompt } from './prompts.js';

export type CodeLiteTaskOptions = LiteTaskOptions & Omit<CodeTaskOptions, 'file'>;

export interface CodeLiteTask extends Task<CodeLiteExample> {
  close(): Promise<void>;
}

export function createCodeLiteTask(options: CodeLiteTaskOptions = {}): CodeLiteTask {
  const style = liteStyle(options);
  const { promptStyle: _s, seed: _seed, ...codeOptions } = options;
  // Only its reward, score and close are used: they take the problem as an argument.
  const grader = createHumanEvalPlusTask(codeOptions);
  return {
    name: 'code-lite',
    splits: LITE_SPLITS,
    evalStop: PAPER_PROMPTS.stops.eval,
    async load(split: string, o: LoadOptions = {}): Promise<CodeLiteExample[]> {
      return liteLoad('code-lite', split, o, options.seed, codeLitePool);
    },
    prompt: (e: CodeLiteExample, p: PromptOptions) => codePrompt(e.prompt, style, p),
    reward: (completion, e) => grader.reward(completion, e),
    score: (completion, e) => grader.score(completion, e),
    close: () => grader.close(),
  };
}
