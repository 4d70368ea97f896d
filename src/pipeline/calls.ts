// The typed settings of each `kindling` command an experiment runs as a stage. The plan builds these
// objects, the runner hands them to the command's stage function (src/cli/stage-calls.ts, in a child
// process), and `commandLine` prints them as the command a person would type to re-run the stage.
// Each interface is the options object the command's action receives once its defaults are filled in.
export interface KkGenerateOptions {
  out: string;
  /** Puzzle sizes as written: 3-7, 5 or 2,4,8 (parseSizes in src/tasks/kk reads them). */
  people: string;
  perSize: number;
  seed: number;
  startIndex: number;
  split: string;
  depth: number;
  width: number;
  allowSelfKnave: boolean;
  dedupOperands: boolean;
  maxRetry: number;
}

export interface DistillOptions {
  teacher: string;
  puzzles: string[];
  out: string;
  samplesPerPuzzle: number;
  limit?: number;
  temperature: number;
  topP: number;
  topK: number | false;
  minP?: number;
  seed?: number;
  maxTokens: number;
  stop?: string[];
  api: 'completions' | 'chat';
  appendAnswerClose: 'stop' | 'always' | 'never';
  apiKeyEnv: string;
  concurrency: number;
  filter: 'none' | 'format' | 'correct';
  requestTimeout: number;
  maxAttempts: number;
  backoff: number;
  backoffMax: number;
  maxConsecutiveFailures: number;
  retryFailed: boolean;
  tokenizer?: string;
  summary?: string;
  slipRate: number;
  wrongRate: number;
  verbosity: 'low' | 'medium' | 'high';
}

/** A trainer's run: its named options, and the TRL-named settings given as `--key value` flags. */
interface TrainerOptions {
  model: string;
  base?: string;
  out: string;
  config?: string;
  resume?: boolean;
  progress: boolean;
  /** `--key value` settings over the config file (TRL names; resolveConfig checks them). */
  settings: Record<string, unknown>;
}

export interface SftOptions extends TrainerOptions {
  data: string;
}

export interface GrpoOptions extends TrainerOptions {
  task: string;
  train?: string;
  limit?: string;
  evalTasks?: string;
  evalLabel?: string;
}

export interface EvalOptions {
  /** `[LABEL=]DIR` entries, each possibly comma-separated (as the repeatable `--model` takes them). */
  model: string[];
  base?: string;
  /** Task selectors, each possibly comma-separated (as the repeatable `--tasks` takes them). */
  tasks: string[];
  out: string;
  trials: number;
  temperature: number;
  topP: number;
  topK: number;
  maxTotalTokens: number;
  maxNewTokens?: number;
  seed: number;
  limit?: number;
  batchSize: number;
  device?: string;
  kkPerSize?: number;
  dataDir?: string;
  quiet?: boolean;
}

export interface FoldersOptions {
  /** The command's positional folders. */
  dirs: string[];
  out: string;
}

export interface ReportOptions extends FoldersOptions {
  title: string;
  maxSamples: number;
  maxChars: number;
  png: boolean;
  markdown: boolean;
  verdicts?: string;
  note?: string[];
  selection?: string[];
}

/** What a caller gives: the required fields, and any others (the rest take the command's defaults). */
type Given<T, K extends keyof T> = Pick<T, K> & Partial<T>;

export type StageCall =
  | { command: 'kk generate'; options: Given<KkGenerateOptions, 'out'> }
  | { command: 'distill'; options: Given<DistillOptions, 'teacher' | 'puzzles' | 'out'> }
  | { command: 'sft'; options: Given<SftOptions, 'model' | 'data' | 'out' | 'settings'> }
  | { command: 'grpo'; options: Given<GrpoOptions, 'model' | 'task' | 'out' | 'settings'> }
  | { command: 'eval'; options: Given<EvalOptions, 'model' | 'tasks' | 'out'> }
  | { command: 'select-model'; options: FoldersOptions }
  | { command: 'pool-evals'; options: FoldersOptions }
  | { command: 'report'; options: Given<ReportOptions, 'dirs' | 'out'> };

export type StageCommand = StageCall['command'];

/** Commands that continue an interrupted run when given `resume` (the trainers); the others resume by themselves. */
export const resumable = (call: StageCall): boolean => call.command === 'sft' || call.command === 'grpo';

const flag = (k: string) => `--${k.replace(/_/g, '-')}`;
/** A settings object as `--key value` flags (what every `kindling` trainer command accepts). */
export const settingsArgs = (s: Record<string, unknown>): string[] =>
  Object.entries(s).flatMap(([k, v]) => [flag(k), typeof v === 'string' ? v : JSON.stringify(v)]);

/** Options that take several values after one flag (`--note a b`); other arrays repeat the flag. */
const VARIADIC = new Set(['note', 'selection']);
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The call as `kindling` arguments, in the order its options were given: positional folders first,
 * `settings` as `--key value` flags, `true` as the bare flag and `false` as `--no-flag`. Parsing the
 * result with the command's own options gives the call back (test/pipeline/stage-calls.test.ts).
 */
export function commandLine(call: StageCall): string[] {
  const argv = call.command.split(' ');
  const options = call.options as Record<string, unknown>;
  if ('dirs' in options) argv.push(...(options.dirs as string[]));
  for (const [key, value] of Object.entries(options)) {
    if (key === 'dirs' || value === undefined) continue;
    if (key === 'settings') argv.push(...settingsArgs(value as Record<string, unknown>));
    else if (value === true) argv.push(`--${kebab(key)}`);
    else if (value === false) argv.push(`--no-${kebab(key)}`);
    else if (Array.isArray(value)) {
      if (VARIADIC.has(key)) argv.push(`--${kebab(key)}`, ...value.map(String));
      else for (const v of value) argv.push(`--${kebab(key)}`, String(v));
    } else argv.push(`--${kebab(key)}`, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return argv;
}
