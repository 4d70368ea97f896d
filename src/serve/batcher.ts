// Static batching (the `--batching static` scheduler): requests that arrive within a short window
// (or while the worker is busy) share one generate() call. generate() takes one set of sampling options for the whole call, so jobs are
// grouped by identical options; groups run back to back, oldest first. Seeds stay per prompt
// (generate's `seeds`), so a request's output is the same alone or batched.
import type { BatchResult, ModelWorker } from './model-worker.js';
import type { BatchOptions, WorkerCompletion } from './worker-protocol.js';

/** One prompt of one request, with its n samples. */
export interface Job {
  requestId: string;
  prompt: number[];
  seed: number;
  topLogprobs: number;
  options: BatchOptions;
}

/** What a request's handler can follow or stop while its jobs run. */
export interface SubmitHooks {
  /** Aborting drops the request's jobs: queued ones at once, running ones at the next decode step (continuous). */
  signal?: AbortSignal;
  /** A sampled token of job `job`, sample `sample` (continuous batching only; static reports nothing before the end). */
  onToken?: (job: number, sample: number, token: number) => void;
  /** The request's first token exists (static: when its batch ends). */
  onFirstToken?: () => void;
}

/** How the server runs jobs: today's Batcher (static) or the ContinuousBatcher. */
export interface Scheduler {
  /** Completions of each job (its n samples), in order. Rejects with AbortedError when the signal fires. */
  submit(jobs: readonly Job[], hooks?: SubmitHooks): Promise<WorkerCompletion[][]>;
  /** Jobs waiting to run. */
  readonly queued: number;
  /** Rows (sequences) being decoded now. */
  readonly running: number;
  /** Resolves when nothing is queued or running. */
  drain(): Promise<void>;
}

/** The request was cancelled (its client went away). */
export class AbortedError extends Error {
  constructor() {
    super('the request was cancelled');
    this.name = 'AbortedError';
  }
}

/**
 * A job with more samples than `max` runs as several parts: samples k… use seeds seed + k…, so
 * the parts together equal one run with all n samples (only the prefill is repeated).
 */
export function splitJob(job: Job, max: number): { job: Job; offset: number }[] {
  if (job.options.n <= max) return [{ job, offset: 0 }];
  const parts: { job: Job; offset: number }[] = [];
  for (let k = 0; k < job.options.n; k += max)
    parts.push({
      job: { ...job, seed: job.seed + k, options: { ...job.options, n: Math.min(max, job.options.n - k) } },
      offset: k,
    });
  return parts;
}

export interface BatchInfo {
  /** Distinct requests in this generate() call. */
  requests: number;
  prompts: number;
  /** Sequences decoded together (prompts × n). */
  rows: number;
  generatedTokens: number;
  ms: number;
}

interface Queued extends Job {
  key: string;
  signal?: AbortSignal | undefined;
  resolve: (c: WorkerCompletion[]) => void;
  reject: (e: Error) => void;
}

export interface BatcherOptions {
  /** Most sequences (prompts × n) in one generate() call; a prompt with more samples is split. */
  maxBatch: number;
  /** How long the first request of an idle server waits for company. */
  windowMs: number;
  onBatch?: (info: BatchInfo) => void;
}

export class Batcher implements Scheduler {
  readonly #queue: Queued[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #runningRows = 0;

  constructor(
    private readonly worker: ModelWorker,
    private readonly o: BatcherOptions,
  ) {}

  submit(jobs: readonly Job[], hooks: SubmitHooks = {}): Promise<WorkerCompletion[][]> {
    const signal = hooks.signal;
    const done = jobs.map((job) =>
      Promise.all(splitJob(job, this.o.maxBatch).map((part) => this.#enqueue(part.job, signal))).then((parts) =>
        parts.flat(),
      ),
    );
    // A cancelled request's queued jobs leave the queue; a running generate() call cannot be stopped.
    const onAbort = () => {
      for (let i = this.#queue.length - 1; i >= 0; i--)
        if (this.#queue[i]!.signal === signal) this.#queue.splice(i, 1)[0]!.reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#schedule();
    return Promise.all(done).then(
      (r) => {
        signal?.removeEventListener('abort', onAbort);
        hooks.onFirstToken?.();
        return r;
      },
      (e) => {
        signal?.removeEventListener('abort', onAbort);
        throw e;
      },
    );
  }

  #enqueue(job: Job, signal: AbortSignal | undefined): Promise<WorkerCompletion[]> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortedError());
      this.#queue.push({ ...job, key: JSON.stringify(job.options), signal, resolve, reject });
    });
  }

  get queued(): number {
    return this.#queue.length;
  }

  get running(): number {
    return this.#runningRows;
  }

  /** Resolves when nothing is queued or running. */
  async drain(): Promise<void> {
    while (this.#running || this.#timer || this.#queue.length > 0) {
      if (this.#running) await this.#running;
      else await new Promise((r) => setTimeout(r, this.o.windowMs + 1));
    }
  }

  /**
   * Runs the next batch after `delay` ms. The first request of an idle server waits the window
   * for company; after a run, what arrived meanwhile has already waited, so the next goes at once.
   */
  #schedule(delay = this.o.windowMs): void {
    if (this.#running || this.#timer || this.#queue.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#runOne().finally(() => {
        this.#running = null;
        this.#schedule(0);
      });
    }, delay);
  }

  /** Takes the oldest job's group (up to maxBatch rows, FIFO) and runs it. */
  async #runOne(): Promise<void> {
    if (this.#queue.length === 0) return; // every queued job was cancelled meanwhile
    const key = this.#queue[0]!.key;
    const batch: Queued[] = [];
    let rows = 0;
    for (let i = 0; i < this.#queue.length; ) {
      const q = this.#queue[i]!;
      if (q.key === key && (batch.length === 0 || rows + q.options.n <= this.o.maxBatch)) {
        batch.push(q);
        rows += q.options.n;
        this.#queue.splice(i, 1);
      } else i++;
    }
    let result: BatchResult;
    this.#runningRows = rows;
    try {
      result = await this.worker.generate({
        prompts: batch.map((q) => q.prompt),
        seeds: batch.map((q) => q.seed),
        topLogprobs: batch.map((q) => q.topLogprobs),
        options: batch[0]!.options,
      });
    } catch (e) {
      for (const q of batch) q.reject(e as Error);
      return;
    } finally {
      this.#runningRows = 0;
    }
    for (const [i, q] of batch.entries()) q.resolve(result.completions[i]!);
    this.o.onBatch?.({
      requests: new Set(batch.map((q) => q.requestId)).size,
      prompts: batch.length,
      rows,
      generatedTokens: result.generatedTokens,
      ms: result.ms,
    });
  }
}
