// A complete set of report inputs made by the real pipeline pieces: six tiny random models with
// the paper's role labels evaluated on real tasks (K&K held-out, MATH-500) and a test-only
// arithmetic task, two "RLVR runs" with periodic evaluations written through periodicEval() (the
// trainer's API) and metrics.jsonl files in TRL's metric names.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEval } from '../../src/eval/harness.js';
import { periodicEval } from '../../src/eval/periodic.js';
import { resolveTask } from '../../src/tasks/registry.js';
import { arithmeticEntry, tinyModelDir, tinySource } from '../eval/helpers.js';

export const LABELS = ['base', 'warmup', 'base+rlvr:math', 'warmup+rlvr:math', 'base+rlvr:kk', 'warmup+rlvr:kk'];

export async function buildReportInputs(root: string): Promise<{ evalDir: string; runs: string[] }> {
  mkdirSync(root, { recursive: true });
  const models = LABELS.map((label, i) => ({
    label,
    dir: tinyModelDir(join(root, 'models'), label.replace(/[+:]/g, '_'), i + 1),
  }));
  const evalDir = join(root, 'eval');
  const tasks = [arithmeticEntry(8), await resolveTask('math500'), await resolveTask('kk:3,4')];
  await runEval({ out: evalDir, models, tasks, limit: 4, protocol: { maxNewTokens: 16 } });
  const runs: string[] = [];
  for (const [run, label, offset] of [
    ['grpo-math-base', 'base+rlvr:math', 100],
    ['grpo-math-warmup', 'warmup+rlvr:math', 200],
  ] as const) {
    const runDir = join(root, run);
    for (const step of [0, 5, 10])
      await periodicEval({
        runDir,
        step,
        label,
        source: tinySource(offset + step),
        tasks: [arithmeticEntry(8)],
        limit: 8,
        protocol: { maxNewTokens: 8 },
      });
    const metrics = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        step: i + 1,
        loss: 0.5 / (i + 1),
        reward: -2 + 0.15 * i + (offset === 200 ? 0.4 : 0),
        'completions/mean_length': 120 + 6 * i,
        learning_rate: 1e-6,
      }),
    );
    writeFileSync(join(runDir, 'metrics.jsonl'), `${metrics.join('\n')}\n`);
    runs.push(runDir);
  }
  return { evalDir, runs };
}
