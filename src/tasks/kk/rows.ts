// Dataset rows in the Logic-RL files' shape (every column of {3..7}ppl/train.parquet), generated from
// a seed the way the original pipeline did: puzzle i comes from one PCG64 stream per size (seed S),
// its wording from a fresh stream seeded S + i (names drawn without replacement from the 51-name
// list, then one saying template per person).
import { datasetCot } from './dataset-cot.js';
import { formatQuiz, type Surface, solutionText, solutionTextFormat } from './formatter.js';
import { type GeneratorOptions, PuzzleSampler } from './generator.js';
import { NumpyGenerator } from './numpy-random.js';
import type { Statement } from './puzzle.js';
import { statementsToPython } from './statements-codec.js';
import { COMMON_NAMES, DEFAULT_ROLES, type Roles, SAYING_TEMPLATES } from './vocabulary.js';

export interface KkRow {
  quiz: string;
  names: string[];
  knight_knave: Roles;
  solution: boolean[];
  solution_text: string;
  solution_text_format: string;
  cot_head: string;
  cot_repeat_steps: string[];
  cot_foot: string;
  statements: string;
  index: number;
  data_source: string;
  prompt: { content: string; role: string }[];
  ability: string;
  reward_model: { ground_truth: { solution_text_format: string; statements: string }; style: string };
  extra_info: { index: number; split: string };
}

/** Logic-RL's chat-formatted prompt column (Qwen chat template, their system prompt). */
export function logicRlChatPrompt(quiz: string): string {
  return (
    '<|im_start|>system\nYou are a helpful assistant. The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. ' +
    'The reasoning process and answer are enclosed within <think> </think> and<answer> </answer> tags, respectively, i.e., <think> reasoning process here </think><answer> answer here </answer>.  ' +
    'Now the user asks you to solve a logical reasoning problem. After thinking, when you finally reach a conclusion, clearly state the identity of each character within <answer> </answer> tags. ' +
    `i.e., <answer> (1) Zoey is a knight\n(2) ... </answer>.\n<|im_end|>\n<|im_start|>user\n${quiz}\n<|im_end|>\n<|im_start|>assistant\n<think>`
  );
}

export interface SurfaceOptions {
  /** Name pool (default: the dataset's 51 common names). */
  namePool?: readonly string[];
  roles?: Roles;
}

/** The wording of puzzle `seed`: names, then one template per person, from default_rng(seed). */
export function sampleSurface(people: number, seed: number, options: SurfaceOptions = {}): Surface & { roles: Roles } {
  const rng = new NumpyGenerator(seed);
  const names = rng.sample(options.namePool ?? COMMON_NAMES, people);
  const templates = Array.from({ length: people }, () => rng.integers(0, SAYING_TEMPLATES.length));
  return { names, templates, roles: options.roles ?? DEFAULT_ROLES };
}

/** Builds one row from statements, solution and wording. */
export function buildRow(
  statements: readonly Statement[],
  solution: readonly boolean[],
  surface: Surface & { roles: Roles },
  index: number,
  split: { index: number; name: string },
): KkRow {
  const quiz = formatQuiz(statements, surface);
  const stf = solutionTextFormat(surface.names, solution, surface.roles);
  const py = statementsToPython(statements);
  return {
    quiz,
    names: [...surface.names],
    knight_knave: { ...surface.roles },
    solution: [...solution],
    solution_text: solutionText(surface.names, solution, surface.roles),
    solution_text_format: stf,
    ...datasetCot(statements, surface.names, surface.roles),
    statements: py,
    index,
    data_source: 'kk_logic',
    prompt: [{ content: logicRlChatPrompt(quiz), role: 'user' }],
    ability: 'logic',
    reward_model: { ground_truth: { solution_text_format: stf, statements: py }, style: 'rule' },
    extra_info: { index: split.index, split: split.name },
  };
}

export interface GenerateRowsOptions
  extends Omit<GeneratorOptions, 'requireUnique' | 'requireSolution'>,
    SurfaceOptions {
  /** Rows to emit. */
  count: number;
  /** Skip this many puzzles of the stream first (the dataset's train split starts at 100: 0–99 are its test split). */
  startIndex?: number;
  /** Value of extra_info.split. Default 'train'. */
  split?: string;
}

/**
 * Rows `startIndex … startIndex+count-1` of one size's stream. With seed 1234, startIndex 100 and
 * count 900 this is the Logic-RL `{n}ppl/train.parquet` file, row for row.
 */
export function* generateRows(options: GenerateRowsOptions): Generator<KkRow> {
  const seed = options.seed ?? 1234;
  const start = options.startIndex ?? 0;
  const sampler = new PuzzleSampler({ ...options, seed, requireSolution: true, requireUnique: true });
  for (let i = 0; i < start + options.count; i++) {
    const p = sampler.next();
    if (i < start) continue;
    const surface = sampleSurface(options.people, seed + i, options);
    yield buildRow(p.statements, p.solution!, surface, i, { index: i - start, name: options.split ?? 'train' });
  }
}
