// Messages between the server's main thread (HTTP, validation, batching) and the model worker
// (libtorch, generate()). Plain structured-clone data only.

export interface WorkerInit {
  modelDir: string;
  device: string;
  dtype?: string;
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
  | { type: 'error'; id: number; message: string };
