// `kindling smoke`: a short end-to-end training run on the engine (a stand-in main job until the
// demo exists): a small MLP learns to add two 4-bit numbers with AdamW; prints the loss curve.
import type { Command } from 'commander';
import { parseIntOption } from '../options.js';

export function registerSmoke(program: Command): void {
  program
    .command('smoke')
    .description('train a small network with autograd + AdamW for a few seconds and check that it learns')
    .option('--steps <n>', 'optimizer steps', parseIntOption('--steps', 1), 300)
    .option('--seed <n>', 'random seed', parseIntOption('--seed', 0), 0)
    .action(async (o: { steps: number; seed: number }) => {
      const { trainAdderMlp } = await import('../../torch/smoke.js');
      const r = trainAdderMlp(o.steps, o.seed, (step, loss, acc) => {
        if (step % 50 === 0 || step === o.steps)
          console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  accuracy ${(acc * 100).toFixed(1)}%`);
      });
      console.log(
        `smoke: ${r.learned ? 'OK' : 'FAILED'} — loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, accuracy ${(r.accuracy * 100).toFixed(1)}% in ${r.seconds.toFixed(1)} s`,
      );
      if (!r.learned) process.exitCode = 1;
    });
}
