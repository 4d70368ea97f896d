// `kindling pretrain`: next-token training of an initialised model on a text corpus.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MEMORY_SETTINGS_HELP } from '../settings-help.js';

export function registerPretrain(program: Command): void {
  program
    .command('pretrain')
    .description(
      'pretrain a model (from `kindling model init`) on a text corpus: documents separated by blank lines, packed into windows',
    )
    .requiredOption('--model <dir>', 'initialised model folder with its tokenizer')
    .requiredOption('--corpus <file>', 'UTF-8 text; documents are separated by blank lines')
    .requiredOption('--out <dir>', 'run folder: config.json, metrics.jsonl, checkpoints/, model/')
    .option('--config <file>', 'YAML/JSON settings; --key value flags override it')
    .option('--resume', 'continue from the newest checkpoint in --out')
    .option('--no-progress', 'no progress output (the final summary line stays)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Settings (any as --key value): learning_rate (1e-3) lr_scheduler_type (cosine) warmup_steps (100) max_steps (2000)
  per_device_train_batch_size (32) seq_length (256) gradient_accumulation_steps (1) weight_decay (0.1)
  adam_beta1 (0.9) adam_beta2 (0.95) max_grad_norm (1) eval_split (0.01) eval_steps (200) save_steps (500)
  seed (42) device (cpu) dtype (float32) tensorboard threads
${MEMORY_SETTINGS_HELP}

Example:
  kindling model init --config configs/demo/model.json --train-tokenizer corpus.txt --vocab 2048 --out runs/init
  kindling pretrain --model runs/init --corpus corpus.txt --out runs/pretrain --max_steps 3000`,
    )
    .action(
      async (
        o: { model: string; corpus: string; out: string; config?: string; resume?: boolean; progress: boolean },
        cmd: Command,
      ) => {
        const { parseOverrides, resolveConfig } = await import('../../train/config-load.js');
        const { PretrainConfigSchema } = await import('../../train/pretrain-config.js');
        const { runPretrain } = await import('../../train/pretrain.js');
        const { loadTokenizer } = await import('../../tokenizer/load.js');
        const config = resolveConfig(PretrainConfigSchema, o.config, parseOverrides(cmd.args));
        let text: string;
        try {
          text = readFileSync(o.corpus, 'utf8');
        } catch (e) {
          throw new Error(
            `cannot read corpus ${o.corpus}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          );
        }
        const documents = text
          .split(/\n\s*\n/)
          .map((d) => d.trim())
          .filter(Boolean);
        if (documents.length === 0) throw new Error(`${o.corpus}: no documents (the file is empty)`);
        await runPretrain(
          { model: o.model, documents, out: o.out, config, resume: o.resume, progress: o.progress },
          loadTokenizer(o.model, 'model'),
        );
      },
    );
}
