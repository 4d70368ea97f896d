// The task interface: one object per domain (kk, math, code, mcq, and the demo's mini domains).
// Trainers (SFT, GRPO) and the evaluation harness know only this interface; a user adds a domain
// by writing one object that implements it.

/** One dataset row. `id` is stable across runs (used for caching, resume and splits). */
export interface Example {
  id: string;
  [field: string]: unknown;
}

/** A training reward with the reason it was given (reason codes are short snake_case strings). */
export interface Reward {
  score: number;
  reason: string;
}

/** An evaluation judgement (the paper's evaluation rules, which can differ from the reward's). */
export interface Score {
  correct: boolean;
  /** What was extracted from the completion and compared (answer text, letter, code), or null. */
  extracted: string | null;
  reason: string;
}

export interface LoadOptions {
  /** Directory holding the data (default: the repo's ../shared/data or the task's own default). */
  dataDir?: string;
  /** Keep at most this many rows (after any seeded shuffle the split defines). */
  limit?: number;
  /** Seed for splits/shuffles that the task defines (documented per task). */
  seed?: number;
  /** Task-specific selectors, e.g. MMLU-Pro categories or K&K sizes. */
  [option: string]: unknown;
}

export interface PromptOptions {
  /** The paper uses slightly different templates for training and for evaluation. */
  mode: 'train' | 'eval';
}

export interface Task<E extends Example = Example> {
  /** Short name used on the command line (`--task math`). */
  readonly name: string;
  /** Splits this task can load, e.g. ['train', 'test']. */
  readonly splits: readonly string[];
  load(split: string, options?: LoadOptions): Promise<E[]>;
  /** The full prompt string given to a base model (the paper's templates, no chat template). */
  prompt(example: E, options: PromptOptions): string;
  /** Training reward (the paper's values, format gate included). Never throws on model output. */
  reward(completion: string, example: E): Reward | Promise<Reward>;
  /** Evaluation judgement (the paper's evaluation protocol). Never throws on model output. */
  score(completion: string, example: E): Score | Promise<Score>;
  /** Stop strings for evaluation sampling (default: the paper's eval stops). */
  readonly evalStop?: readonly string[];
  /** Release pooled resources (sandbox workers, ...). */
  close?(): Promise<void>;
}
