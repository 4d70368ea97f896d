// A complete set of report inputs made by the real pipeline pieces: six tiny random models with
// the paper's role labels evaluated on real tasks (K&K held-out, MATH-500) and two test-only tasks,
// and two real GRPO runs (runGrpo, a few steps) from the 'base' and 'warmup' models whose periodic
// evaluations go through periodicEval() as `kindling grpo --eval-tasks` wires them and whose
// metrics.jsonl the trainer writes. Nothing here fabricates a number.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEval } from '../../src/eval/harness.js';
import { periodicEval } from '../../src/eval/periodic.js';
import { computeVerdicts } from '../../src/pipeline/verdict.js';
import type { TaskEntry } from '../../src/tasks/registry.js';
import { resolveTask } from '../../src/tasks/registry.js';
import type { Example, Task } from '../../src/tasks/types.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runGrpo } from '../../src/train/grpo.js';
import { GrpoConfigSchema } from '../../src/train/grpo-config.js';
import { arithmeticEntry, tinyModelDir } from '../eval/helpers.js';

export const LABELS = ['base', 'warmup', 'base+rlvr:math', 'warmup+rlvr:math', 'base+rlvr:kk', 'warmup+rlvr:kk'];
/** The tasks' selectors, in evaluation order. */
export const TASKS = ['arith', 'byte', 'math500', 'kk:3,4'];
export const EXAMPLES = 4;
export const TRIALS = 4;

/**
 * A math-domain task a random model scores on about half the time (correct when the completion's
 * first byte is below 128), so the six models get different numbers and a swap or sign error in a
 * figure shows; the real tasks mostly score 0 for random models.
 */
export function byteEntry(): TaskEntry {
  const rows = Array.from({ length: 8 }, (_, i) => ({ id: `byte-${i}`, n: i }));
  const first = (c: string) => Buffer.from(c)[0];
  const task: Task = {
    name: 'byte',
    splits: ['test'],
    load: async () => rows,
    prompt: (e) => `Item ${e.n}:`,
    reward: (c) => ({ score: (first(c) ?? 255) < 128 ? 1 : 0, reason: 'byte' }),
    score: (c) => {
      const b = first(c);
      return { correct: b !== undefined && b < 128, extracted: b === undefined ? null : String(b), reason: 'byte' };
    },
  };
  return {
    selector: 'byte',
    name: 'byte',
    domain: 'math',
    task,
    overall: 'micro',
    load: async () => rows as Example[],
    category: (e) => (Number(e.n) % 2 ? 'odd' : 'even'),
    gold: () => null,
  };
}

export const RUNS = [
  ['grpo-math-base', 'base+rlvr:math', 'base'],
  ['grpo-math-warmup', 'warmup+rlvr:math', 'warmup'],
] as const;

export async function buildReportInputs(root: string): Promise<{ evalDir: string; runs: string[]; verdicts: string }> {
  mkdirSync(root, { recursive: true });
  const models = LABELS.map((label, i) => ({
    label,
    dir: tinyModelDir(join(root, 'models'), label.replace(/[+:]/g, '_'), i + 1),
  }));
  const evalDir = join(root, 'eval');
  const tasks = [arithmeticEntry(8), byteEntry(), await resolveTask('math500'), await resolveTask('kk:3,4')];
  await runEval({ out: evalDir, models, tasks, limit: EXAMPLES, protocol: { maxNewTokens: 16, trials: TRIALS } });
  const runs: string[] = [];
  // GRPO trains on the byte task: its reward varies within a group, so the loss and the gradient are not 0.
  const byte = byteEntry();
  const train = await byte.load();
  for (const [run, label, start] of RUNS) {
    const runDir = join(root, run);
    // Real GRPO steps on the tiny model: 4 steps, evaluated at steps 0, 2 and 4.
    await runGrpo({
      model: models.find((m) => m.label === start)!.dir,
      task: byte.task,
      train,
      out: runDir,
      config: resolveConfig(GrpoConfigSchema, undefined, {
        max_steps: 4,
        prompts_per_step: 2,
        num_generations: 4,
        per_device_train_batch_size: 8,
        max_completion_length: 8,
        learning_rate: 1e-3,
        lr_scheduler_type: 'constant',
        temperature: 1,
        top_p: 1,
        top_k: 0,
        eval_steps: 2,
        save_steps: 1000,
        log_completions_steps: 0,
        seed: run.length,
      }),
      evaluate: async (model, tokenizer, step) => {
        const r = await periodicEval({
          runDir,
          step,
          label,
          source: { model, tokenizer },
          tasks: [byte],
          limit: 8,
          protocol: { maxNewTokens: 8, trials: 2 },
        });
        return Object.fromEntries(r.results.results.map((t) => [`${t.task}/accuracy`, t.score.mean]));
      },
      progress: false,
      log: () => {},
    });
    runs.push(runDir);
  }
  // The four claims as `kindling run` computes them (src/pipeline/experiment.ts), from these folders.
  const claims = computeVerdicts({
    evalDirs: [evalDir],
    rlvrRuns: RUNS.map(([, , start], i) => ({ start, domain: 'math', dir: runs[i]! })),
    inDomainTask: { math: 'byte', kk: 'kk:3,4' },
    excludeFromTargets: ['kk:3,4'],
  });
  const verdicts = join(root, 'verdicts.json');
  writeFileSync(verdicts, `${JSON.stringify({ seeds: [0], claims }, null, 2)}\n`);
  return { evalDir, runs, verdicts };
}
