// What a sandbox job is and what comes back. The sandbox runs a *trusted* Python driver that is
// handed an *untrusted* program as data; the driver announces numbered steps (module execution,
// one test input, ...) and the pool enforces a wall-clock limit on each step by terminating the
// worker that overran and starting a replacement.

/** Values a driver receives in `ctx.payload` (JSON-serialisable). */
export type PayloadValue = string | number | boolean | null | PayloadValue[] | { [key: string]: PayloadValue };

export interface SandboxJob {
  /** Trusted Python source that defines `main(ctx) -> dict`. */
  driver: string;
  /** Untrusted Python source, given to the driver as `ctx.program`; never executed by the sandbox itself. */
  program: string;
  /** Small named values for the driver (`ctx.payload`). */
  payload?: Record<string, PayloadValue>;
  /** Binary blobs for the driver (`ctx.blobs`, a list of `bytes`). */
  blobs?: Uint8Array[];
  /**
   * Wall-clock limit in ms of step i (the driver calls `ctx.step(i)` when step i starts); steps
   * beyond the list get `totalLimitMs`. The driver may also record one integer with `ctx.mark(v)`:
   * it is reported with timeouts and crashes, whose other results are lost with the interpreter.
   */
  stepLimitsMs: readonly number[];
  /** Wall-clock limit in ms of the whole job, counted from the first step. */
  totalLimitMs: number;
}

/** Output the program wrote, kept up to the pool's `outputLimitBytes` per stream. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
  /** Characters written in total (what was kept may be shorter). */
  stdoutChars: number;
  stderrChars: number;
  truncated: boolean;
}

export type SandboxOutcome =
  /** The driver returned; `result` is its dict, `bytes` the optional `_bytes` entry it returned. */
  | { kind: 'done'; result: Record<string, unknown>; bytes: Uint8Array | null }
  /** The driver itself raised (a bug in trusted code, or the program broke the interpreter). */
  | { kind: 'driver_error'; message: string }
  /**
   * A limit was overrun: `scope` 'step' (step `step` overran `limitMs`), 'total' (the job overran
   * `totalLimitMs` during step `step`) or 'setup' (the interpreter did not reach the first step).
   */
  | { kind: 'timeout'; scope: 'step' | 'total' | 'setup'; step: number; limitMs: number; mark: number }
  /** The interpreter died during step `step` (-1: before the first): a fatal Pyodide error (e.g. the wasm stack overflowed) or the worker crashed. */
  | { kind: 'crash'; message: string; step: number; mark: number };

export interface SandboxResult {
  outcome: SandboxOutcome;
  /** Empty when the worker had to be terminated (its buffers went with it). */
  output: CapturedOutput;
  /** Wall time from dispatch to answer, ms (includes loading the fresh interpreter). */
  wallMs: number;
}

export interface SandboxPoolOptions {
  /** Worker threads (default: min(2, available cores)). */
  workers?: number;
  /** Cap on one interpreter's WebAssembly memory, MiB (default 1024). Allocation beyond it raises MemoryError. */
  memoryLimitMb?: number;
  /** Characters of stdout and of stderr kept per job (default 16384 each). */
  outputLimitChars?: number;
  /** Limit on a worker's start (loading Pyodide, the first one also building the snapshot), ms (default 120000). */
  startupTimeoutMs?: number;
  /** Limit on loading a fresh interpreter and entering the driver before its first step, ms (default 30000). */
  setupTimeoutMs?: number;
}
