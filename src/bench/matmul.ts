// Matrix-multiply throughput through the binding (the engine's ceiling on this machine).
import * as torch from '../torch/index.js';

export interface MatmulResult {
  size: number;
  dtype: string;
  device: string;
  threads: number;
  iters: number;
  seconds: number;
  gflops: number;
}

export function benchMatmul(
  size: number,
  o: { dtype?: torch.DType; device?: string; minSeconds?: number } = {},
): MatmulResult {
  const dtype = o.dtype ?? 'float32';
  const device = o.device ?? 'cpu';
  const minSeconds = o.minSeconds ?? 1;
  return torch.scope(() => {
    const a = torch.randn([size, size], { dtype, device });
    const b = torch.randn([size, size], { dtype, device });
    // Warm-up: first calls allocate and spin up the thread pool.
    for (let i = 0; i < 3; i++) a.mm(b).dispose();
    torch.cuda.synchronize();
    let iters = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < minSeconds || iters < 5) {
      a.mm(b).dispose();
      iters++;
      if (iters % 5 === 0) torch.cuda.synchronize();
      elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    }
    torch.cuda.synchronize();
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    const gflops = (2 * size ** 3 * iters) / elapsed / 1e9;
    return { size, dtype, device, threads: torch.getNumThreads(), iters, seconds: elapsed, gflops };
  });
}
