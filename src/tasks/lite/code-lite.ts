// code-lite as a Task: small Python functions, graded by the HumanEval+ task's own reward and score
// (src/tasks/code — its sandbox pool, evalplus semantics and extraction rules):
//   reward: format gate −2; the first ```python block inside <answer> passes base and plus tests +2, else −1;
//   score:  code from <answer> if present else the whole text, the last python block; pass = base ∧ plus.
// The sandbox pool starts on first use; close() releases it (unless a shared pool was passed).
//
// Verdicts are memoised per (problem, extracted program): a fresh interpreter costs 0.2–0.5 s per
// check on a 2-core machine, and a small model often writes the same function in many samples
// (trials, GRPO groups) with different reasoning around it. The extraction is the grader's own, so
// a hit returns exactly what the grader would; sandbox failures and timeouts are never memoised.

import { extractEvalCode, extractRewardCode } from '../code/extract.js';
import { type CodeTaskOptions, createHumanEvalPlusTask } from '../code/task.js';
import { checkFormat } from '../format.js';
import { PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Reward, Score, Task } from '../types.js';
import { type CodeLiteExample, codeLitePool } from './code-items.js';
import { LITE_SPLITS, type LiteTaskOptions, liteLoad, liteStyle } from './common.js';
import { codePrompt } from './prompts.js';

export interface CodeLiteTaskOptions extends LiteTaskOptions, Omit<CodeTaskOptions, 'file'> {
  /** Verdicts kept in memory (default 20000; 0 turns the memo off). */
  memoSize?: number;
}

export interface CodeLiteTask extends Task<CodeLiteExample> {
  /** Sandbox checks run and memo hits so far (rewards and scores together). */
  readonly stats: { checks: number; hits: number };
  close(): Promise<void>;
}

const transient = (reason: string) => reason.startsWith('sandbox_error') || reason.includes('timeout');

export function createCodeLiteTask(options: CodeLiteTaskOptions = {}): CodeLiteTask {
  const style = liteStyle(options);
  const { promptStyle: _s, seed: _seed, memoSize = 20_000, ...codeOptions } = options;
  // Only its reward, score and close are used: they take the problem as an argument.
  const grader = createHumanEvalPlusTask(codeOptions);
  const memo = new Map<string, Promise<Reward | Score>>();
  const stats = { checks: 0, hits: 0 };

  function memoised<T extends Reward | Score>(key: string, run: () => Promise<T>): Promise<T> {
    const hit = memo.get(key);
    if (hit) {
      stats.hits++;
      return hit as Promise<T>;
    }
    stats.checks++;
    const p = run();
    if (memoSize > 0) {
      if (memo.size >= memoSize) memo.clear();
      memo.set(key, p);
      p.then(
        (v) => transient(v.reason) && memo.delete(key),
        () => memo.delete(key),
      );
    }
    return p;
  }
  const problemKey = (e: CodeLiteExample) =>
    `${e.id}\u0000${e.base_input_json}\u0000${e.plus_input_json}\u0000${e.canonical_solution}`;

  return {
    name: 'code-lite',
    splits: LITE_SPLITS,
    evalStop: PAPER_PROMPTS.stops.eval,
    stats,
    async load(split: string, o: LoadOptions = {}): Promise<CodeLiteExample[]> {
      return liteLoad('code-lite', split, o, options.seed, codeLitePool);
    },
    prompt: (e: CodeLiteExample, p: PromptOptions) => codePrompt(e.prompt, style, p),
    reward(completion, e) {
      const f = checkFormat(completion);
      if (!f.ok) return grader.reward(completion, e); // the format penalty; no sandbox
      return memoised(`reward\u0000${problemKey(e)}\u0000${extractRewardCode(f.answer)}`, async () =>
        grader.reward(completion, e),
      );
    },
    score(completion, e) {
      return memoised(`score\u0000${problemKey(e)}\u0000${extractEvalCode(completion)}`, async () =>
        grader.score(completion, e),
      );
    },
    close: () => grader.close(),
  };
}
