// One rank of a GRPO run for the distributed tests (also runs alone, without RANK/WORLD_SIZE):
//   node grpo-rank.js BASE OUT CONFIG_JSON
// Trains on a task a tiny random model gets varied rewards on (the fraction of lowercase letters
// written), so advantages and gradients are not zero, and prints the step metrics as JSON.
import type { Example, Task } from '../../src/tasks/types.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runGrpo } from '../../src/train/grpo.js';
import { GrpoConfigSchema } from '../../src/train/grpo-config.js';
import { lettersGrpoSettings } from '../tiny-model.js';

export const letters: Task = {
  name: 'letters',
  splits: ['train'],
  load: async () => Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, q: `Say something ${i}:` })),
  prompt: (e) => String(e.q),
  reward: (c) => {
    const bytes = [...Buffer.from(c)];
    return {
      score: bytes.length ? bytes.filter((b) => b >= 97 && b <= 122).length / bytes.length : 0,
      reason: 'letters',
    };
  },
  score: (c) => ({ correct: /^[a-z]+$/.test(c), extracted: c, reason: 'letters' }),
};

export async function runLetters(
  base: string,
  out: string,
  overrides: Record<string, unknown>,
  extra: { stopAfterSteps?: number; resume?: boolean } = {},
) {
  const config = resolveConfig(GrpoConfigSchema, undefined, {
    ...lettersGrpoSettings,
    num_generations: 4,
    per_device_train_batch_size: 8,
    max_steps: 3,
    threads: 1,
    ...overrides,
  });
  const train = (await letters.load('train')) as Example[];
  return runGrpo({ model: base, task: letters, train, out, config, progress: false, log: () => {}, ...extra });
}

if (process.argv[1]?.endsWith('grpo-rank.js')) {
  const [base, out, json] = process.argv.slice(2) as [string, string, string];
  const r = await runLetters(base, out, JSON.parse(json));
  process.stdout.write(`${JSON.stringify(r.metrics)}\n`);
}
