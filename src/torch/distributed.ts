// torch.distributed for kindling: the default process group of libtorch's c10d (TCPStore
// rendezvous; Gloo for CPU tensors, NCCL for CUDA tensors when the binding was built with it).
// Names follow torch.distributed in camelCase; settings not given come from the variables torchrun
// and `kindling launch` set: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.
//
// Collectives are synchronous and bounded by the group's timeout: a rank that dies or stops
// answering makes the others' next collective throw (naming the operation and rank), never hang.
import { fromBuffer, tensor } from './creation.js';
import type { Device } from './dtype.js';
import { type Handle, native } from './native.js';
import { scope } from './scope.js';
import { Tensor } from './tensor.js';

export type Backend = 'gloo' | 'nccl';
/** Reductions; 'avg' is a sum divided by the world size (Gloo has no native average). */
export type ReduceOp = 'sum' | 'avg' | 'product' | 'min' | 'max';

// c10d::ReduceOp::RedOpType codes.
const OP_CODES = { sum: 0, product: 2, min: 3, max: 4 } as const;

/** torch's default: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

export interface InitOptions {
  /** 'gloo' (CPU tensors) or 'nccl' (CUDA tensors). Default: gloo. */
  backend?: Backend;
  /** Default: $RANK. */
  rank?: number;
  /** Default: $WORLD_SIZE. */
  worldSize?: number;
  /** The host of rank 0's rendezvous store. Default: $MASTER_ADDR, else 127.0.0.1. */
  masterAddr?: string;
  /** Default: $MASTER_PORT, else 29500. */
  masterPort?: number;
  /** Rendezvous and every collective fail after this long. Default: $KINDLING_DIST_TIMEOUT_MS, else 30 min. */
  timeoutMs?: number;
}

function envInt(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`environment variable ${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** The settings initProcessGroup would use, from options and then the environment. */
export function resolveInit(o: InitOptions = {}, env: NodeJS.ProcessEnv = process.env): Required<InitOptions> {
  const rank = o.rank ?? envInt('RANK', env);
  const worldSize = o.worldSize ?? envInt('WORLD_SIZE', env);
  if (rank === undefined || worldSize === undefined)
    throw new Error(
      'initProcessGroup: rank and worldSize are needed (options, or RANK and WORLD_SIZE as `kindling launch` and torchrun set them)',
    );
  if (worldSize < 1 || rank >= worldSize)
    throw new RangeError(`initProcessGroup: rank ${rank} is not in [0, ${worldSize})`);
  const masterPort = o.masterPort ?? envInt('MASTER_PORT', env) ?? 29500;
  if (masterPort < 1 || masterPort > 65535)
    throw new RangeError(`initProcessGroup: master port ${masterPort} is not a TCP port`);
  const timeoutMs = o.timeoutMs ?? envInt('KINDLING_DIST_TIMEOUT_MS', env) ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`initProcessGroup: timeoutMs must be positive, got ${timeoutMs}`);
  return {
    backend: o.backend ?? 'gloo',
    rank,
    worldSize,
    masterAddr: o.masterAddr ?? env.MASTER_ADDR ?? '127.0.0.1',
    masterPort,
    timeoutMs,
  };
}

/**
 * Joins the default process group: blocks until every rank has joined (or throws after the
 * timeout). Rank 0 hosts the rendezvous store at masterAddr:masterPort.
 */
export function initProcessGroup(o: InitOptions = {}): void {
  const s = resolveInit(o);
  if (s.backend === 'nccl' && !native.distHasNccl())
    throw new Error(
      'initProcessGroup: this build of the binding has no NCCL (it needs a CUDA libtorch and nccl.h when built); use gloo',
    );
  native.distInit(s.backend, s.rank, s.worldSize, s.masterAddr, s.masterPort, s.timeoutMs);
}

export function isInitialized(): boolean {
  return native.distIsInitialized();
}
export function getRank(): number {
  return native.distRank();
}
export function getWorldSize(): number {
  return native.distWorldSize();
}
export function getBackend(): Backend {
  return native.distBackend();
}
/** Whether the binding was built with NCCL. */
export function isNcclAvailable(): boolean {
  return native.distHasNccl();
}
/** $LOCAL_RANK (the rank on this node), 0 when unset. */
export function localRank(env: NodeJS.ProcessEnv = process.env): number {
  return envInt('LOCAL_RANK', env) ?? 0;
}

/** Reduces t across ranks in place: afterwards every rank holds the result. */
export function allReduce(t: Tensor, op: ReduceOp = 'sum'): void {
  native.distAllReduce(t.handle, OP_CODES[op === 'avg' ? 'sum' : op]);
  if (op === 'avg') t.mul_(1 / getWorldSize());
}

/** Copies rank src's t into every other rank's t (in place). */
export function broadcast(t: Tensor, src = 0): void {
  native.distBroadcast(t.handle, src);
}

/** Every rank's t (same shape and dtype on all ranks), in rank order. */
export function allGather(t: Tensor): Tensor[] {
  return (native.distAllGather(t.handle) as Handle[]).map((h) => new Tensor(h));
}

/** Waits until every rank has called barrier(). */
export function barrier(): void {
  native.distBarrier();
}

/** Leaves the default group (idempotent). */
export function destroyProcessGroup(): void {
  native.distDestroy();
}

/** Where object collectives stage their bytes: NCCL moves CUDA tensors only. */
function objectDevice(): Device {
  return getBackend() === 'nccl' ? `cuda:${localRank()}` : 'cpu';
}

/** Every rank's JSON-serialisable value, in rank order (for small things: metrics, rewards, texts). */
export function allGatherObject<T>(value: T): T[] {
  return scope(() => {
    const dev = objectDevice();
    const bytes = Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
    const sizes = allGather(tensor([bytes.length], { dtype: 'int64', device: dev })).map((s) => s.item());
    const max = Math.max(...sizes);
    const padded = new Uint8Array(max);
    padded.set(bytes);
    const mine = fromBuffer(padded, 'uint8', [max]).to({ device: dev });
    return allGather(mine).map((t, r) => JSON.parse(t.toBuffer().subarray(0, sizes[r]).toString('utf8')) as T);
  });
}

/** Rank src's JSON-serialisable value on every rank. */
export function broadcastObject<T>(value: T, src = 0): T {
  return scope(() => {
    const dev = objectDevice();
    const bytes = Buffer.from(getRank() === src ? (JSON.stringify(value) ?? 'null') : '', 'utf8');
    const size = tensor([bytes.length], { dtype: 'int64', device: dev });
    broadcast(size, src);
    const n = size.item();
    const buf = fromBuffer(getRank() === src ? bytes : new Uint8Array(n), 'uint8', [n]).to({ device: dev });
    broadcast(buf, src);
    return JSON.parse(buf.toBuffer().toString('utf8')) as T;
  });
}
