// Training rows for RLVR: what `kindling grpo --task SELECTOR` trains on. The selector is resolved
// by the one task registry (src/tasks/registry.ts), so every name and alias evaluation accepts is
// accepted here and the other way round; each entry says what training on it loads:
//   kk[:3-7]           the Logic-RL K&K train parquet files (3–7 people by default)
//   code               HumanEval+'s 50-task RLVR train split (the paper's)
//   mcq[:physics,…]    MMLU-Pro, each category's 100-row train part
//   math               needs --train F.jsonl (MATH train rows {problem, answer}; not shipped here)
//   math-lite, …       the demo's mini domains, their train split
// A --train file (.jsonl, .jsonl.gz or .parquet) works for any task: rows in the source dataset's own
// columns (Logic-RL, MATH, MMLU-Pro, evalplus); the id is the dataset's id column or the row number.
import { resolveTask } from '../tasks/registry.js';
import type { Example, Task } from '../tasks/types.js';
import { readTrainRows } from './train-rows.js';

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
  const entry = await resolveTask(selector);
  const { task, domain } = entry;
  const limit = o.limit ?? undefined;
  if (o.train) {
    const rows = await readTrainRows(o.train, domain);
    return { task, rows: limit ? rows.slice(0, limit) : rows, domain };
  }
  const training = entry.training ?? { loadOptions: {} };
  if ('unavailable' in training) throw new Error(training.unavailable);
  const rows = await task.load('train', { ...training.loadOptions, ...(limit ? { limit } : {}) });
  return { task, rows, domain };
}
