// Messages between the pool (main thread) and a sandbox worker.
import type { WasmModule } from './wasm-guard.js';

export interface InitMessage {
  type: 'init';
  memoryLimitBytes: number;
  outputLimitChars: number;
  /** Int32Array view [sequence, step, mark]: the worker bumps the sequence when a step starts; the pool watches it. */
  progress: SharedArrayBuffer;
  /** The interpreter snapshot to restore from; null for the first worker, which builds it. */
  snapshot: SharedArrayBuffer | null;
  /** The compiled Pyodide module, when the pool already has one. */
  module: WasmModule | null;
}

export interface ReadyMessage {
  type: 'ready';
  /** Set by the worker that built the snapshot. */
  snapshot: SharedArrayBuffer | null;
  module: WasmModule | null;
}

export interface JobMessage {
  type: 'job';
  id: number;
  driver: string;
  program: string;
  payloadJson: string;
  blobs: Uint8Array[];
}

export interface ResultMessage {
  type: 'result';
  id: number;
  /** JSON text from the prelude's _kindling_run, or null when the interpreter crashed. */
  reply: string | null;
  bytes: Uint8Array | null;
  crash: string | null;
  /** What reached the low-level stdout/stderr (os.write, sys.__stdout__), kept up to the limit. */
  fdOut: string;
  fdErr: string;
  fdOutChars: number;
  fdErrChars: number;
}

/** A line the worker thread printed (kept by the pool for crash reports). */
export interface LogMessage {
  type: 'log';
  text: string;
}

export type ToWorker = InitMessage | JobMessage;
export type FromWorker = ReadyMessage | ResultMessage | LogMessage;
