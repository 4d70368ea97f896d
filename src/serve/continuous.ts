// Continuous batching (the default scheduler): every job goes straight to the worker's decode loop,
// which prefills newcomers and joins them to the running rows between decode steps (vLLM's and
// SGLang's policy), so a request never waits for another request's whole batch. Cancellation
// takes a job out of the loop at its next step.
import { AbortedError, type Job, type Scheduler, type SubmitHooks, splitJob } from './batcher.js';
import type { ModelWorker } from './model-worker.js';
import type { StepMessage, WorkerCompletion } from './worker-protocol.js';

export class ContinuousBatcher implements Scheduler {
  #last: StepMessage | null = null;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly worker: ModelWorker,
    /** Most rows decoded together (jobs with more samples are split, as in static batching). */
    private readonly maxRows: number,
    onStep?: (m: StepMessage) => void,
  ) {
    worker.onStep = (m) => {
      this.#last = m;
      onStep?.(m);
    };
  }

  get queued(): number {
    return this.#last?.waiting ?? 0;
  }

  get running(): number {
    return this.#last?.running ?? 0;
  }

  submit(jobs: readonly Job[], hooks: SubmitHooks = {}): Promise<WorkerCompletion[][]> {
    const { signal } = hooks;
    if (signal?.aborted) return Promise.reject(new AbortedError());
    let firstSeen = false;
    const parts = jobs.map((job, j) =>
      Promise.all(
        splitJob(job, this.maxRows).map(
          ({ job: part, offset }) =>
            new Promise<WorkerCompletion[]>((resolve, reject) => {
              this.#inFlight++;
              let open = true;
              const settle = (): boolean => {
                if (!open) return false;
                open = false;
                if (--this.#inFlight === 0) for (const f of this.#idle.splice(0)) f();
                return true;
              };
              const id = this.worker.submit(
                {
                  prompt: part.prompt,
                  seed: part.seed,
                  topLogprobs: part.topLogprobs,
                  options: part.options,
                  stream: hooks.onToken !== undefined,
                },
                {
                  resolve: (c) => {
                    if (settle()) resolve(c);
                  },
                  reject: (e) => {
                    if (settle()) reject(e);
                  },
                  ...(hooks.onToken ? { onToken: (s: number, t: number) => hooks.onToken!(j, offset + s, t) } : {}),
                  onFirstToken: () => {
                    if (firstSeen) return;
                    firstSeen = true;
                    hooks.onFirstToken?.();
                  },
                },
              );
              // a cancelled job is dropped by the worker without an answer: settle it here
              signal?.addEventListener(
                'abort',
                () => {
                  if (!settle()) return;
                  this.worker.cancel(id);
                  reject(new AbortedError());
                },
                { once: true },
              );
            }),
        ),
      ).then((ps) => ps.flat()),
    );
    return Promise.all(parts);
  }

  async drain(): Promise<void> {
    if (this.#inFlight === 0) return;
    await new Promise<void>((r) => this.#idle.push(r));
  }
}
