// `kindling grpo`: RLVR on ≤ 100 examples of a target domain.
import type { Command } from 'commander';
import type { GrpoOptions } from '../../pipeline/calls.js';
import { BASE_HELP } from '../options.js';
import { LORA_SETTINGS_HELP, MEMORY_SETTINGS_HELP } from '../settings-help.js';

export function registerGrpo(program: Command): void {
  const cmd = program.command('grpo');
  cmd
    .description('RLVR with GRPO on at most 100 examples of a task (the paper recipe by default); resumable')
    .requiredOption(
      '--model <dir>',
      'starting model folder (base or warmed-up), or a PEFT adapter folder (e.g. a LoRA SFT run)',
    )
    .option('--base <dir>', BASE_HELP)
    .requiredOption(
      '--task <name>',
      'math | code | mcq[:physics,history] | kk[:3-7] | math-lite | … (any name or alias `kindling eval --tasks` takes)',
    )
    .requiredOption('--out <dir>', 'run folder: config.json, metrics.jsonl, samples.jsonl, checkpoints/, eval/, model/')
    .option(
      '--train <file>',
      "training rows (.jsonl, .jsonl.gz or .parquet) in the source dataset's columns: Logic-RL rows for kk, MATH rows (problem + answer or a \\boxed{} solution) for math, MMLU-Pro rows for mcq, HumanEval+/MBPP+ rows for code; id from id, unique_id, task_id, question_id, index… or the row number (required for math)",
    )
    .option('--limit <n>', "use at most this many training rows (default 100, the paper's)")
    .option('--config <file>', 'YAML/JSON settings (e.g. configs/grpo/paper.yaml); --key value flags override it')
    .option(
      '--eval-tasks <selectors>',
      'periodic evaluation every eval_steps on these eval tasks (e.g. math500 or kk:3-7)',
    )
    .option('--eval-label <label>', 'run label in reports (default: rlvr:<task>)')
    .option('--resume', 'continue from the newest checkpoint in --out')
    .option('--no-progress', 'no progress output (the final summary line stays)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Settings (TRL names; any as --key value):
  learning_rate (1e-6) lr_scheduler_type (linear) warmup_steps (0) num_train_epochs (1) max_steps (-1)
  prompts_per_step (10) num_generations (10) per_device_train_batch_size (20, completions per micro-batch)
  num_iterations (1) epsilon (0.2) epsilon_high (null) beta (0) loss_type (dapo | grpo | bnpo | dr_grpo)
  scale_rewards (none | group | batch) mask_truncated_completions (false) dynamic_sampling (off | drop | resample)
  max_prompt_length (256) max_completion_length (1024) temperature (0.7) top_p (0.95) top_k (50) min_p (0)
  stop ([]) reward_weights ({"task": 1}) reward_timeout (60) reward_on_error (-2) limit (100)
  adam_beta1/2 weight_decay max_grad_norm save_steps save_total_limit logging_steps log_completions_steps (10)
  eval_steps (null = end only; 0 = never) eval_limit eval_trials (1) eval_temperature eval_top_p
  eval_max_total_tokens eval_max_new_tokens (null = kindling eval's defaults) eval_batch_size (32)
  seed device dtype tensorboard threads
  (gradient_accumulation_steps is refused: a step already accumulates over its micro-batches)
${LORA_SETTINGS_HELP}
${MEMORY_SETTINGS_HELP}

Examples:
  kindling grpo --model runs/warmup/model --task mcq:physics --out runs/rlvr-physics --config configs/grpo/paper.yaml
  kindling grpo --model runs/warmup-lora/model --task kk --out runs/rlvr-kk-lora --config configs/grpo/lora.yaml`,
    )
    .action(async () => grpoStage(await readGrpoOptions(cmd)));
}

/** The options of a parsed `kindling grpo`: its named options, and the `--key value` settings. */
export async function readGrpoOptions(cmd: Command): Promise<GrpoOptions> {
  const { parseOverrides } = await import('../../train/config-load.js');
  return { ...cmd.opts<Omit<GrpoOptions, 'settings'>>(), settings: parseOverrides(cmd.args) };
}

/** `kindling grpo`: the run; exit code 130 when it stopped on Ctrl-C (a checkpoint was written). */
export async function grpoStage(o: GrpoOptions): Promise<void> {
  const { resolveConfig } = await import('../../train/config-load.js');
  const { GrpoConfigSchema } = await import('../../train/grpo-config.js');
  const { runGrpo } = await import('../../train/grpo.js');
  const { loadTrainingTask } = await import('../../train/training-tasks.js');
  const overrides = { ...o.settings };
  if (o.limit !== undefined) overrides.limit = Number(o.limit);
  const config = resolveConfig(GrpoConfigSchema, o.config, overrides);
  const { task, rows, domain } = await loadTrainingTask(o.task, { train: o.train, limit: config.limit });
  let evaluate: import('../../train/grpo.js').Evaluator | undefined;
  let close: (() => Promise<void>) | undefined;
  if (o.evalTasks) {
    const { resolveTask, splitSelectors } = await import('../../tasks/registry.js');
    const { periodicEval } = await import('../../eval/periodic.js');
    const entries = await Promise.all(splitSelectors(o.evalTasks).map((s) => resolveTask(s)));
    close = async () => {
      for (const e of entries) await e.close?.();
    };
    const label = o.evalLabel ?? `rlvr:${domain}`;
    evaluate = async (model, tokenizer, step) => {
      const r = await periodicEval({
        runDir: o.out,
        step,
        label,
        source: { model, tokenizer },
        tasks: entries,
        // The run's seed, as `kindling run` gives the final evaluation of this seed's models.
        protocol: {
          trials: config.eval_trials,
          seed: config.seed,
          ...(config.eval_temperature !== null ? { temperature: config.eval_temperature } : {}),
          ...(config.eval_top_p !== null ? { topP: config.eval_top_p } : {}),
          ...(config.eval_max_total_tokens !== null ? { maxTotalTokens: config.eval_max_total_tokens } : {}),
          maxNewTokens: config.eval_max_new_tokens, // null: no cap beyond the total, as kindling eval
        },
        batchPrompts: config.eval_batch_size,
        ...(config.eval_limit ? { limit: config.eval_limit } : {}),
      });
      const m: Record<string, number> = {};
      for (const t of r.results.results) m[`${t.task}/accuracy`] = t.score.mean;
      return m;
    };
  }
  try {
    const r = await runGrpo({
      model: o.model,
      ...(o.base ? { base: o.base } : {}),
      task,
      train: rows,
      out: o.out,
      config,
      resume: o.resume,
      progress: o.progress,
      ...(evaluate ? { evaluate } : {}),
    });
    if (r.stopped) process.exitCode = 130;
  } finally {
    await close?.();
    await task.close?.();
  }
}
