// Batching: requests that arrive within a short window (or while the worker is busy) share one
// generate() call. generate() takes one set of sampling options for the whole call, so jobs are
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

export class Batcher {
  readonly #queue: Queued[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly worker: ModelWorker,
    private readonly o: BatcherOptions,
  ) {}

  /** Completions of each job (its n samples), in order. */
  submit(jobs: readonly Job[]): Promise<WorkerCompletion[][]> {
    const done = jobs.map((job) =>
      Promise.all(this.#split(job).map((part) => this.#enqueue(part))).then((parts) => parts.flat()),
    );
    this.#schedule();
    return Promise.all(done);
  }

  /**
   * A job with more samples than maxBatch runs as several calls: samples k… use seeds seed + k…,
   * so the parts together equal one call with all n samples (only the prefill is repeated).
   */
  #split(job: Job): Job[] {
    const max = this.o.maxBatch;
    if (job.options.n <= max) return [job];
    const parts: Job[] = [];
    for (let k = 0; k < job.options.n; k += max)
      parts.push({ ...job, seed: job.seed + k, options: { ...job.options, n: Math.min(max, job.options.n - k) } });
    return parts;
  }

  #enqueue(job: Job): Promise<WorkerCompletion[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...job, key: JSON.stringify(job.options), resolve, reject });
    });
  }

  get queued(): number {
    return this.#queue.length;
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
