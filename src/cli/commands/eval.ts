// `kindling eval --model [LABEL=]DIR … --tasks SELECTORS --out DIR`: the paper's evaluation
// protocol over models × tasks, cached per (model, task, example, trial) in DIR/samples.jsonl.
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { EvalOptions } from '../../pipeline/calls.js';
import { BASE_HELP, parseFloatOption, parseIntOption } from '../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `DIR` or `LABEL=DIR`, comma-separated, repeatable → [{label, dir}]. */
export function parseModelSpecs(values: readonly string[]): { label: string; dir: string }[] {
  const out: { label: string; dir: string }[] = [];
  for (const part of values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const label = eq > 0 ? part.slice(0, eq) : basename(resolve(part));
    const dir = eq > 0 ? part.slice(eq + 1) : part;
    if (!dir) throw new Error(`--model '${part}': the folder is missing`);
    if (out.some((m) => m.label === label))
      throw new Error(`--model: two models are labelled '${label}'; name them with LABEL=DIR`);
    out.push({ label, dir });
  }
  if (out.length === 0) throw new Error('--model: give at least one model folder');
  return out;
}

export function registerEval(program: Command): Command {
  const cmd = program.command('eval');
  return cmd
    .description(
      "evaluate models on tasks with the paper's protocol (4 trials, T 0.7, top-p 0.95, 4,096 tokens in total); resumable",
    )
    .requiredOption(
      '--model <[label=]dir>',
      'Hugging Face model folder(s), comma-separated or repeated; label defaults to the folder name',
      collect,
    )
    .requiredOption(
      '--tasks <selectors>',
      'math500, humanevalplus, mbppplus[:FILE], mmlu-pro[:physics,history], kk[:3-7] — comma-separated or repeated',
      collect,
    )
    .requiredOption('--out <dir>', 'results folder: samples.jsonl (cache), run.json, results.json')
    .option('--trials <n>', 'samples per question', parseIntOption('--trials', 1), 4)
    .option('--temperature <t>', 'sampling temperature', parseFloatOption('--temperature', 0), 0.7)
    .option('--top-p <p>', 'nucleus sampling mass', parseFloatOption('--top-p', Number.MIN_VALUE, 1), 0.95)
    .option('--top-k <k>', 'top-k sampling (0 = off, as in the paper)', parseIntOption('--top-k', 0), 0)
    .option(
      '--max-total-tokens <n>',
      'prompt + completion tokens per sample (capped at the model’s positions)',
      parseIntOption('--max-total-tokens', 2),
      4096,
    )
    .option(
      '--max-new-tokens <n>',
      'also cap completion tokens (not in the paper; for quick runs)',
      parseIntOption('--max-new-tokens', 1),
    )
    .option(
      '--seed <n>',
      'base sampling seed (trial t of an example uses hash(seed, task, example) + t)',
      parseIntOption('--seed', 0),
      0,
    )
    .option('--limit <n>', 'examples per task, spread evenly over its categories', parseIntOption('--limit', 1))
    .option(
      '--batch-size <n>',
      'prompts per generation batch (each with --trials samples)',
      parseIntOption('--batch-size', 1),
      8,
    )
    .option('--device <name>', 'cpu, cuda, cuda:1, mps', 'cpu')
    .option('--base <dir>', BASE_HELP)
    .option('--kk-per-size <n>', 'K&K held-out puzzles per size', parseIntOption('--kk-per-size', 1), 100)
    .option(
      '--data-dir <dir>',
      'data folder (default: $KINDLING_DATA or ../shared/data; layout in the README, e.g. math500/test.jsonl, mbppplus/MbppPlus.jsonl)',
    )
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Cells (model, task, example, trial) already in OUT/samples.jsonl are not recomputed: run the same
command again after an interruption, or with more --trials / a larger --limit, and only the missing
cells are sampled. A folder remembers its sampling settings and refuses different ones.

mbppplus reads evalplus's MBPP+ release (MbppPlus.jsonl[.gz], none ships): mbppplus:FILE, $KINDLING_MBPPPLUS,
or <data>/mbppplus/MbppPlus.jsonl. A task whose reference solution fails is scored wrong with reason
reference_error; the others are judged as usual.

Writes OUT/samples.jsonl (one line per sample: prompt, completion, extracted, correct, reward,
completion_tokens, finish_reason, …) and OUT/results.json (per task and category: accuracy
mean ± std over trials, macro average, pass@k, completion length, truncation rate; paired
differences between models with 95% confidence intervals). See docs/eval.md.

Examples:
  kindling eval --model base=models/base,warmup=runs/warmup/final --tasks math500,kk:3-7 --out runs/eval
  kindling eval --model runs/x/final --tasks mmlu-pro:physics,history --limit 50 --out /tmp/quick`,
    )
    .action(() => evalStage(readEvalOptions(cmd)));
}

/** The options of a parsed `kindling eval` (what a stage call gives, defaults filled in). */
export const readEvalOptions = (cmd: Command): EvalOptions => ({ ...cmd.opts<EvalOptions>() });

/** `kindling eval`: run the evaluation and print its tables. */
export async function evalStage(o: EvalOptions): Promise<void> {
  const { resolveTask, splitSelectors } = await import('../../tasks/registry.js');
  const { runEval, resultsTable, comparisonsTable } = await import('../../eval/index.js');
  const { Progress } = await import('../../util/progress.js');
  const models = parseModelSpecs(o.model);
  const warn = (m: string) => process.stderr.write(`kindling eval: ${m}\n`);
  const selectors = o.tasks.flatMap((t) => splitSelectors(t));
  const entries = [];
  for (const s of selectors)
    entries.push(await resolveTask(s, { ...(o.dataDir ? { dataDir: o.dataDir } : {}), kkPerSize: o.kkPerSize, warn }));
  const bar = new Progress({ label: 'eval', unit: 'samples', every: 5 });
  const t0 = performance.now();
  try {
    const r = await runEval({
      out: o.out,
      models: models.map((m) => ({
        ...m,
        ...(o.device ? { device: o.device } : {}),
        ...(o.base ? { base: o.base } : {}),
      })),
      tasks: entries,
      protocol: {
        trials: o.trials,
        temperature: o.temperature,
        topP: o.topP,
        topK: o.topK,
        maxTotalTokens: o.maxTotalTokens,
        maxNewTokens: o.maxNewTokens ?? null,
        seed: o.seed,
      },
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      batchPrompts: o.batchSize,
      onLog: o.quiet ? undefined : warn,
      onProgress: o.quiet
        ? undefined
        : (e) => {
            bar.total = e.total;
            bar.set(e.done, `${e.model} · ${e.task}`);
          },
    });
    if (!o.quiet) bar.close();
    const secs = (performance.now() - t0) / 1000;
    console.log(resultsTable(r.results));
    const cmp = comparisonsTable(r.results);
    if (cmp) console.log(`\n${cmp}`);
    console.log(`\n${r.computed} samples computed, ${r.cached} cached, in ${secs.toFixed(1)} s → ${r.out}`);
  } finally {
    for (const e of entries) await e.close?.();
  }
}
