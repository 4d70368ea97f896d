// `kindling sft`: the warmup stage — supervised fine-tuning on teacher traces.
import type { Command } from 'commander';
import type { SftOptions } from '../../pipeline/calls.js';
import { BASE_HELP } from '../options.js';
import { LORA_SETTINGS_HELP, MEMORY_SETTINGS_HELP } from '../settings-help.js';

export function registerSft(program: Command): void {
  const cmd = program.command('sft');
  cmd
    .description(
      'supervised fine-tuning (warmup) on prompt/completion JSONL with the loss on completions only; resumable',
    )
    .requiredOption(
      '--model <dir>',
      'base model folder (Hugging Face format, with tokenizer files) or PEFT adapter folder',
    )
    .option('--base <dir>', BASE_HELP)
    .requiredOption(
      '--data <file>',
      'training rows (.jsonl, .jsonl.gz or .parquet): {prompt, completion} (what `kindling distill` writes) or {text} with response_template',
    )
    .requiredOption('--out <dir>', 'run folder: config.json, metrics.jsonl, checkpoints/, model/')
    .option('--config <file>', 'YAML/JSON settings (e.g. configs/sft/paper.yaml); --key value flags override it')
    .option('--resume', 'continue from the newest checkpoint in --out')
    .option('--no-progress', 'no progress output (the final summary line stays)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Settings (TRL names; any of them as --key value, e.g. --learning_rate 1e-4 --max_steps 50):
  learning_rate (2e-5) num_train_epochs (1) max_steps (-1) per_device_train_batch_size (8)
  gradient_accumulation_steps (1) warmup_steps (0) warmup_ratio (0) lr_scheduler_type
  (linear | constant | constant_with_warmup | cosine) weight_decay (0) no_decay_norms_and_biases (true)
  adam_beta1 (0.9) adam_beta2 (0.999) adam_epsilon (1e-8) max_grad_norm (1; 0 = off) max_length (1024)
  truncation (truncate | drop) response_template (null) completion_only_loss (true) append_eos (true)
  eval_split (0) eval_data (null) eval_steps (null) save_steps (500) save_total_limit (2)
  logging_steps (1) seed (42) device (cpu) dtype (float32) tensorboard (false) threads (null)
  max_tokens_per_microbatch (null)
${LORA_SETTINGS_HELP}
${MEMORY_SETTINGS_HELP}

Examples:
  kindling sft --model runs/base --data traces.jsonl --out runs/warmup --config configs/sft/demo.yaml
  kindling sft --model Qwen2.5-1.5B --data traces.jsonl --out runs/warmup-lora --config configs/sft/lora.yaml`,
    )
    .action(async () => sftStage(await readSftOptions(cmd)));
}

/** The options of a parsed `kindling sft`: its named options, and the `--key value` settings. */
export async function readSftOptions(cmd: Command): Promise<SftOptions> {
  const { parseOverrides } = await import('../../train/config-load.js');
  return { ...cmd.opts<Omit<SftOptions, 'settings'>>(), settings: parseOverrides(cmd.args) };
}

/** `kindling sft`: the run; exit code 130 when it stopped on Ctrl-C (a checkpoint was written). */
export async function sftStage(o: SftOptions): Promise<void> {
  const { model, base, data, out, config: file, resume, progress, settings } = o;
  const { resolveConfig } = await import('../../train/config-load.js');
  const { SftConfigSchema } = await import('../../train/sft-config.js');
  const { runSft } = await import('../../train/sft.js');
  const config = resolveConfig(SftConfigSchema, file, settings);
  const r = await runSft({ model, ...(base ? { base } : {}), data, out, config, resume, progress });
  if (r.stopped) process.exitCode = 130;
}
