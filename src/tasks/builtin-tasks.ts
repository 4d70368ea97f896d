// The built-in tasks: the real benchmarks the paper evaluates on, and what each means when it is
// trained on (`kindling grpo --task NAME` without --train). The mechanism is registry-core.ts;
// registry.ts calls registerBuiltinTasks() once. Selectors:
//   math500 (math)                   MATH-500 (500 problems; category = subject); training needs --train
//   humanevalplus (code, humaneval+) HumanEval+ — evaluation: the 114 tasks outside the 50-task RLVR
//                                    train split; training: that 50-task split
//   mbppplus[:FILE] (mbpp, mbpp+)    MBPP+ — every task of the user's MbppPlus.jsonl[.gz] (none ships);
//                                    evaluation only (no split of its own to train on)
//   mmlu-pro[:physics,history] (mcq) MMLU-Pro — evaluation: each category's test part (the rows outside
//                                    its 100-row train part), macro average; training: the train parts
//   kk[:3-7] (knights-knaves)        K&K — evaluation: fresh puzzles, 100 per size, disjoint from
//                                    training (kk-heldout.ts); training: the Logic-RL train files
import type { CodeProblem } from './code/problem.js';
import { createHumanEvalPlusTask, createMbppPlusTask } from './code/task.js';
import type { KkExample } from './kk/dataset.js';
import { kkTask } from './kk/task.js';
import { kkHeldOutSet } from './kk-heldout.js';
import type { MathExample } from './math/data.js';
import { mathTask } from './math/task.js';
import { mmluProCategoryArgs, parseMmluProCategories } from './mcq/categories.js';
import type { McqExample } from './mcq/data.js';
import { mmluProTask } from './mcq/task.js';
import { registerTask, type TaskEntry } from './registry-core.js';
import type { Example } from './types.js';

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

export function registerBuiltinTasks(): void {
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
        training: {
          unavailable:
            'task math needs --train FILE (.jsonl or .parquet MATH train rows {problem, answer or solution with \\boxed{}}; MATH-500 is the test set and is not used for training)',
        },
      });
    },
  });

  registerTask('mmlu-pro', {
    describe: `MMLU-Pro test parts (rows outside each category's 100-row train part); mmlu-pro:physics,history picks categories`,
    aliases: ['mcq', 'mmlu_pro', 'mmlupro'],
    create(args, o) {
      // `computer_science` stands for 'computer science' (no spaces needed on a command line)
      const categories = args ? parseMmluProCategories(args) : undefined;
      return asEntry<McqExample>({
        selector: categories ? `mmlu-pro:${mmluProCategoryArgs(categories)}` : 'mmlu-pro',
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
        training: { loadOptions: categories ? { categories } : {} },
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
        training: { loadOptions: args ? { sizes } : {} },
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
        training: { loadOptions: {} }, // the paper's 50-task RLVR split (task.load('train'))
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
        training: {
          unavailable:
            'task mbppplus has no training split (every task is evaluated); pass --train FILE with evalplus-format rows',
        },
      });
    },
  });
}
