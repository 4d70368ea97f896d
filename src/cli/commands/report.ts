// `kindling report RUN_DIRS… --out report.html`: the paper's tables and figures from results
// folders (kindling eval --out) and training runs (metrics.jsonl, eval/step-N/).
import type { Command } from 'commander';
import type { ReportOptions } from '../../pipeline/calls.js';
import { parseIntOption, readFoldersOptions } from '../options.js';

export function registerReport(program: Command): Command {
  const cmd = program.command('report');
  return cmd
    .description(
      'make a self-contained HTML report (+ PNG figures and a Markdown summary) from results folders and training runs',
    )
    .argument(
      '<dirs...>',
      'results folders (results.json) and/or run folders (metrics.jsonl, eval/step-N/results.json)',
    )
    .requiredOption(
      '--out <file>',
      'HTML file to write; PNGs go beside it as <name>-<figure>.png, the summary as <name>.md',
    )
    .option('--title <text>', 'page title', 'kindling report')
    .option(
      '--max-samples <n>',
      'samples embedded in the browser, shared evenly by (model, task)',
      parseIntOption('--max-samples', 0),
      2000,
    )
    .option('--max-chars <n>', 'cut embedded completions longer than this', parseIntOption('--max-chars', 100), 12000)
    .option('--no-png', 'do not write PNG files')
    .option('--no-markdown', 'do not write the Markdown summary')
    .option('--verdicts <file>', "verdicts.json of `kindling run`: the paper's four claims, shown first")
    .option('--note <text...>', "a line for the report's notes (repeatable)")
    .option(
      '--selection <file...>',
      'selection.json of `kindling select-model` (e.g. the warmup learning-rate grid): shown as a choice made on validation',
    )
    .addHelpText(
      'after',
      `
Model labels name the paper's roles: base, warmup, base+rlvr:<domain>, warmup+rlvr:<domain>
(domain = math, code, mmlu-pro, kk). Figures 2–4 use them; other labels appear in the table,
the comparisons and the sample browser. See docs/eval.md.

Example:
  kindling report runs/eval runs/grpo-math-base runs/grpo-math-warmup --out runs/report.html`,
    )
    .action(() => reportStage(readFoldersOptions<ReportOptions>(cmd)));
}

/** `kindling report`: write the report and say what it holds. */
export async function reportStage(o: ReportOptions): Promise<void> {
  const { makeReport } = await import('../../report/index.js');
  const t0 = performance.now();
  const r = await makeReport({
    dirs: o.dirs,
    out: o.out,
    title: o.title,
    maxSamples: o.maxSamples,
    maxChars: o.maxChars,
    png: o.png,
    markdown: o.markdown,
    verdicts: o.verdicts ?? null,
    notes: o.note ?? [],
    selections: o.selection ?? [],
  });
  for (const f of r.figures)
    if (!f.drawn) process.stderr.write(`kindling report: figure '${f.id}' not drawn (needs ${f.missing})\n`);
  for (const n of r.notes) process.stderr.write(`kindling report: ${n}\n`);
  console.log(
    `${r.html} (${r.figures.filter((f) => f.drawn).length}/${r.figures.length} figures, ${r.samples.embedded} of ${r.samples.total} samples embedded) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (r.pngs.length) console.log(`PNG: ${r.pngs.join(', ')}`);
  if (r.markdown) console.log(`Markdown: ${r.markdown}`);
}
