// A pool of worker threads running math checks. Each check has a time limit: the worker's own
// cooperative deadline first, and if the worker has not answered `graceMs` later (one step ran
// long), the worker is terminated and replaced, and the check reports reason 'timeout'.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkVerifyOptions, type MathVerdict, type VerifyOptions } from './verify.js';

export interface MathCheckPoolOptions {
  /** Worker threads (default: available cores, at most 4). */
  size?: number;
  /** Time limit per check in ms (default 5000). */
  timeoutMs?: number;
  /** Extra wait before a worker is terminated (default 1000). */
  graceMs?: number;
  /** The verifier's other knobs for every check (floatRounding, strict, …; math-verify's defaults). */
  verify?: Omit<VerifyOptions, 'timeoutMs'>;
}

interface Job {
  id: number;
  gold: string;
  pred: string;
  options: VerifyOptions;
  resolve: (v: MathVerdict) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

export class MathCheckPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  readonly timeoutMs: number;
  private readonly graceMs: number;
  private readonly knobs: Omit<VerifyOptions, 'timeoutMs'>;
  /** Workers terminated because a check overran (for tests and logs). */
  terminated = 0;

  constructor(options: MathCheckPoolOptions = {}) {
    const size = options.size ?? Math.min(4, availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.graceMs = options.graceMs ?? 1000;
    this.knobs = options.verify ?? {};
    checkVerifyOptions({ ...this.knobs, timeoutMs: this.timeoutMs });
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(new URL('./worker.js', import.meta.url)), job: null, timer: null };
    slot.worker.on('message', (msg: { id: number; verdict: MathVerdict }) => {
      if (slot.job?.id !== msg.id) return;
      this.finish(slot, msg.verdict);
    });
    slot.worker.on('error', (err) => {
      if (slot.job)
        this.finish(slot, {
          equivalent: false,
          goldExtracted: null,
          predExtracted: null,
          reason: `error:${err.message}`,
        });
      this.replace(slot);
    });
    slot.worker.unref();
    return slot;
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    void slot.worker.terminate();
    if (i >= 0 && !this.closed) {
      this.slots[i] = this.spawn();
      this.pump();
    }
  }

  private finish(slot: Slot, verdict: MathVerdict): void {
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job!;
    slot.job = null;
    slot.timer = null;
    job.resolve(verdict);
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        this.terminated++;
        this.finish(slot, { equivalent: false, goldExtracted: null, predExtracted: null, reason: 'timeout' });
        this.replace(slot);
      }, job.options.timeoutMs! + this.graceMs);
      slot.worker.postMessage({ id: job.id, gold: job.gold, pred: job.pred, options: job.options });
    }
  }

  /** Verifies one (gold, prediction) pair in a worker (`options` override the pool's knobs). Rejects only after close(). */
  verify(gold: string, pred: string, options: VerifyOptions = {}): Promise<MathVerdict> {
    if (this.closed) return Promise.reject(new Error('MathCheckPool is closed'));
    const merged = { ...this.knobs, ...options, timeoutMs: options.timeoutMs ?? this.timeoutMs };
    try {
      checkVerifyOptions(merged);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, gold, pred, options: merged, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
