// A pool of worker threads running Python in Pyodide. Each job gets a fresh interpreter (restored
// from a memory snapshot the first worker builds), a wall-clock limit per step the driver announces,
// and a limit on the whole job. A worker whose job overruns is terminated and replaced; so is one
// that crashes. Jobs queue when every worker is busy.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker, JobMessage, ResultMessage } from './protocol.js';
import type { CapturedOutput, SandboxJob, SandboxOutcome, SandboxPoolOptions, SandboxResult } from './types.js';
import type { WasmModule } from './wasm-guard.js';

/** How often the pool looks at busy workers' progress (ms); a limit can be overrun by up to this much. */
const POLL_MS = 20;

interface Pending {
  job: SandboxJob;
  id: number;
  resolve: (r: SandboxResult) => void;
  reject: (e: Error) => void;
}

interface Running extends Pending {
  dispatchedAt: number;
  /** progress[0] at dispatch: a different value means the driver announced a step. */
  seqAtDispatch: number;
  /** progress[0] when last looked at; -1 before the first step. */
  lastSeq: number;
  step: number;
  stepStartedAt: number;
  firstStepAt: number;
}

interface Slot {
  worker: Worker;
  progress: Int32Array;
  ready: boolean;
  running: Running | null;
  startedAt: number;
  /** Tail of what the worker thread printed (Pyodide's fatal-error reports), for crash messages. */
  log: string;
}

const EMPTY_OUTPUT: CapturedOutput = { stdout: '', stderr: '', stdoutChars: 0, stderrChars: 0, truncated: false };

export class SandboxPool {
  readonly size: number;
  private readonly memoryLimitBytes: number;
  private readonly outputLimitChars: number;
  private readonly startupTimeoutMs: number;
  private readonly setupTimeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private snapshot: SharedArrayBuffer | null = null;
  private module: WasmModule | null = null;
  private building = false;
  private nextId = 1;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private startupError: Error | null = null;
  /** Workers terminated because a job overran or crashed (for tests and logs). */
  replaced = 0;

  constructor(options: SandboxPoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
    this.memoryLimitBytes = Math.round((options.memoryLimitMb ?? 1024) * 2 ** 20);
    this.outputLimitChars = options.outputLimitChars ?? 16384;
    this.startupTimeoutMs = options.startupTimeoutMs ?? 120_000;
    this.setupTimeoutMs = options.setupTimeoutMs ?? 30_000;
    if (this.memoryLimitBytes < 64 * 2 ** 20) throw new Error('memoryLimitMb must be at least 64');
  }

  /** Runs one job. Resolves with the outcome; rejects only if the pool cannot start or was closed. */
  run(job: SandboxJob): Promise<SandboxResult> {
    if (this.closed) return Promise.reject(new Error('sandbox pool is closed'));
    if (this.startupError) return Promise.reject(this.startupError);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, id: this.nextId++, resolve, reject });
      this.ensureWorkers();
      this.pump();
    });
  }

  /** Starts the workers now (otherwise the first job does), resolving when one is ready. */
  async warm(): Promise<void> {
    await this.run({ driver: 'def main(ctx):\n    return {}\n', program: '', stepLimitsMs: [], totalLimitMs: 1000 });
  }

  /** Terminates every worker; queued jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    for (const p of this.queue.splice(0)) p.reject(new Error('sandbox pool closed'));
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.running) s.running.reject(new Error('sandbox pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private ensureWorkers(): void {
    if (this.closed) return;
    if (!this.snapshot) {
      // The first worker builds the snapshot; the others start from it once it exists.
      if (!this.building && this.slots.length === 0) {
        this.building = true;
        this.spawn();
      }
      return;
    }
    while (this.slots.length < this.size) this.spawn();
  }

  private spawn(): Slot {
    const progress = new Int32Array(new SharedArrayBuffer(12));
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const slot: Slot = { worker, progress, ready: false, running: null, startedAt: performance.now(), log: '' };
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (e) => this.onDeath(slot, `worker error: ${e.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `worker exited with code ${code}`));
    // Workers alone do not keep the process alive: the watch timer does while jobs run or workers
    // start, so a program that forgets close() still exits when it is done.
    worker.unref();
    worker.postMessage({
      type: 'init',
      memoryLimitBytes: this.memoryLimitBytes,
      outputLimitChars: this.outputLimitChars,
      progress: progress.buffer as SharedArrayBuffer,
      snapshot: this.snapshot,
      module: this.module,
    });
    this.slots.push(slot);
    this.startTimer();
    return slot;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === 'log') {
      slot.log = `${slot.log}${msg.text}\n`.slice(-4000);
      return;
    }
    if (msg.type === 'ready') {
      slot.ready = true;
      if (msg.snapshot && !this.snapshot) {
        this.snapshot = msg.snapshot;
        this.building = false;
      }
      this.module ??= msg.module;
      this.ensureWorkers();
      this.pump();
      return;
    }
    const running = slot.running;
    if (!running || running.id !== msg.id) return;
    slot.running = null;
    running.resolve(this.toResult(slot, running, msg));
    this.pump();
  }

  /** The step a job is in (-1 before its first) and its mark, read from the shared progress. */
  private where(slot: Slot, running: Running): { step: number; mark: number } {
    const seq = Atomics.load(slot.progress, 0);
    return {
      step: seq === running.seqAtDispatch ? -1 : Atomics.load(slot.progress, 1),
      mark: Atomics.load(slot.progress, 2),
    };
  }

  private toResult(slot: Slot, running: Running, msg: ResultMessage): SandboxResult {
    const wallMs = performance.now() - running.dispatchedAt;
    if (msg.crash !== null || msg.reply === null) {
      return {
        outcome: { kind: 'crash', message: msg.crash ?? 'no reply', ...this.where(slot, running) },
        output: fdOutput(msg),
        wallMs,
      };
    }
    let reply: any;
    try {
      reply = JSON.parse(msg.reply);
    } catch {
      return {
        outcome: { kind: 'driver_error', message: 'driver returned a result that is not JSON' },
        output: fdOutput(msg),
        wallMs,
      };
    }
    const limit = this.outputLimitChars;
    const stdout = (reply.stdout + msg.fdOut).slice(0, limit);
    const stderr = (reply.stderr + msg.fdErr).slice(0, limit);
    const stdoutChars = reply.stdout_chars + msg.fdOutChars;
    const stderrChars = reply.stderr_chars + msg.fdErrChars;
    const output = {
      stdout,
      stderr,
      stdoutChars,
      stderrChars,
      truncated: stdoutChars > stdout.length || stderrChars > stderr.length,
    };
    const outcome: SandboxOutcome = reply.ok
      ? { kind: 'done', result: reply.result, bytes: msg.bytes }
      : { kind: 'driver_error', message: reply.error };
    return { outcome, output, wallMs };
  }

  private onDeath(slot: Slot, why: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already replaced
    this.slots.splice(i, 1);
    void slot.worker.terminate();
    if (this.closed) return;
    const running = slot.running;
    slot.running = null;
    if (!slot.ready && !running) {
      // Failed while starting: the pool cannot work (e.g. Pyodide missing). Fail everything queued.
      if (!this.snapshot) this.building = false;
      this.startupError = new Error(`sandbox worker failed to start: ${why}${slot.log ? `\n${slot.log.trim()}` : ''}`);
      for (const p of this.queue.splice(0)) p.reject(this.startupError);
      return;
    }
    this.replaced++;
    if (running) {
      const detail = slot.log.trim().split('\n').slice(-3).join(' | ');
      running.resolve({
        outcome: { kind: 'crash', message: detail ? `${why}: ${detail}` : why, ...this.where(slot, running) },
        output: EMPTY_OUTPUT,
        wallMs: performance.now() - running.dispatchedAt,
      });
    }
    this.ensureWorkers();
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.running || this.queue.length === 0) continue;
      const next = this.queue.shift()!;
      const now = performance.now();
      const seq = Atomics.load(slot.progress, 0);
      Atomics.store(slot.progress, 2, 0);
      slot.running = {
        ...next,
        dispatchedAt: now,
        seqAtDispatch: seq,
        lastSeq: seq,
        step: -1,
        stepStartedAt: now,
        firstStepAt: -1,
      };
      const msg: JobMessage = {
        type: 'job',
        id: next.id,
        driver: next.job.driver,
        program: next.job.program,
        payloadJson: JSON.stringify(next.job.payload ?? {}),
        blobs: next.job.blobs ?? [],
      };
      slot.worker.postMessage(msg);
    }
    this.startTimer();
  }

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.watch(), POLL_MS);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Checks every busy worker against its limits; terminates and replaces those that overran. */
  private watch(): void {
    const now = performance.now();
    let busy = false;
    for (const slot of [...this.slots]) {
      if (!slot.ready) {
        busy = true;
        if (now - slot.startedAt > this.startupTimeoutMs)
          this.onDeath(slot, `start took longer than ${this.startupTimeoutMs} ms`);
        continue;
      }
      const r = slot.running;
      if (!r) continue;
      busy = true;
      const seq = Atomics.load(slot.progress, 0);
      if (seq !== r.lastSeq) {
        r.lastSeq = seq;
        r.step = Atomics.load(slot.progress, 1);
        r.stepStartedAt = now;
        if (r.firstStepAt < 0) r.firstStepAt = now;
      }
      let timeout: { scope: 'step' | 'total' | 'setup'; limitMs: number } | null = null;
      if (r.firstStepAt < 0) {
        if (now - r.dispatchedAt > this.setupTimeoutMs) timeout = { scope: 'setup', limitMs: this.setupTimeoutMs };
      } else {
        const stepLimit = r.job.stepLimitsMs[r.step] ?? r.job.totalLimitMs;
        if (now - r.stepStartedAt > stepLimit) timeout = { scope: 'step', limitMs: stepLimit };
        else if (now - r.firstStepAt > r.job.totalLimitMs) timeout = { scope: 'total', limitMs: r.job.totalLimitMs };
      }
      if (timeout) this.expire(slot, r, timeout);
    }
    if (!busy && this.queue.length === 0) this.stopTimer();
  }

  private expire(slot: Slot, r: Running, t: { scope: 'step' | 'total' | 'setup'; limitMs: number }): void {
    const { step, mark } = this.where(slot, r);
    slot.running = null;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => {});
    void slot.worker.terminate();
    this.replaced++;
    r.resolve({
      outcome: { kind: 'timeout', scope: t.scope, step, limitMs: t.limitMs, mark },
      output: EMPTY_OUTPUT,
      wallMs: performance.now() - r.dispatchedAt,
    });
    this.ensureWorkers();
    this.pump();
  }
}

function fdOutput(msg: ResultMessage): CapturedOutput {
  return {
    stdout: msg.fdOut,
    stderr: msg.fdErr,
    stdoutChars: msg.fdOutChars,
    stderrChars: msg.fdErrChars,
    truncated: msg.fdOutChars > msg.fdOut.length || msg.fdErrChars > msg.fdErr.length,
  };
}
