// `kindling select-model DIR… --out DIR`: the candidate with the best validation accuracy, copied
// to OUT/model, with every candidate's scores and the choice in OUT/selection.json (src/eval/select.ts).
import type { Command } from 'commander';
import type { FoldersOptions } from '../../pipeline/calls.js';
import { readFoldersOptions } from '../options.js';

export function registerSelectModel(program: Command): Command {
  const cmd = program.command('select-model');
  return cmd
    .description('pick the model with the best accuracy on a validation evaluation, copy it to OUT/model')
    .argument('<dirs...>', 'validation results folders (kindling eval --out), one or more models each')
    .requiredOption('--out <dir>', 'folder for model/ (the chosen copy) and selection.json')
    .addHelpText(
      'after',
      `
Every model of every folder is a candidate; all folders must have evaluated the same tasks, each
evaluation complete. The criterion is the mean over the tasks of the headline accuracy (mean over
trials); a tie goes to the candidate given first. Evaluate the candidates on a validation split
(math-lite:validation, …), never on the test items you report. \`kindling run\` uses this for the
warmup learning-rate grid (warmup.lr_grid). See docs/pipeline.md.

Example:
  kindling eval --model lr-5e-4=runs/w1/model --tasks math-lite:validation --out runs/val-1
  kindling eval --model lr-1e-3=runs/w2/model --tasks math-lite:validation --out runs/val-2
  kindling select-model runs/val-1 runs/val-2 --out runs/warmup`,
    )
    .action(() => selectModelStage(readFoldersOptions(cmd)));
}

/** `kindling select-model`: choose, copy, and print every candidate's scores. */
export async function selectModelStage(o: FoldersOptions): Promise<void> {
  const { selectModel } = await import('../../eval/select.js');
  const s = selectModel({ dirs: o.dirs, out: o.out });
  for (const c of s.candidates)
    console.log(
      `${c.label === s.chosen ? '*' : ' '} ${c.label}  mean ${(100 * c.mean).toFixed(1)} %  (${Object.entries(c.scores)
        .map(([t, v]) => `${t} ${(100 * v).toFixed(1)}`)
        .join(', ')})`,
    );
  console.log(`chose ${s.chosen} → ${s.model}`);
}
