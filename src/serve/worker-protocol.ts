// Messages between the server's main thread (HTTP, validation, batching) and the model worker
// (libtorch, generate()). Plain structured-clone data only.

export interface WorkerInit {
  modelDir: string;
  /** For an adapter folder: its base model folder. */
  base?: string;
  device: string;
  dtype?: string;
  /** Continuous batching: most rows decoded together. */
  maxRows?: number;
  /** Continuous batching: most KV-cache bytes the running batch may hold (a lone request is always admitted). */
  maxKvBytes?: number;
  /** Continuous batching: decode steps a newcomer may wait for others to be prefilled with it (default 0: none). */
  admitWaitSteps?: number;
}

export interface BatchOptions {
  maxNewTokens: number;
  n: number;
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  stop: string[];
  /** null: the tokenizer's EOS ids. */
  eosTokenIds: number[] | null;
}

export interface GenerateMessage {
  type: 'generate';
  id: number;
  prompts: number[][];
  /** One base seed per prompt (sample k uses seed + k). */
  seeds: number[];
  /** Per prompt: how many most likely alternatives to report for each generated token (0: none). */
  topLogprobs: number[];
  options: BatchOptions;
}

/** Continuous batching: one prompt with its n samples joins the running decode loop. */
export interface SubmitMessage {
  type: 'submit';
  id: number;
  prompt: number[];
  seed: number;
  topLogprobs: number;
  options: BatchOptions;
  /** Report every sampled token (streaming responses). */
  stream: boolean;
}

/** Continuous batching: the job's rows leave the batch at the next step (or it leaves the queue). */
export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type ToWorker = GenerateMessage | SubmitMessage | CancelMessage;

/** One decode step of the continuous loop. */
export interface StepMessage {
  type: 'step';
  /** Tokens of streaming jobs: [job id, sample, token id]. */
  tokens: [number, number, number][];
  /** Jobs that got their first token this step. */
  first: number[];
  /** Tokens sampled this step (all jobs). */
  generated: number;
  running: number;
  waiting: number;
  /** Rows removed from the running batch because their job was cancelled (since start). */
  cancelledRows: number;
  /** Jobs cancelled before they joined the batch (since start). */
  cancelledWaiting: number;
}

export interface TopLogprob {
  id: number;
  logprob: number;
}

export interface WorkerCompletion {
  text: string;
  tokenIds: number[];
  logprobs: number[];
  /** Per generated token, the most likely alternatives (empty when not asked). */
  top: TopLogprob[][];
  finishReason: 'stop' | 'eos' | 'length';
  stopString: string | null;
}

export type FromWorker =
  | { type: 'ready'; parameters: number; device: string; dtype: string }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; completions: WorkerCompletion[][]; ms: number; generatedTokens: number }
  | { type: 'error'; id: number; message: string }
  | StepMessage
  | { type: 'done'; id: number; completions: WorkerCompletion[] }
  | { type: 'jobError'; id: number; message: string };
