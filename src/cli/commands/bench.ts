// `kindling bench <what>`: throughput measurements through the binding; JSON for scripts in bench/.
import type { Command } from 'commander';
import { parseIntOption } from '../options.js';

export function registerBench(program: Command): Command {
  const bench = program.command('bench').description('measure throughput (see bench/ for comparisons against PyTorch)');
  bench
    .command('matmul')
    .description('square float matrix multiply through the binding; prints GFLOP/s')
    .option('--size <n>', 'matrix size N (N×N @ N×N)', parseIntOption('--size', 1), 1024)
    .option('--dtype <dtype>', 'float32 | float64 | bfloat16 | float16', 'float32')
    .option('--device <device>', 'cpu | cuda | cuda:N | mps', 'cpu')
    .option('--seconds <s>', 'minimum measuring time', Number.parseFloat, 2)
    .option('--threads <n>', 'intra-op threads (default: libtorch decides)', parseIntOption('--threads', 1))
    .option('--json', 'print JSON')
    .action(async (o: { size: number; dtype: string; device: string; seconds: number; threads?: number; json?: boolean }) => {
      const torch = await import('../../torch/index.js');
      const { benchMatmul } = await import('../../bench/matmul.js');
      if (o.threads) torch.setNumThreads(o.threads);
      const r = benchMatmul(o.size, { dtype: o.dtype as import('../../torch/index.js').DType, device: o.device, minSeconds: o.seconds });
      if (o.json) console.log(JSON.stringify(r));
      else console.log(`matmul ${o.size}³ ${o.dtype} on ${o.device}: ${r.gflops.toFixed(1)} GFLOP/s (${r.iters} iterations, ${r.threads} threads)`);
    });
  return bench;
}
