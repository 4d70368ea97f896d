// `kindling bench <what>`: throughput measurements through the binding; JSON for scripts in bench/.
import type { Command } from 'commander';
import type { GenerateBenchOptions, TrainBenchOptions } from '../../bench/model.js';
import type { DType } from '../../torch/index.js';
import { parseIntOption } from '../options.js';

/** What every bench command takes beside its shape: where, in what dtype, how many threads, JSON or text. */
interface EngineFlags {
  device: string;
  dtype: string;
  threads?: number;
  json?: boolean;
}
const engineFlags = (c: Command, dtypeHelp: string): Command =>
  c
    .option('--device <device>', 'cpu | cuda[:N] | mps', 'cpu')
    .option('--dtype <dtype>', dtypeHelp, 'float32')
    .option('--threads <n>', 'intra-op threads (default: libtorch decides)', parseIntOption('--threads', 1))
    .option('--json', 'print JSON');

/** Loads the engine with the requested thread count, measures, prints JSON or the one-line summary. */
async function runBench<R>(o: EngineFlags, measure: () => Promise<R>, summary: (r: R) => string): Promise<void> {
  const torch = await import('../../torch/index.js');
  if (o.threads) torch.setNumThreads(o.threads);
  const r = await measure();
  console.log(o.json ? JSON.stringify(r) : summary(r));
}

export function registerBench(program: Command): Command {
  const bench = program.command('bench').description('measure throughput (see bench/ for comparisons against PyTorch)');
  engineFlags(
    bench
      .command('matmul')
      .description('square float matrix multiply through the binding; prints GFLOP/s')
      .option('--size <n>', 'matrix size N (N×N @ N×N)', parseIntOption('--size', 1), 1024)
      .option('--seconds <s>', 'minimum measuring time', Number.parseFloat, 2),
    'float32 | float64 | bfloat16 | float16',
  ).action((o: EngineFlags & { size: number; seconds: number }) =>
    runBench(
      o,
      async () =>
        (await import('../../bench/matmul.js')).benchMatmul(o.size, {
          dtype: o.dtype as DType,
          device: o.device,
          minSeconds: o.seconds,
        }),
      (r) =>
        `matmul ${o.size}³ ${o.dtype} on ${o.device}: ${r.gflops.toFixed(1)} GFLOP/s (${r.iters} iterations, ${r.threads} threads)`,
    ),
  );
  engineFlags(
    bench
      .command('train')
      .description('forward + backward + AdamW on random tokens with a model config; prints ms/step and tokens/s')
      .requiredOption('--config <file>', 'HF config.json of the model shape (e.g. ../shared/bench/configs/s.json)')
      .option('--batch <n>', 'sequences per step', parseIntOption('--batch', 1), 16)
      .option('--seq <n>', 'tokens per sequence', parseIntOption('--seq', 1), 128)
      .option('--steps <n>', 'measured steps (after one warm-up step)', parseIntOption('--steps', 1), 8)
      .option('--amp', 'mixed precision: float32 parameters and optimizer state, forward under bfloat16 autocast'),
    'parameter dtype',
  ).action((o: EngineFlags & Omit<TrainBenchOptions, 'dtype'>) =>
    runBench(
      o,
      async () => (await import('../../bench/model.js')).benchTrain({ ...o, dtype: o.dtype as DType }),
      (r) => `train: ${r.ms_per_step} ms/step, ${r.tokens_per_s} tokens/s (${r.params} parameters)`,
    ),
  );
  engineFlags(
    bench
      .command('generate')
      .description('batched sampling with a model config (random weights); prints total ms and generated tokens/s')
      .requiredOption('--config <file>', 'HF config.json of the model shape')
      .option('--batch <n>', 'prompts', parseIntOption('--batch', 1), 16)
      .option('--prompt-len <n>', 'prompt tokens', parseIntOption('--prompt-len', 1), 64)
      .option('--new-tokens <n>', 'tokens generated per sample', parseIntOption('--new-tokens', 1), 64)
      .option('--n <n>', 'samples per prompt (sharing one prefill)', parseIntOption('--n', 1), 1)
      .option('--reps <n>', 'measured repetitions (after one warm-up)', parseIntOption('--reps', 1), 3)
      .option('--no-shared-prefix', "copy each prompt's keys/values into every sample's row (the plain layout)"),
    'parameter dtype',
  ).action((o: EngineFlags & Omit<GenerateBenchOptions, 'dtype'>) =>
    runBench(
      o,
      async () => (await import('../../bench/model.js')).benchGenerate({ ...o, dtype: o.dtype as DType }),
      (r) => `generate: ${r.ms_total} ms, ${r.tokens_per_s} tokens/s (${r.rows} rows)`,
    ),
  );
  return bench;
}
