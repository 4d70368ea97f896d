// The main thread's handle on the model worker: start it, wait until the model is loaded, send it
// batches (static) or jobs and cancellations (continuous), stop it.
import { Worker } from 'node:worker_threads';
import type {
  FromWorker,
  GenerateMessage,
  StepMessage,
  SubmitMessage,
  WorkerCompletion,
  WorkerInit,
} from './worker-protocol.js';

/** What the main thread hears about one continuous-batching job. */
export interface JobListener {
  resolve: (c: WorkerCompletion[]) => void;
  reject: (e: Error) => void;
  onToken?: (sample: number, token: number) => void;
  onFirstToken?: () => void;
}

export interface BatchResult {
  completions: WorkerCompletion[][];
  ms: number;
  generatedTokens: number;
}

export class ModelWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  readonly #jobs = new Map<number, JobListener>();
  #nextId = 1;
  #dead: Error | null = null;
  /** Called after every continuous decode step (after its tokens were delivered). */
  onStep: ((m: StepMessage) => void) | null = null;
  info: { parameters: number; device: string; dtype: string } | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the worker (compiled JS beside this file) and resolves once the model is loaded. */
  static start(init: WorkerInit): Promise<ModelWorker> {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
    const mw = new ModelWorker(worker);
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          started = true;
          mw.info = { parameters: m.parameters, device: m.device, dtype: m.dtype };
          resolve(mw);
        } else if (m.type === 'fatal') reject(new Error(m.message));
        else mw.#settle(m);
      });
      const die = (e: Error) => {
        mw.#dead = e;
        if (!started) reject(e);
        for (const p of mw.#pending.values()) p.reject(e);
        mw.#pending.clear();
        for (const j of mw.#jobs.values()) j.reject(e);
        mw.#jobs.clear();
      };
      worker.on('error', (e) => die(new Error(`model worker crashed: ${e.message}`)));
      worker.on('exit', (code) => die(new Error(`model worker exited (code ${code})`)));
    });
  }

  #settle(m: FromWorker): void {
    if (m.type === 'step') {
      for (const [id, sample, token] of m.tokens) this.#jobs.get(id)?.onToken?.(sample, token);
      for (const id of m.first) this.#jobs.get(id)?.onFirstToken?.();
      this.onStep?.(m);
      return;
    }
    if (m.type === 'done' || m.type === 'jobError') {
      const j = this.#jobs.get(m.id);
      if (!j) return;
      this.#jobs.delete(m.id);
      if (m.type === 'done') j.resolve(m.completions);
      else j.reject(new Error(m.message));
      return;
    }
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    if (m.type === 'result') p.resolve({ completions: m.completions, ms: m.ms, generatedTokens: m.generatedTokens });
    else p.reject(new Error(m.message));
  }

  generate(msg: Omit<GenerateMessage, 'type' | 'id'>): Promise<BatchResult> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: 'generate', id, ...msg } satisfies GenerateMessage);
    });
  }

  /** Continuous batching: the job joins the worker's decode loop. Returns its id (for cancel). */
  submit(msg: Omit<SubmitMessage, 'type' | 'id'>, listener: JobListener): number {
    const id = this.#nextId++;
    if (this.#dead) {
      listener.reject(this.#dead);
      return id;
    }
    this.#jobs.set(id, listener);
    this.#worker.postMessage({ type: 'submit', id, ...msg } satisfies SubmitMessage);
    return id;
  }

  /** The job leaves the queue or the running batch; its promise is not settled by the worker again. */
  cancel(id: number): void {
    if (!this.#jobs.delete(id) || this.#dead) return;
    this.#worker.postMessage({ type: 'cancel', id });
  }

  async stop(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    this.#worker.removeAllListeners('error');
    this.#worker.on('error', () => {}); // a late error must not become an unhandled 'error' event
    this.#dead = new Error('the model worker was stopped');
    for (const p of this.#pending.values()) p.reject(this.#dead);
    this.#pending.clear();
    for (const j of this.#jobs.values()) j.reject(this.#dead);
    this.#jobs.clear();
    await this.#worker.terminate();
  }
}
