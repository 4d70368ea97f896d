// Training-step and generation throughput of the decoder on random weights and tokens, shaped like
// ../shared/bench/torch_peer.py's `train` and `generate` so the two can be compared in one run.
import { readFileSync } from 'node:fs';
import { generate, sharesPrefix } from '../generate/generate.js';
import { type ModelConfig, parseConfig } from '../model/config.js';
import { initModel } from '../model/load.js';
import * as torch from '../torch/index.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function loadBenchConfig(path: string) {
  return parseConfig(JSON.parse(readFileSync(path, 'utf8')), path);
}

export interface TrainBenchOptions {
  config: string;
  batch: number;
  seq: number;
  steps: number;
  device?: string;
  dtype?: torch.DType;
  /** Mixed precision: float32 parameters and AdamW state, forward under bf16 autocast (like the peer's --dtype bfloat16). */
  amp?: boolean;
}

/**
 * Model FLOPs of one training step (forward + backward = 3 × forward): 6 per matmul weight per
 * token (embedding lookups excluded, the LM head included) plus causal attention's score and value
 * products, 6·L·d·T per token (half of the full T×T, as PaLM's appendix counts).
 */
export function trainFlopsPerStep(c: ModelConfig, params: number, batch: number, seq: number): number {
  const matmulParams = params - (c.tie_word_embeddings ? 0 : c.vocab_size * c.hidden_size);
  const attn = 6 * c.num_hidden_layers * c.num_attention_heads * c.headDim * seq;
  return batch * seq * (6 * matmulParams + attn);
}

/** Forward + backward + AdamW on random tokens; the first step is warm-up and not counted. */
export function benchTrain(o: TrainBenchOptions) {
  const config = loadBenchConfig(o.config);
  torch.manualSeed(0);
  const model = initModel(config, { seed: 0, device: o.device, dtype: o.amp ? 'float32' : o.dtype });
  const device = o.device ?? 'cpu';
  const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.95], weightDecay: 0.1 });
  const V = config.vocab_size;
  const times: number[] = [];
  for (let step = 0; step <= o.steps; step++) {
    torch.scope(() => {
      const ids = torch.randint(0, V, [o.batch, o.seq + 1], { device: o.device });
      torch.cuda.synchronize();
      const t0 = performance.now();
      const logits = torch.autocast({ device, enabled: Boolean(o.amp) }, () => model.forward(ids.narrow(1, 0, o.seq)));
      const loss = torch.nn.functional.crossEntropy(logits.reshape(-1, V).float(), ids.narrow(1, 1, o.seq).reshape(-1));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      torch.cuda.synchronize();
      if (step > 0) times.push(performance.now() - t0);
    });
  }
  const ms = median(times);
  const params = model.numParameters();
  const flops = trainFlopsPerStep(config, params, o.batch, o.seq);
  return {
    mode: 'train',
    engine: `kindling (libtorch ${torch.version()})`,
    device,
    dtype: o.amp ? 'float32+autocast(bfloat16)' : (o.dtype ?? 'float32'),
    threads: torch.getNumThreads(),
    params,
    model_tflops_per_s: +(flops / ms / 1e9).toFixed(2),
    batch: o.batch,
    seq: o.seq,
    ms_per_step: +ms.toFixed(2),
    tokens_per_s: +(((o.batch * o.seq) / ms) * 1000).toFixed(1),
    all_ms: times.map((t) => +t.toFixed(1)),
  };
}

export interface GenerateBenchOptions {
  config: string;
  batch: number;
  promptLen: number;
  newTokens: number;
  n: number;
  reps: number;
  device?: string;
  dtype?: torch.DType;
  /** false: copy the prompt into every sample's row (default: generate()'s rule, sharesPrefix). */
  sharedPrefix?: boolean;
}

// Token-level benchmark: prompts are ids, nothing is decoded (no stop strings), EOS is disabled.
const idCodec = { encode: (): number[] => [], decode: () => '', eosTokenIds: [] as number[], padTokenId: 0 };

/** Sampling (temperature 1) of new_tokens for batch prompts × n samples; the first run is warm-up. */
export function benchGenerate(o: GenerateBenchOptions) {
  const config = loadBenchConfig(o.config);
  const model = initModel(config, { seed: 0, device: o.device, dtype: o.dtype });
  const runs: number[] = [];
  for (let rep = 0; rep <= o.reps; rep++) {
    const prompts = torch.scope(() => {
      const ids = torch.randint(0, config.vocab_size, [o.batch, o.promptLen], { generator: new torch.Generator(rep) });
      return ids.tolist() as number[][];
    });
    torch.cuda.synchronize();
    const t0 = performance.now();
    generate(model, idCodec, prompts, {
      maxNewTokens: o.newTokens,
      n: o.n,
      temperature: 1,
      seed: rep,
      eosTokenIds: [],
      ...(o.sharedPrefix === false ? { sharedPrefix: false } : {}),
    });
    torch.cuda.synchronize();
    if (rep > 0) runs.push(performance.now() - t0);
  }
  const ms = median(runs);
  const rows = o.batch * o.n;
  return {
    mode: 'generate',
    engine: `kindling (libtorch ${torch.version()})`,
    device: o.device ?? 'cpu',
    dtype: o.dtype ?? 'float32',
    threads: torch.getNumThreads(),
    batch: o.batch,
    n: o.n,
    rows,
    prompt_len: o.promptLen,
    new_tokens: o.newTokens,
    shared_prefix: sharesPrefix(o.n, o.promptLen, model.device, o.sharedPrefix === false ? false : undefined),
    ms_total: +ms.toFixed(1),
    tokens_per_s: +(((rows * o.newTokens) / ms) * 1000).toFixed(1),
  };
}
