// `kindling model init|logits|merge`: make a randomly initialised model folder in Hugging Face format
// (with a byte-level, given or freshly trained tokenizer), print a folder's logits, and merge a PEFT
// adapter folder into its base.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { Progress } from '../../util/progress.js';
import { BASE_HELP, parseIntOption } from '../options.js';

/** "1,2,3" → [1, 2, 3]. */
function parseTokens(value: string): number[] {
  const ids = value.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^\d+$/.test(s)))
    throw new InvalidArgumentError(`--tokens must be comma-separated token ids like 1,2,3; got '${value}'`);
  return ids.map(Number);
}

const collectTokens = (v: string, prev: number[][] = []) => [...prev, parseTokens(v)];

export function registerModel(program: Command): Command {
  const model = program
    .command('model')
    .description('create model folders in Hugging Face format, inspect their logits, merge LoRA adapters into them');

  model
    .command('init')
    .description(
      'randomly initialise a model from a config.json (normal(0, initializer_range), seeded) and save a folder transformers loads: ' +
        'config.json, model.safetensors, generation_config.json, tokenizer.json, tokenizer_config.json. Without --tokenizer or ' +
        '--train-tokenizer the tokenizer is byte-level (256 bytes + <|endoftext|>, <|im_start|>, <|im_end|>), so vocab_size ≥ 259 is enough',
    )
    .requiredOption(
      '--config <file>',
      'Hugging Face config.json (Qwen2ForCausalLM, LlamaForCausalLM or Qwen3ForCausalLM)',
    )
    .requiredOption('--out <dir>', 'folder to write')
    .option('--tokenizer <dir>', 'copy the tokenizer of this folder (tokenizer.json, or vocab.json + merges.txt)')
    .option('--train-tokenizer <corpus.txt>', 'train a byte-level BPE on this UTF-8 text file')
    .option(
      '--vocab <n>',
      'tokenizer size for --train-tokenizer (default: the config’s vocab_size)',
      parseIntOption('--vocab', 259),
    )
    .option('--seed <n>', 'initialisation seed', parseIntOption('--seed', 0), 0)
    .addOption(
      new Option('--dtype <dtype>', 'weight dtype on disk')
        .choices(['float32', 'bfloat16', 'float16'])
        .default('float32'),
    )
    .option('--force', 'overwrite a folder that already holds a model')
    .action(
      async (o: {
        config: string;
        out: string;
        tokenizer?: string;
        trainTokenizer?: string;
        vocab?: number;
        seed: number;
        dtype: string;
        force?: boolean;
      }) => {
        const { readConfig } = await import('../../model/config.js');
        const tk = await import('../../tokenizer/index.js');
        if (o.tokenizer && o.trainTokenizer) throw new Error('use either --tokenizer or --train-tokenizer, not both');
        if (o.vocab !== undefined && !o.trainTokenizer) throw new Error('--vocab goes with --train-tokenizer');
        if (existsSync(join(o.out, 'config.json')) && !o.force)
          throw new Error(`${o.out} already holds a model (config.json); pass --force to overwrite it`);
        const config = readConfig(o.config);

        let tokenizer: import('../../tokenizer/index.js').Tokenizer;
        let source: string;
        if (o.tokenizer) {
          tokenizer = tk.loadTokenizer(o.tokenizer);
          source = `the tokenizer of ${o.tokenizer}`;
        } else if (o.trainTokenizer) {
          const vocabSize = o.vocab ?? config.vocab_size;
          let corpus: string;
          try {
            corpus = readFileSync(o.trainTokenizer, 'utf8');
          } catch (e) {
            throw new Error(
              `cannot read --train-tokenizer corpus ${o.trainTokenizer}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
            );
          }
          if (corpus.trim() === '') throw new Error(`--train-tokenizer corpus ${o.trainTokenizer} is empty`);
          let progress: Progress | null = null;
          tokenizer = tk.trainByteLevelBpe(corpus, {
            vocabSize,
            onProgress: (done, total) => {
              progress ??= new Progress({
                label: 'training tokenizer',
                total,
                unit: 'merge',
                every: 5,
                quietIfQuick: true,
              });
              progress.set(done);
            },
          });
          (progress as Progress | null)?.close();
          source = `a byte-level BPE of ${tokenizer.vocabSize} tokens trained on ${o.trainTokenizer}`;
        } else {
          tokenizer = tk.byteLevelTokenizer();
          source = 'the byte-level tokenizer';
        }
        if (config.vocab_size < tokenizer.vocabSize)
          throw new Error(
            `${o.config}: vocab_size ${config.vocab_size} is smaller than ${source} (${tokenizer.vocabSize} tokens); ` +
              `set vocab_size ≥ ${tokenizer.vocabSize}`,
          );

        // The config's token ids follow the tokenizer unless the config names them already. A chat
        // template that ends turns with <|im_end|> makes it an EOS too (as Qwen2.5-Instruct's
        // generation_config does), so chats stop at the end of the assistant's turn.
        const ids = tokenizer.generationTokenIds();
        const eos = [...tokenizer.eosTokenIds];
        const imEnd = tokenizer.tokenToId('<|im_end|>');
        if (tokenizer.chatTemplate?.includes('<|im_end|>') && imEnd !== undefined && !eos.includes(imEnd))
          eos.push(imEnd);
        const withIds = {
          ...config,
          bos_token_id: config.bos_token_id ?? ids.bos_token_id ?? null,
          eos_token_id: config.eos_token_id ?? ids.eos_token_id ?? null,
          pad_token_id: config.pad_token_id ?? ids.pad_token_id ?? null,
        };
        const generation: Record<string, unknown> = { eos_token_id: eos.length === 1 ? eos[0] : eos };
        if (ids.bos_token_id != null) generation.bos_token_id = ids.bos_token_id;
        if (ids.pad_token_id != null) generation.pad_token_id = ids.pad_token_id;

        const { initModel, saveModel, expectedParameterNames, parameterShape } = await import('../../model/index.js');
        // No per-tensor hooks in init/save: a status line before each slow phase (large configs take minutes).
        const count = expectedParameterNames(config).reduce(
          (n, name) => n + parameterShape(config, name).reduce((a, b) => a * b, 1),
          0,
        );
        const t0 = Date.now();
        process.stderr.write(`model init: initialising ${(count / 1e6).toFixed(2)} M parameters…\n`);
        const m = initModel(withIds, { seed: o.seed });
        process.stderr.write(`model init: writing ${o.out}…\n`);
        saveModel(m, o.out, { tokenizer, generation, dtype: o.dtype as 'float32' | 'bfloat16' | 'float16' });
        const files = readdirSync(o.out).sort().join(', ');
        console.log(
          `model init: ${config.architecture}, ${(m.numParameters() / 1e6).toFixed(2)} M parameters (seed ${o.seed}, ${o.dtype}), ` +
            `${source}, vocab_size ${config.vocab_size} → ${o.out} (${files}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
      },
    );

  model
    .command('logits')
    .description('run a model folder on token id sequences and print the logits of every position')
    .requiredOption('--model <dir>', 'model folder (config.json + safetensors) or PEFT adapter folder')
    .option('--base <dir>', BASE_HELP)
    .requiredOption(
      '--tokens <ids>',
      'comma-separated token ids, e.g. 1,2,3 (repeat for more sequences)',
      collectTokens,
    )
    .option('--json', 'print {"logits": [[[…vocab floats…] per position] per sequence]}')
    .option('--device <device>', 'cpu | cuda | cuda:N | mps', 'cpu')
    .action(async (o: { model: string; base?: string; tokens: number[][]; json?: boolean; device: string }) => {
      const torch = await import('../../torch/index.js');
      const { loadModel, tokenizerFolder } = await import('../../model/index.js');
      const m = loadModel(o.model, { device: o.device, base: o.base ?? null });
      const V = m.config.vocab_size;
      o.tokens.forEach((seq, i) => {
        const bad = seq.find((t) => t >= V);
        if (bad !== undefined)
          throw new Error(`--tokens #${i + 1}: token id ${bad} is not below the model's vocab_size ${V}`);
      });
      // Each sequence runs alone (no padding), in float32.
      const logits = torch.noGrad(() =>
        o.tokens.map((seq) =>
          torch.scope(
            () =>
              m
                .forward(torch.tensor([seq], { dtype: 'int64', device: o.device }))
                .select(0, 0)
                .float()
                .tolist() as number[][],
          ),
        ),
      );
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ logits })}\n`);
        return;
      }
      let tok: import('../../tokenizer/index.js').Tokenizer | null = null;
      try {
        tok = (await import('../../tokenizer/index.js')).loadTokenizer(tokenizerFolder(o.model, o.base), 'model');
      } catch {
        tok = null; // a folder without tokenizer files still has logits
      }
      logits.forEach((seq, i) => {
        const last = seq[seq.length - 1]!;
        const top = [...last.keys()].sort((a, b) => last[b]! - last[a]!).slice(0, 5);
        const show = (id: number) => (tok ? `${id} ${JSON.stringify(tok.decode([id]))}` : String(id));
        console.log(
          `sequence ${i + 1}: ${seq.length} positions × ${V} logits; after the last token, the top 5: ${top.map((t) => `${show(t)} (${last[t]!.toFixed(3)})`).join(', ')}`,
        );
      });
    });
  model
    .command('merge')
    .description(
      'add a PEFT LoRA adapter folder into its base model (PEFT merge_and_unload) and write a plain Hugging Face folder ' +
        '(config.json, safetensors, generation_config.json, tokenizer files) that transformers, vLLM or any kindling command loads',
    )
    .requiredOption('--adapter <dir>', 'PEFT adapter folder (adapter_config.json + adapter_model.safetensors)')
    .requiredOption('--out <dir>', 'folder to write')
    .option('--base <dir>', "the adapter's base model folder (default: its base_model_name_or_path)")
    .addOption(
      new Option('--dtype <dtype>', "weight dtype on disk (default: the base's)").choices([
        'float32',
        'bfloat16',
        'float16',
      ]),
    )
    .option('--force', 'overwrite a folder that already holds a model')
    .addHelpText(
      'after',
      `
The deltas s·B·A are added in float32, then the weights are stored in --dtype. The tokenizer is
the adapter folder's (kindling's trainers save it there), else the base's.

Example:
  kindling model merge --adapter runs/warmup-lora/model --out runs/warmup-merged`,
    )
    .action(async (o: { adapter: string; out: string; base?: string; dtype?: string; force?: boolean }) => {
      const { mergeAdapterFolder, tokenizerFolder, readAdapterConfig } = await import('../../model/index.js');
      const { loadTokenizer } = await import('../../tokenizer/index.js');
      const t0 = Date.now();
      let tokenizer: import('../../tokenizer/index.js').Tokenizer | undefined;
      let tokenizerNote = '';
      try {
        tokenizer = loadTokenizer(tokenizerFolder(o.adapter, o.base));
      } catch (e) {
        tokenizerNote = `; no tokenizer written (${(e as Error).message})`;
      }
      const r = mergeAdapterFolder(o.adapter, o.out, {
        ...(o.base ? { base: o.base } : {}),
        ...(o.dtype ? { dtype: o.dtype as 'float32' | 'bfloat16' | 'float16' } : {}),
        ...(o.force ? { force: true } : {}),
        ...(tokenizer ? { tokenizer } : {}),
      });
      const a = readAdapterConfig(o.adapter);
      console.log(
        `model merge: ${o.adapter} (LoRA r=${a.r}, alpha=${a.lora_alpha}) + ${r.base} → ${o.out} (${r.dtype}) in ${((Date.now() - t0) / 1000).toFixed(1)} s${tokenizerNote}`,
      );
    });
  return model;
}
