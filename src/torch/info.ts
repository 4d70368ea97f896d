// What libtorch is loaded and what it can do (for `kindling doctor`).
import { buildInfo, native } from './native.js';

export function version(): string {
  return native.version();
}
export function getNumThreads(): number {
  return native.getNumThreads();
}
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  native.setNumThreads(n);
}
export function getNumInteropThreads(): number {
  return native.getNumInteropThreads();
}
export const cuda = {
  isAvailable: (): boolean => native.cudaIsAvailable(),
  deviceCount: (): number => native.cudaDeviceCount(),
  synchronize: (): void => native.cudaSynchronize(),
  /** Peak bytes allocated on CUDA device `index` since the last reset (torch.cuda.max_memory_allocated). */
  maxMemoryAllocated: (index = 0): number => native.acceleratorMaxMemoryAllocated(index),
  /** Starts a new peak for maxMemoryAllocated (torch.cuda.reset_peak_memory_stats). */
  resetPeakMemoryStats: (index = 0): void => native.acceleratorResetPeakMemory(index),
};
export const mps = {
  isAvailable: (): boolean => native.mpsIsAvailable(),
};
/** libtorch's build configuration (at::show_config()). */
export function showConfig(): string {
  return native.showConfig();
}
export function parallelInfo(): string {
  return native.parallelInfo();
}

export interface RuntimeInfo {
  libtorch: { version: string; path: string | null; foundBy: string | null; cxx11Abi: boolean };
  cpuCapability: string | null;
  blas: string | null;
  threads: { intraop: number; interop: number; ompWaitPolicy: string | null };
  cuda: { available: boolean; devices: number };
  mps: { available: boolean };
  node: string;
}

export function runtimeInfo(): RuntimeInfo {
  const cfg = showConfig();
  const b = buildInfo();
  const cap = /CPU capability usage:\s*(\S+)/.exec(cfg)?.[1] ?? null;
  const blas = /BLAS_INFO=([^,\s]+)/.exec(cfg)?.[1] ?? (cfg.includes('MKL') ? 'mkl' : null);
  return {
    libtorch: {
      version: version(),
      path: b?.libtorch.root ?? null,
      foundBy: b?.libtorch.how ?? null,
      cxx11Abi: native.cxx11Abi(),
    },
    cpuCapability: cap,
    blas,
    threads: {
      intraop: getNumThreads(),
      interop: getNumInteropThreads(),
      ompWaitPolicy: process.env.OMP_WAIT_POLICY ?? null,
    },
    cuda: { available: cuda.isAvailable(), devices: cuda.deviceCount() },
    mps: { available: mps.isAvailable() },
    node: process.version,
  };
}

/**
 * Elementwise, reduction and copy ops on fewer elements run on the calling thread, without waking
 * the OpenMP workers (see SERIAL_BELOW_DEFAULT in native.ts; 0 = libtorch's own rule). Per process.
 */
export function getSerialBelow(): number {
  return native.getSerialBelow();
}
export function setSerialBelow(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`setSerialBelow: expected a non-negative integer, got ${n}`);
  native.setSerialBelow(n);
}
