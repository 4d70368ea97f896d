// One evaluated sample = one cell (model, task, example, trial): a line of samples.jsonl.
// Field names are snake_case, like the JSONL files users already read with pandas.

export type FinishReason = 'stop' | 'eos' | 'length';

export interface SampleRecord {
  /** The model's label (see `kindling eval --model LABEL=DIR`). */
  model: string;
  /** The task's registry name (not the selector: `mmlu-pro:physics` and `mmlu-pro` share cells). */
  task: string;
  example_id: string;
  trial: number;
  /** The example's category within the task (MMLU-Pro category, K&K size, MATH subject, or 'all'). */
  category: string;
  prompt: string;
  completion: string;
  /** What the task's scorer extracted and compared (answer, letter, code), or null. */
  extracted: string | null;
  /** The reference answer when the task has a short one (for the sample browser), else null. */
  gold: string | null;
  correct: boolean;
  /** The training reward of this completion (format gate included). */
  reward: number;
  reward_reason: string;
  score_reason: string;
  prompt_tokens: number;
  completion_tokens: number;
  finish_reason: FinishReason;
  /** The stop string that ended the sample, if any. */
  stop: string | null;
  /** The sampling seed of this cell. */
  seed: number;
}

const KEY_SEP = '\u0000';

/** The cache key of a cell. */
export function cellKey(model: string, task: string, exampleId: string, trial: number): string {
  return [model, task, exampleId, String(trial)].join(KEY_SEP);
}

export const recordKey = (r: SampleRecord): string => cellKey(r.model, r.task, r.example_id, r.trial);

const STRING_FIELDS = [
  'model',
  'task',
  'example_id',
  'category',
  'prompt',
  'completion',
  'reward_reason',
  'score_reason',
] as const;
const INT_FIELDS = ['trial', 'prompt_tokens', 'completion_tokens', 'seed'] as const;
const FINISH = new Set(['stop', 'eos', 'length']);

/** Checks one parsed JSONL line; throws naming `where` (file:line) and the field. */
export function validateRecord(v: unknown, where: string): SampleRecord {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: expected a JSON object`);
  const r = v as Record<string, unknown>;
  const fail = (field: string, want: string) => {
    throw new Error(
      `${where}: field '${field}' must be ${want}, got ${r[field] === undefined ? 'nothing' : JSON.stringify(r[field])}`,
    );
  };
  for (const f of STRING_FIELDS) if (typeof r[f] !== 'string') fail(f, 'a string');
  for (const f of INT_FIELDS) if (!Number.isInteger(r[f]) || (r[f] as number) < 0) fail(f, 'a non-negative integer');
  if (typeof r.correct !== 'boolean') fail('correct', 'true or false');
  if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) fail('reward', 'a number');
  if (!FINISH.has(r.finish_reason as string)) fail('finish_reason', "'stop', 'eos' or 'length'");
  for (const f of ['extracted', 'gold', 'stop'] as const)
    if (r[f] !== null && typeof r[f] !== 'string') fail(f, 'a string or null');
  return r as unknown as SampleRecord;
}
