// Training rows for RLVR per domain: what `kindling grpo --task` loads when no --train file is given.
//   kk                the Logic-RL K&K train parquet files (3–7 people)
//   code              HumanEval+'s 50-task RLVR train split (the paper's)
//   mcq[:physics,…]   MMLU-Pro, each category's 100-row train part
//   math              needs --train F.jsonl (MATH train rows {problem, answer}; not shipped here)
// A --train file (.jsonl, .jsonl.gz or .parquet) works for any task: rows in the source dataset's own
// columns (Logic-RL, MATH, MMLU-Pro, evalplus); the id is the dataset's id column or the row number.
import { createHumanEvalPlusTask } from '../tasks/code/task.js';
import { kkTask } from '../tasks/kk/task.js';
import { mathTask } from '../tasks/math/task.js';
import { mmluProTask } from '../tasks/mcq/task.js';
import type { Example, Task } from '../tasks/types.js';
import { readTrainRows } from './train-rows.js';

export const TRAINING_TASKS = ['math', 'code', 'mcq', 'kk'] as const;

export interface TrainingTask {
  task: Task;
  rows: Example[];
  /** The domain label used in reports (`math`, `code`, `mmlu-pro`, `kk`). */
  domain: string;
}

export async function loadTrainingTask(
  selector: string,
  o: { train?: string; limit?: number | null } = {},
): Promise<TrainingTask> {
  const [name, args] = selector.split(':', 2) as [string, string | undefined];
  const limit = o.limit ?? undefined;
  let task: Task;
  let domain = name;
  switch (name) {
    case 'math':
      task = mathTask as unknown as Task;
      break;
    case 'code':
    case 'humanevalplus':
      task = createHumanEvalPlusTask() as unknown as Task;
      domain = 'code';
      break;
    case 'mcq':
    case 'mmlu-pro':
      task = mmluProTask as unknown as Task;
      domain = 'mmlu-pro';
      break;
    case 'kk':
      task = kkTask as unknown as Task;
      break;
    default: {
      // Any other registered task (e.g. the demo's math-lite, code-lite, mcq-lite) trains on its 'train' split.
      const { resolveTask, listTasks } = await import('../tasks/registry.js');
      if (!listTasks().some((t) => t.name === name || t.aliases.includes(name)))
        throw new Error(
          `unknown task '${name}' (expected one of ${[...new Set([...TRAINING_TASKS, ...listTasks().map((t) => t.name)])].join(', ')})`,
        );
      const entry = await resolveTask(selector);
      task = entry.task as Task;
      domain = entry.domain;
    }
  }
  if (o.train) {
    const rows = await readTrainRows(o.train, domain);
    return { task, rows: limit ? rows.slice(0, limit) : rows, domain };
  }
  if (name === 'math')
    throw new Error(
      'task math needs --train FILE (.jsonl or .parquet MATH train rows {problem, answer or solution with \\boxed{}}; MATH-500 is the test set and is not used for training)',
    );
  const loadOptions: Record<string, unknown> = limit ? { limit } : {};
  if (domain === 'mmlu-pro' && args) loadOptions.categories = args.split(',');
  const rows = (await task.load('train', loadOptions)) as Example[];
  return { task, rows, domain };
}
