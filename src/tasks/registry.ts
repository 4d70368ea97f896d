// Task registry: the names `kindling eval --tasks` accepts and what each means for evaluation.
// A selector is `name` or `name:args`:
//   math500                          MATH-500 (500 problems; category = subject)
//   humanevalplus                    HumanEval+ — the 114 tasks outside the 50-task RLVR train split
//   mbppplus[:FILE]                  MBPP+ — every task of the user's MbppPlus.jsonl[.gz] (none ships)
//   mmlu-pro[:physics,history]       MMLU-Pro, each category's test part (the rows outside its
//                                    100-row train part); overall = macro average over categories
//   kk[:3-7]                         fresh K&K puzzles, 100 per size, disjoint from training (kk-heldout.ts)
// A user domain is one registerTask() call; the harness only sees TaskEntry and the Task interface.
import type { CodeProblem } from './code/problem.js';
import { createHumanEvalPlusTask, createMbppPlusTask } from './code/task.js';
import type { KkExample } from './kk/dataset.js';
import { kkTask } from './kk/task.js';
import { kkHeldOutSet } from './kk-heldout.js';
import { registerLiteTasks } from './lite/register.js';
import type { MathExample } from './math/data.js';
import { mathTask } from './math/task.js';
import { type McqExample, MMLU_PRO_CATEGORIES } from './mcq/data.js';
import { mmluProTask } from './mcq/task.js';
import type { Example, Task } from './types.js';

/** A task as evaluation sees it: the Task plus which rows to evaluate and how to group them. */
export interface TaskEntry<E extends Example = Example> {
  /** Canonical selector, e.g. `mmlu-pro:history,physics`. */
  selector: string;
  /** Registry name (the cache key's task part: selectors of one name share cells). */
  name: string;
  /** Training domain this benchmark measures (`math`, `code`, `mmlu-pro`, `kk`): matches `+rlvr:<domain>` labels. */
  domain: string;
  task: Task<E>;
  /** The headline number: plain accuracy over examples, or the macro average over categories. */
  overall: 'micro' | 'macro';
  /** The evaluation rows, in a fixed order. */
  load(): Promise<E[]>;
  category(example: E): string;
  /** A short reference answer for the sample browser, or null. */
  gold(example: E): string | null;
  /** Release pooled resources (sandbox workers). */
  close?(): Promise<void>;
}

export interface RegistryOptions {
  /** Data folder (default: sharedDataDir()). */
  dataDir?: string;
  /** K&K held-out puzzles per size (default 100). */
  kkPerSize?: number;
  /** K&K held-out seed (default KK_HELDOUT_SEED). */
  kkSeed?: number;
  /** Non-fatal notes (missing files to check against, …). */
  warn?: (message: string) => void;
}

export interface TaskDefinition {
  /** One line for `--help` and errors. */
  describe: string;
  aliases?: readonly string[];
  create(args: string | undefined, options: RegistryOptions): TaskEntry | Promise<TaskEntry>;
}

const registry = new Map<string, TaskDefinition>();
const aliases = new Map<string, string>();

export function registerTask(name: string, def: TaskDefinition): void {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(name))
    throw new Error(`task name '${name}' must be lower-case letters, digits, '-', '_', '.'`);
  registry.set(name, def);
  for (const a of def.aliases ?? []) aliases.set(a, name);
}

export function unregisterTask(name: string): void {
  const def = registry.get(name);
  registry.delete(name);
  for (const a of def?.aliases ?? []) aliases.delete(a);
}

/** Registered names with their descriptions (for --help). */
export function listTasks(): { name: string; describe: string; aliases: readonly string[] }[] {
  return [...registry].map(([name, d]) => ({ name, describe: d.describe, aliases: d.aliases ?? [] }));
}

/** Splits a comma-separated --tasks value into selectors; commas inside `name:a,b` stay with the name. */
export function splitSelectors(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',').map((s) => s.trim())) {
    if (!part) continue;
    // A new selector starts at `name:…` or at a registered name (not an alias: `math` is also an
    // MMLU-Pro category, so `mmlu-pro:physics,math` keeps both categories).
    const head = part.split(':')[0]!;
    const starts = part.includes(':') || registry.has(head);
    if (starts || out.length === 0 || !out[out.length - 1]!.includes(':')) out.push(part);
    else out[out.length - 1] += `,${part}`;
  }
  return out;
}

export async function resolveTask(selector: string, options: RegistryOptions = {}): Promise<TaskEntry> {
  const m = /^([^:]+)(?::(.*))?$/.exec(selector.trim());
  if (!m) throw new Error(`task selector '${selector}' is empty`);
  const raw = m[1]!;
  const name = registry.has(raw) ? raw : aliases.get(raw);
  if (!name) throw new Error(`unknown task '${raw}' (known: ${[...registry.keys()].join(', ')})`);
  return registry.get(name)!.create(m[2]?.trim() || undefined, options);
}

// ---- built-in tasks

/** "3-7", "5", "3,5,7" → sizes. */
export function parseSizes(args: string, where: string): number[] {
  const out = new Set<number>();
  for (const part of args.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`${where}: sizes look like 3-7, 5 or 3,5,7; got '${part}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 2 || hi < lo) throw new Error(`${where}: sizes must be ≥ 2 and ranges ascending; got '${part}'`);
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

const asEntry = <E extends Example>(e: TaskEntry<E>): TaskEntry => e as unknown as TaskEntry;

registerTask('math500', {
  describe: 'MATH-500 (whole output parsed, math-verify semantics); categories = subjects',
  aliases: ['math'],
  create(args, o) {
    if (args) throw new Error(`math500 takes no arguments, got '${args}'`);
    return asEntry<MathExample>({
      selector: 'math500',
      name: 'math500',
      domain: 'math',
      task: mathTask,
      overall: 'micro',
      load: () => mathTask.load('test', o.dataDir ? { dataDir: o.dataDir } : {}),
      category: (e) => (typeof e.subject === 'string' ? e.subject : 'all'),
      gold: (e) => e.answer,
    });
  },
});

registerTask('mmlu-pro', {
  describe: `MMLU-Pro test parts (rows outside each category's 100-row train part); mmlu-pro:physics,history picks categories`,
  aliases: ['mmlu_pro', 'mmlupro'],
  create(args, o) {
    let categories: string[] | undefined;
    if (args) {
      // `computer_science` stands for 'computer science' (no spaces needed on a command line)
      categories = [
        ...new Set(
          args
            .split(',')
            .map((s) => s.trim().toLowerCase().replace(/_/g, ' '))
            .filter(Boolean),
        ),
      ].sort();
      const unknown = categories.filter((c) => !(MMLU_PRO_CATEGORIES as readonly string[]).includes(c));
      if (unknown.length)
        throw new Error(
          `mmlu-pro: unknown categories ${unknown.join(', ')} (known: ${MMLU_PRO_CATEGORIES.join(', ')})`,
        );
    }
    return asEntry<McqExample>({
      selector: categories ? `mmlu-pro:${categories.map((c) => c.replace(/ /g, '_')).join(',')}` : 'mmlu-pro',
      name: 'mmlu-pro',
      domain: 'mmlu-pro',
      task: mmluProTask,
      overall: 'macro',
      load: () =>
        mmluProTask.load('test', {
          ...(o.dataDir ? { dataDir: o.dataDir } : {}),
          ...(categories ? { categories } : {}),
        }),
      category: (e) => e.category,
      gold: (e) => e.answer,
    });
  },
});

registerTask('kk', {
  describe:
    'Knights & Knaves: fresh puzzles (100 per size, default 3-7), disjoint from the training files; kk:3-7 picks sizes',
  aliases: ['knights-knaves'],
  create(args, o) {
    const sizes = args ? parseSizes(args, 'kk') : [3, 4, 5, 6, 7];
    return asEntry<KkExample>({
      selector: `kk:${sizes.join(',')}`.replace(/^kk:3,4,5,6,7$/, 'kk:3-7'),
      name: 'kk',
      domain: 'kk',
      task: kkTask,
      overall: 'micro',
      load: async () =>
        (
          await kkHeldOutSet({
            sizes,
            ...(o.kkPerSize !== undefined ? { perSize: o.kkPerSize } : {}),
            ...(o.kkSeed !== undefined ? { seed: o.kkSeed } : {}),
            ...(o.dataDir ? { dataDir: o.dataDir } : {}),
            ...(o.warn ? { warn: o.warn } : {}),
          })
        ).examples,
      category: (e) => `${e.people}ppl`,
      gold: (e) => e.solution_text_format,
    });
  },
});

registerTask('humanevalplus', {
  describe:
    'HumanEval+ (base ∧ plus tests in the Pyodide sandbox), the 114 tasks left after the 50-task RLVR train split',
  aliases: ['humaneval+', 'code'],
  create(args, o) {
    if (args) throw new Error(`humanevalplus takes no arguments, got '${args}'`);
    const task = createHumanEvalPlusTask(); // its own sandbox pool, released by close()
    return asEntry<CodeProblem>({
      selector: 'humanevalplus',
      name: 'humanevalplus',
      domain: 'code',
      task,
      overall: 'micro',
      load: () => task.load('test', o.dataDir ? { dataDir: o.dataDir } : {}),
      category: () => 'all',
      gold: () => null,
      close: () => task.close(),
    });
  },
});

registerTask('mbppplus', {
  describe:
    "MBPP+ (evalplus's MbppPlus.jsonl[.gz], all tasks; base ∧ plus tests in the sandbox): mbppplus:FILE, $KINDLING_MBPPPLUS or <data>/mbppplus/",
  aliases: ['mbpp+', 'mbpp'],
  create(args, o) {
    // No copy ships: the file is the selector's argument, $KINDLING_MBPPPLUS, or under --data-dir.
    const task = createMbppPlusTask(args ? { file: args } : {});
    return asEntry<CodeProblem>({
      selector: args ? `mbppplus:${args}` : 'mbppplus',
      name: 'mbppplus',
      domain: 'code',
      task,
      overall: 'micro',
      load: () => task.load('all', !args && o.dataDir ? { dataDir: o.dataDir } : {}),
      category: () => 'all',
      gold: () => null,
      close: () => task.close(),
    });
  },
});

// The demo's mini domains (math-lite, code-lite, mcq-lite): src/tasks/lite/register.ts.
registerLiteTasks(registerTask);
