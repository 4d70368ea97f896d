// The MATH domain as a Task: MATH-500 for evaluation, the paper's prompts, rewards and rules.
//   reward (training): format gate (−2), then the last \boxed{} inside <answer>: none → −1,
//     equivalent to the gold answer → +2, else −0.5.
//   score (evaluation): the whole completion is searched for an answer (math-verify's extraction;
//     no format required) and compared with the gold answer.

import { readFile } from 'node:fs/promises';
import { checkFormat, FORMAT_PENALTY } from '../format.js';
import { fillTemplate, PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Reward, Score, Task } from '../types.js';
import { lastBoxed } from './boxed.js';
import { loadMath500, type MathExample, parseMathJsonl } from './data.js';
import { checkVerifyOptions, type VerifyOptions, verifyMath } from './verify.js';

export const MATH_REWARDS = { correct: 2, wrong: -0.5, noBoxed: -1, format: FORMAT_PENALTY } as const;

export interface MathLoadOptions extends LoadOptions {
  /** A MATH-format JSONL file ({problem, answer, …} per line) to load instead of MATH-500. */
  file?: string;
}

/**
 * The verifier's knobs (VerifyOptions: timeoutMs, floatRounding, strict, allowSetRelationComp,
 * extraction), defaulting to math-verify's defaults, which the paper used. `extraction` applies to
 * score() only: reward() always grades the last \\boxed{} inside <answer>.
 */
export type MathTaskOptions = VerifyOptions;

export function createMathTask(options: MathTaskOptions = {}): Task<MathExample> {
  checkVerifyOptions(options);
  const { extraction, ...compare } = options;
  const scoring: VerifyOptions = { ...compare, ...(extraction ? { extraction } : {}) };
  return {
    name: 'math',
    splits: ['test'],
    evalStop: PAPER_PROMPTS.stops.eval,
    async load(split: string, o: MathLoadOptions = {}): Promise<MathExample[]> {
      if (o.file) {
        const rows = parseMathJsonl(await readFile(o.file, 'utf8'), o.file);
        return o.limit !== undefined ? rows.slice(0, o.limit) : rows;
      }
      if (split !== 'test')
        throw new Error(`math: unknown split '${split}' (MATH-500 has only 'test'; pass file for your own rows)`);
      return loadMath500(o);
    },
    prompt(example: MathExample, p: PromptOptions): string {
      return fillTemplate(PAPER_PROMPTS.math[p.mode], { prompt: example.problem });
    },
    reward(completion: string, example: MathExample): Reward {
      const f = checkFormat(completion);
      if (!f.ok) return { score: MATH_REWARDS.format, reason: f.reason };
      const boxed = lastBoxed(f.answer);
      if (boxed === null) return { score: MATH_REWARDS.noBoxed, reason: 'no_boxed' };
      const v = verifyMath(example.answer, `\\boxed{${boxed}}`, compare);
      return v.equivalent
        ? { score: MATH_REWARDS.correct, reason: 'correct' }
        : { score: MATH_REWARDS.wrong, reason: v.reason === 'timeout' ? 'wrong_timeout' : 'wrong' };
    },
    score(completion: string, example: MathExample): Score {
      const v = verifyMath(example.answer, completion, scoring);
      return { correct: v.equivalent, extracted: v.predExtracted, reason: v.reason };
    },
  };
}

export const mathTask: Task<MathExample> = createMathTask();
