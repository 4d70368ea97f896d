// Host-memory accounting: the bytes libtorch's CPU allocator hands out while a function runs, read
// from the allocator's own reports (the hook torch.profiler's profile_memory uses). Exact and
// deterministic, unlike RSS: what a memory bound in a test can rest on.
import { addonPath, native } from './native.js';

export interface HostMemory<T> {
  result: T;
  /** Highest number of bytes allocated inside fn and not yet freed, at any moment. */
  peakBytes: number;
  /** Bytes allocated inside fn still held when it returned. */
  liveBytes: number;
}

/**
 * Runs fn while counting the CPU tensor memory it allocates (not the memory that existed before).
 * Counts allocations on the calling thread, which is where libtorch allocates tensors on the CPU
 * (autograd's backward included). One measurement at a time.
 */
export function measureHostMemory<T>(fn: () => T): HostMemory<T> {
  if (typeof native.hostMemoryStart !== 'function')
    throw new Error(`${addonPath} predates host memory tracking: rebuild it with \`npm run build:native\``);
  native.hostMemoryStart();
  try {
    const result = fn();
    const [liveBytes, peakBytes] = native.hostMemoryRead() as [number, number];
    return { result, peakBytes, liveBytes };
  } finally {
    native.hostMemoryStop();
  }
}
