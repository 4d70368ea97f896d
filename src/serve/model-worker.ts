// The main thread's handle on the model worker: start it, wait until the model is loaded, send it
// one batch at a time, stop it.
import { Worker } from 'node:worker_threads';
import type { FromWorker, GenerateMessage, WorkerCompletion, WorkerInit } from './worker-protocol.js';

export interface BatchResult {
  completions: WorkerCompletion[][];
  ms: number;
  generatedTokens: number;
}

export class ModelWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #dead: Error | null = null;
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
      };
      worker.on('error', (e) => die(new Error(`model worker crashed: ${e.message}`)));
      worker.on('exit', (code) => die(new Error(`model worker exited (code ${code})`)));
    });
  }

  #settle(m: FromWorker): void {
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

  async stop(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    this.#worker.removeAllListeners('error');
    this.#worker.on('error', () => {}); // a late error must not become an unhandled 'error' event
    this.#dead = new Error('the model worker was stopped');
    for (const p of this.#pending.values()) p.reject(this.#dead);
    this.#pending.clear();
    await this.#worker.terminate();
  }
}
