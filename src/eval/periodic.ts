// Periodic evaluation during RLVR (sample-efficiency curves). A training run folder holds one
// evaluation folder per evaluated step:
//   runs/<name>/eval/step-<N>/{samples.jsonl, run.json, results.json}
// each an ordinary results folder (results.ts) whose results.json has `step: N`. Step 0 is the
// starting model. The GRPO trainer calls periodicEval() every `eval_steps`; `kindling report
// runs/<name>` draws accuracy against step from these folders and training curves from
// runs/<name>/metrics.jsonl.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskEntry } from '../tasks/registry.js';
import { type ModelSource, type RunEvalOptions, type RunEvalSummary, runEval } from './harness.js';
import { resultsFile } from './results.js';

export const periodicEvalDir = (runDir: string, step: number): string => join(runDir, 'eval', `step-${step}`);

export interface PeriodicEvalOptions
  extends Pick<RunEvalOptions, 'protocol' | 'limit' | 'batchPrompts' | 'onProgress' | 'onLog' | 'signal'> {
  runDir: string;
  step: number;
  /** The run's label in reports, e.g. `warmup+rlvr:math`. */
  label: string;
  source: ModelSource;
  tasks: readonly TaskEntry[];
}

/** Evaluates the model being trained at `step` into runDir/eval/step-<step>/. */
export function periodicEval(o: PeriodicEvalOptions): Promise<RunEvalSummary> {
  if (!Number.isInteger(o.step) || o.step < 0) throw new RangeError(`step must be an integer ≥ 0, got ${o.step}`);
  return runEval({
    out: periodicEvalDir(o.runDir, o.step),
    models: [{ label: o.label, source: o.source }],
    tasks: o.tasks,
    step: o.step,
    ...(o.protocol ? { protocol: o.protocol } : {}),
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.batchPrompts !== undefined ? { batchPrompts: o.batchPrompts } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/** The finished periodic evaluations of a run folder, by step. */
export function listPeriodicEvals(runDir: string): { step: number; dir: string }[] {
  const root = join(runDir, 'eval');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => ({ name, m: /^step-(\d+)$/.exec(name) }))
    .filter((x) => x.m && existsSync(resultsFile(join(root, x.name))))
    .map((x) => ({ step: Number(x.m![1]), dir: join(root, x.name) }))
    .sort((a, b) => a.step - b.step);
}
