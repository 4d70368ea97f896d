// The K&K task object: the paper's prompt (the same template for training, the teacher and
// evaluation), its reward (format gate + answer map, see rewards.ts) and an evaluation score that
// reads the last <answer> block without the format gate.
import { fillTemplate, PAPER_PROMPTS } from '../prompts.js';
import type { PromptOptions, Reward, Score, Task } from '../types.js';
import { type KkExample, type KkLoadOptions, loadKk } from './dataset.js';
import { paperReward, scoreAnswer } from './rewards.js';

/** The paper's K&K prompt for a quiz (ends with "Assistant: <think>\n    "). */
export function kkPrompt(quiz: string): string {
  return fillTemplate(PAPER_PROMPTS.kk.trainAndTeacher, { prompt: quiz });
}

export const kkTask: Task<KkExample> = {
  name: 'kk',
  splits: ['train', 'test'],
  load: (split: string, options?: KkLoadOptions) => loadKk(split, options),
  prompt: (example: KkExample, _options: PromptOptions) => kkPrompt(example.quiz),
  reward: (completion: string, example: KkExample): Reward => {
    try {
      return paperReward(completion, example.solution_text_format);
    } catch {
      return { score: -2, reason: 'reward_error' };
    }
  },
  score: (completion: string, example: KkExample): Score => {
    try {
      return scoreAnswer(completion, example.solution_text_format);
    } catch {
      return { correct: false, extracted: null, reason: 'score_error' };
    }
  },
  evalStop: PAPER_PROMPTS.stops.eval,
};
