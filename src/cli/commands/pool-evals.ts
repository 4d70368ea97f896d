// `kindling pool-evals DIR… --out DIR`: one results folder from the same evaluation repeated over
// seeds, every seed's trials counted as extra trials (src/eval/pool.ts).
import type { Command } from 'commander';
import type { FoldersOptions } from '../../pipeline/calls.js';
import { readFoldersOptions } from '../options.js';

export function registerPoolEvals(program: Command): Command {
  const cmd = program.command('pool-evals');
  return cmd
    .description('pool results folders of the same evaluation run once per seed into one (seeds become extra trials)')
    .argument('<dirs...>', 'results folders (kindling eval --out), one per seed, in seed order')
    .requiredOption('--out <dir>', 'the pooled results folder (samples.jsonl + results.json), replaced if present')
    .addHelpText(
      'after',
      `
Every folder must hold the same models and tasks under the same protocol but its seed, each
evaluation complete. Seed i's trial t becomes trial i·T + t, and results.json is aggregated exactly as
\`kindling eval\` does it: accuracy is the mean over seeds × trials, pass@k and the paired comparisons
use all of them. \`kindling report\` reads the pooled folder like any other. See docs/eval.md.

Example:
  kindling pool-evals runs/demo/eval/eval-base-s0 runs/demo/eval/eval-base-s1 --out runs/demo/eval/pooled-base`,
    )
    .action(() => poolEvalsStage(readFoldersOptions(cmd)));
}

/** `kindling pool-evals`: pool, and print each pooled result. */
export async function poolEvalsStage(o: FoldersOptions): Promise<void> {
  const { poolResults } = await import('../../eval/pool.js');
  const r = await poolResults({ dirs: o.dirs, out: o.out });
  const T = r.results.protocol.trials;
  console.log(`${r.out}: ${r.samples} samples from ${o.dirs.length} folders, ${T} trials per example`);
  for (const x of r.results.results)
    console.log(
      `  ${x.model}  ${x.task}  ${(100 * (x.score.mean ?? Number.NaN)).toFixed(1)} ± ${(100 * x.score.std).toFixed(1)} %`,
    );
}
