// `kindling generate`: sample completions of prompts from a model folder (batched, the n samples
// of a prompt share its prefill). Sampling defaults come from the folder's generation_config.json.
import type { Command } from 'commander';
import { Progress } from '../../util/progress.js';
import { BASE_HELP, parseFloatOption, parseIntOption } from '../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface GenerateCliOptions {
  model: string;
  base?: string;
  prompt: string[];
  n: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  maxNewTokens: number;
  stop?: string[];
  seed?: number;
  device: string;
  json?: boolean;
}

export function registerGenerate(program: Command): Command {
  return program
    .command('generate')
    .summary('sample completions of prompts from a model folder')
    .description(
      'sample completions of one or more prompts from a model folder (sampling defaults: the folder’s generation_config.json, else temperature 1); ' +
        'prints the text, or with --json every completion with its token ids, log-probs and finish reason',
    )
    .requiredOption('--model <dir>', 'model folder (config.json, safetensors, tokenizer files) or PEFT adapter folder')
    .option('--base <dir>', BASE_HELP)
    .requiredOption('--prompt <text>', 'prompt text (repeat for a batch of prompts)', collect)
    .option('--n <n>', 'samples per prompt (they share the prompt’s prefill)', parseIntOption('--n', 1), 1)
    .option('--temperature <t>', '0 = greedy', parseFloatOption('--temperature', 0))
    .option('--top-p <p>', 'nucleus sampling mass, 1 = off', parseFloatOption('--top-p', 0, 1))
    .option('--top-k <k>', 'keep the k most likely tokens, 0 = off', parseIntOption('--top-k', 0))
    .option('--min-p <p>', 'drop tokens below min_p × the top probability, 0 = off', parseFloatOption('--min-p', 0, 1))
    .option('--max-new-tokens <n>', 'tokens to generate at most', parseIntOption('--max-new-tokens', 1), 128)
    .option('--stop <text>', 'stop string (repeat for several; not included in the output)', collect)
    .option(
      '--seed <n>',
      'base seed: sample k of each prompt uses seed + k (default: random, printed with --json)',
      parseIntOption('--seed', 0),
    )
    .option('--device <device>', 'cpu | cuda | cuda:N | mps', 'cpu')
    .option(
      '--json',
      'print {"seed", "completions": [[{text, token_ids, logprobs, finish_reason, stop, prompt_tokens}] per prompt]}',
    )
    .action(async (o: GenerateCliOptions) => {
      const { isAdapterFolder, loadModel, resolveBaseModel, tokenizerFolder } = await import('../../model/index.js');
      const { loadTokenizer } = await import('../../tokenizer/index.js');
      const { generate } = await import('../../generate/index.js');
      const { samplingDefaults } = await import('../../serve/sampling-defaults.js');
      // An adapter folder samples with its base's generation_config.json defaults.
      const defaults = samplingDefaults(isAdapterFolder(o.model) ? resolveBaseModel(o.model, o.base) : o.model);
      const tokenizer = loadTokenizer(tokenizerFolder(o.model, o.base), 'model');
      const model = loadModel(o.model, { device: o.device, base: o.base ?? null });
      const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
      const progress = new Progress({
        label: 'generate',
        total: o.maxNewTokens,
        unit: 'step',
        every: 5,
        quietIfQuick: true,
      });
      const out = generate(model, tokenizer, o.prompt, {
        n: o.n,
        maxNewTokens: o.maxNewTokens,
        temperature: o.temperature ?? defaults.temperature,
        topP: o.topP ?? defaults.topP,
        topK: o.topK ?? defaults.topK,
        minP: o.minP ?? defaults.minP,
        stop: o.stop ?? [],
        seed,
        onStep: (step) => progress.set(step),
      });
      progress.close();
      if (o.json) {
        const completions = out.map((samples) =>
          samples.map((c) => ({
            text: c.text,
            token_ids: c.tokenIds,
            logprobs: c.logprobs,
            finish_reason: c.finishReason,
            stop: c.stopString,
            prompt_tokens: c.promptTokens,
          })),
        );
        process.stdout.write(`${JSON.stringify({ seed, completions })}\n`);
        return;
      }
      const one = out.length === 1 && o.n === 1;
      for (const [p, samples] of out.entries())
        for (const [k, c] of samples.entries()) {
          if (!one)
            console.log(`--- prompt ${p + 1}, sample ${k + 1} (${c.finishReason}, ${c.tokenIds.length} tokens)`);
          console.log(c.text);
        }
    });
}
