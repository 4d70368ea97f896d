// HumanEval+, MBPP+ (and plain HumanEval) as tasks of the common interface: the paper's prompts, its
// rewards (format gate −2; code passes +2; otherwise −1) and its evaluation (code from the
// completion, pass = base ∧ plus). Programs run in a sandbox pool the task creates on first use;
// close() releases it.

import { SandboxPool, type SandboxPoolOptions } from '../../sandbox/index.js';
import { checkFormat, FORMAT_PENALTY } from '../format.js';
import { fillTemplate, PAPER_PROMPTS } from '../prompts.js';
import type { LoadOptions, PromptOptions, Reward, Score, Task } from '../types.js';
import {
  defaultHumanEvalPath,
  defaultHumanEvalPlusPath,
  defaultMbppPlusPath,
  loadHumanEval,
  loadHumanEvalPlus,
  loadMbppPlus,
} from './dataset.js';
import { type CheckOptions, type CodeVerdict, checkProgram } from './evaluate.js';
import { extractEvalCode, extractRewardCode } from './extract.js';
import type { CodeProblem } from './problem.js';
import { PAPER_SPLIT_SEED, PAPER_TRAIN_SIZE, trainTestSplit } from './split.js';

export const CODE_REWARD = { correct: 2, wrong: -1 } as const;

export interface CodeTaskOptions {
  /** A pool to share (the task then does not close it); otherwise one is made with `sandbox`. */
  pool?: SandboxPool;
  sandbox?: SandboxPoolOptions;
  /** Time limits, strict output types, ground-truth cache (see CheckOptions). */
  check?: CheckOptions;
  /** The data file (default: the shared data folder's copy). */
  file?: string;
}

export interface CodeTask extends Task<CodeProblem> {
  /** Judges a full program directly (no extraction). */
  check(program: string, problem: CodeProblem, options?: CheckOptions): Promise<CodeVerdict>;
  close(): Promise<void>;
}

function makeCodeTask(
  name: string,
  load: (file?: string) => CodeProblem[],
  defaultFile: () => string,
  o: CodeTaskOptions,
): CodeTask {
  let pool: SandboxPool | null = o.pool ?? null;
  const owned = !o.pool;
  const getPool = () => {
    pool ??= new SandboxPool(o.sandbox);
    return pool;
  };
  const check = (program: string, problem: CodeProblem, extra?: CheckOptions) =>
    checkProgram(getPool(), problem, program, { ...o.check, ...extra });

  return {
    name,
    splits: ['train', 'test', 'all'],
    evalStop: PAPER_PROMPTS.stops.eval,

    /**
     * 'all': every task in file order. 'train' / 'test': the paper's split — datasets'
     * train_test_split(train_size=50, shuffle=True, seed) with seed 42 by default (see split.ts).
     * `limit` keeps the first rows of the chosen split.
     */
    async load(split: string, options: LoadOptions = {}): Promise<CodeProblem[]> {
      const file = options.dataDir ? defaultFileIn(name, options.dataDir) : (o.file ?? defaultFile());
      const all = load(file);
      let rows: CodeProblem[];
      if (split === 'all') rows = all;
      else if (split === 'train' || split === 'test') {
        const seed = options.seed ?? PAPER_SPLIT_SEED;
        const trainSize = typeof options.trainSize === 'number' ? options.trainSize : PAPER_TRAIN_SIZE;
        const idx = trainTestSplit(all.length, trainSize, seed)[split];
        rows = idx.map((i) => all[i]!);
      } else throw new Error(`${name}: unknown split '${split}' (expected train, test or all)`);
      return options.limit === undefined ? rows : rows.slice(0, options.limit);
    },

    prompt(example: CodeProblem, options: PromptOptions): string {
      return fillTemplate(PAPER_PROMPTS.code[options.mode], { prompt: example.prompt });
    },

    async reward(completion: string, example: CodeProblem): Promise<Reward> {
      const fmt = checkFormat(completion);
      if (!fmt.ok) return { score: FORMAT_PENALTY, reason: fmt.reason };
      const program = extractRewardCode(fmt.answer);
      try {
        const v = await check(program, example, { stopAfterBaseFailure: true });
        if (v.reference_error) return { score: CODE_REWARD.wrong, reason: `reference_error: ${v.reference_error}` };
        return v.passed
          ? { score: CODE_REWARD.correct, reason: 'correct' }
          : { score: CODE_REWARD.wrong, reason: `wrong_${v.status}` };
      } catch (e) {
        // Never throw on model output; a sandbox failure is reported, not hidden.
        return { score: CODE_REWARD.wrong, reason: `sandbox_error: ${e instanceof Error ? e.message : String(e)}` };
      }
    },

    async score(completion: string, example: CodeProblem): Promise<Score> {
      const program = extractEvalCode(completion);
      try {
        const v = await check(program, example);
        const reason = v.passed
          ? 'correct'
          : v.reference_error
            ? `reference_error: ${v.reference_error}`
            : `${v.status}: ${v.detail}`;
        return { correct: v.passed, extracted: program, reason };
      } catch (e) {
        return {
          correct: false,
          extracted: program,
          reason: `sandbox_error: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    },

    check,

    async close(): Promise<void> {
      if (pool && owned) await pool.close();
      pool = null;
    },
  };
}

function defaultFileIn(name: string, dataDir: string): string {
  if (name === 'mbppplus') return defaultMbppPlusPath(dataDir);
  return name === 'humaneval' ? defaultHumanEvalPath(dataDir) : defaultHumanEvalPlusPath(dataDir);
}

/** HumanEval+ with evalplus semantics (the paper's code domain). */
export function createHumanEvalPlusTask(options: CodeTaskOptions = {}): CodeTask {
  return makeCodeTask('humanevalplus', loadHumanEvalPlus, defaultHumanEvalPlusPath, options);
}

/** MBPP+ with evalplus semantics (its per-task input decoding and MBPP oracles); `file` = MbppPlus.jsonl[.gz]. */
export function createMbppPlusTask(options: CodeTaskOptions = {}): CodeTask {
  return makeCodeTask('mbppplus', loadMbppPlus, defaultMbppPlusPath, options);
}

/** The original HumanEval, judged by its own test program. */
export function createHumanEvalTask(options: CodeTaskOptions = {}): CodeTask {
  return makeCodeTask('humaneval', loadHumanEval, defaultHumanEvalPath, options);
}

/** The default HumanEval+ task (its sandbox pool starts on first use; call close() when done). */
export const humanEvalPlusTask: CodeTask = createHumanEvalPlusTask();
