// Data parallelism for the trainers over torch.distributed (src/torch/distributed.ts). Every rank
// holds a full replica; each optimizer step's work is shared out, gradients are summed by bucketed
// all-reduce (flatten into buckets of a few MB, all-reduce each, copy back) and every rank then takes
// the same optimizer step, so the replicas stay identical. The trainers normalise their losses by
// global quantities (the step's token count), so the summed gradient is exactly the one-process one.
//
// With no process group (WORLD_SIZE unset or 1) every method is the identity, and the trainers run
// exactly their one-process path.
import * as torch from '../torch/index.js';

const dist = torch.distributed;

export interface DataParallel {
  readonly rank: number;
  readonly worldSize: number;
  /** Rank 0: the one that writes checkpoints, metrics, samples and logs. */
  readonly isMain: boolean;
  /** The device this rank trains on: cuda → cuda:LOCAL_RANK when data-parallel. */
  device(configured: string): string;
  /** Items i with i % worldSize == rank (round-robin shares of a step's micro-batches). */
  roundRobin<T>(items: readonly T[]): T[];
  /** [start, end) of rank r's contiguous block when n items are split as evenly as possible. */
  block(n: number, r?: number): [number, number];
  /** Rank 0's parameter values on every rank. */
  broadcastParameters(params: readonly torch.Tensor[]): void;
  /** Sums gradients across ranks (in place); a parameter no rank has a gradient for keeps none. */
  allReduceGradients(params: readonly torch.Tensor[]): void;
  /** Element-wise sums across ranks of a few numbers (float64). */
  sum(values: readonly number[]): number[];
  /** Every rank's value (JSON), in rank order. */
  gather<T>(value: T): T[];
  /** Leaves the process group if this object joined it. */
  close(): void;
}

/** Gradients are reduced in buckets of about this many bytes (DDP's default is 25 MB; small buckets overlap nothing here, so a few MB keep the copies cache-friendly). */
export const BUCKET_BYTES = 4 * 1024 * 1024;

/** [start, end) of rank r's block when n items are split into worldSize contiguous blocks, the first n % worldSize one longer. */
export function contiguousBlock(n: number, worldSize: number, r: number): [number, number] {
  const base = Math.floor(n / worldSize);
  const extra = n % worldSize;
  const start = r * base + Math.min(r, extra);
  return [start, start + base + (r < extra ? 1 : 0)];
}

/** One process, no group: every method is the identity (pretraining, and any run without WORLD_SIZE). */
export const oneProcess: DataParallel = {
  rank: 0,
  worldSize: 1,
  isMain: true,
  device: (d) => d,
  roundRobin: (items) => [...items],
  block: (n) => [0, n],
  broadcastParameters: () => {},
  allReduceGradients: () => {},
  sum: (values) => [...values],
  gather: (value) => [value],
  close: () => {},
};

/**
 * The data-parallel context for a trainer: the process group already initialised by the caller,
 * or one joined here from RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT (as `kindling launch` and torchrun
 * set them; gloo for CPU training, nccl for CUDA), or the one-process identity.
 */
/** Runs a trainer with the process group of this launch (or a single process), closing it after. */
export async function withDataParallel<T>(device: string, run: (dp: DataParallel) => Promise<T>): Promise<T> {
  const dp = setupDataParallel(device);
  try {
    return await run(dp);
  } finally {
    dp.close();
  }
}

export function setupDataParallel(device: string, env: NodeJS.ProcessEnv = process.env): DataParallel {
  let owned = false;
  if (!dist.isInitialized()) {
    const world = Number(env.WORLD_SIZE ?? '1');
    if (!(world > 1)) return oneProcess;
    dist.initProcessGroup({ backend: device.startsWith('cuda') ? 'nccl' : 'gloo' });
    owned = true;
  }
  const rank = dist.getRank();
  const worldSize = dist.getWorldSize();
  if (worldSize === 1) {
    if (owned) dist.destroyProcessGroup();
    return oneProcess;
  }
  const commDevice = dist.getBackend() === 'nccl' ? `cuda:${dist.localRank(env)}` : 'cpu';
  const block = (n: number, r = rank): [number, number] => contiguousBlock(n, worldSize, r);
  return {
    rank,
    worldSize,
    isMain: rank === 0,
    device: (d) => (d === 'cuda' ? `cuda:${dist.localRank(env)}` : d),
    roundRobin: (items) => items.filter((_, i) => i % worldSize === rank),
    block,
    broadcastParameters: (params) =>
      bucketed(
        params,
        (p) => p,
        (flat) => dist.broadcast(flat, 0),
      ),
    allReduceGradients: (params) => {
      // Which parameters have a gradient anywhere: those get one everywhere (zeros where a rank had
      // no data); the rest keep none, so the optimizer skips them exactly as in one process.
      const has = torch.scope(() => {
        const t = torch.tensor(
          params.map((p) => (p.grad ? 1 : 0)),
          { device: commDevice },
        );
        dist.allReduce(t, 'max');
        return t.toArray();
      });
      const withGrad = params.filter((_, i) => has[i]! > 0);
      bucketed(
        withGrad,
        (p) => p.grad ?? torch.zerosLike(p),
        (flat) => dist.allReduce(flat, 'sum'),
        (p, part) => {
          const g = p.grad;
          if (g) g.copy_(part);
          else p.grad = part.clone();
        },
      );
    },
    sum: (values) =>
      torch.scope(() => {
        const t = torch.tensor([...values], { dtype: 'float64', device: commDevice });
        dist.allReduce(t, 'sum');
        return t.toArray();
      }),
    gather: (value) => dist.allGatherObject(value),
    close: () => {
      if (owned) dist.destroyProcessGroup();
    },
  };
}

/**
 * Runs op on flat copies of the tensors, a bucket of ≤ BUCKET_BYTES at a time (same dtype and
 * device within a bucket), then writes the results back (by default into the source tensors).
 */
function bucketed(
  params: readonly torch.Tensor[],
  source: (p: torch.Tensor) => torch.Tensor,
  op: (flat: torch.Tensor) => void,
  writeBack: (p: torch.Tensor, part: torch.Tensor) => void = (p, part) => p.copy_(part),
): void {
  torch.noGrad(() => {
    let bucket: torch.Tensor[] = [];
    let bytes = 0;
    const flush = () => {
      if (!bucket.length) return;
      torch.scope(() => {
        const flat = torch.cat(bucket.map((p) => source(p).flatten()));
        op(flat);
        let off = 0;
        for (const p of bucket) {
          const n = p.numel();
          writeBack(p, flat.narrow(0, off, n).view(p.shape));
          off += n;
        }
      });
      bucket = [];
      bytes = 0;
    };
    for (const p of params) {
      const size = p.numel() * p.elementSize();
      const first = bucket[0];
      if (first && (bytes + size > BUCKET_BYTES || first.dtype !== p.dtype || first.device !== p.device)) flush();
      bucket.push(p);
      bytes += size;
    }
    flush();
  });
}
