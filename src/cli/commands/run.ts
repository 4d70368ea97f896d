// `kindling run CONFIG.yaml` and `kindling demo`: the whole experiment in one command.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseIntOption } from '../options.js';

async function execute(file: string, o: { dryRun?: boolean; out?: string; seeds?: number }): Promise<void> {
  const { loadExperiment } = await import('../../pipeline/config.js');
  const { runExperiment } = await import('../../pipeline/experiment.js');
  const overrides: Record<string, unknown> = {};
  if (o.out) overrides.out = resolve(process.cwd(), o.out);
  if (o.seeds) overrides.seeds = Array.from({ length: o.seeds }, (_, i) => i);
  const e = loadExperiment(file, overrides);
  const { resolveCall } = await import('../stage-calls.js');
  // every stage's options are checked as its command line would be, before anything runs
  const r = await runExperiment(e, { dryRun: o.dryRun, checkCall: resolveCall });
  console.log(r.summary);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run an experiment file: K&K data → traces → warmup → RLVR (start × domain × seed) → evaluation → report; finished stages are cached',
    )
    .argument('<config>', 'experiment YAML (e.g. configs/demo.yaml, configs/paper/qwen2.5-3b.yaml)')
    .option('--dry-run', 'print the plan (stages, cached or not, their commands) and exit')
    .option('--out <dir>', "output folder (overrides the file's `out`)")
    .option('--seeds <n>', 'repeat RLVR and evaluation over seeds 0..n-1', parseIntOption('--seeds', 1))
    .action(async (config: string, o: { dryRun?: boolean; out?: string; seeds?: number }) => {
      if (!existsSync(config)) throw new Error(`experiment file ${config} does not exist`);
      await execute(config, o);
    });

  program
    .command('demo')
    .description(
      'the embedded default: the whole method on a small model the project made, on this machine (≈16 min on 2 cores; --quick ≈1–2 min)',
    )
    .option('--quick', 'a smaller run (fewer puzzles, steps and test items) for a first look and CI')
    .option('--seeds <n>', 'repeat RLVR and evaluation over seeds for error bars', parseIntOption('--seeds', 1))
    .option('--out <dir>', 'output folder (default runs/demo or runs/demo-quick)')
    .option('--dry-run', 'print the plan and exit')
    .action(async (o: { quick?: boolean; seeds?: number; out?: string; dryRun?: boolean }) => {
      const { REPO_ROOT } = await import('../../paths.js');
      const file = join(REPO_ROOT, 'configs', o.quick ? 'demo-quick.yaml' : 'demo.yaml');
      await execute(file, {
        dryRun: o.dryRun,
        seeds: o.seeds,
        out: o.out ?? (o.quick ? 'runs/demo-quick' : 'runs/demo'),
      });
    });
}
