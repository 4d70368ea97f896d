// One configuration of bench/memory.mjs in its own process (so its peak RSS is its own): load the
// model folder, run `--steps` SFT steps or GRPO updates (forward + backward + AdamW) on the row in
// `--row`, print one JSON line with step times, the loss and this process's peak RSS.
//   node bench/memory-worker.mjs --model DIR --row row.json --mode sft|grpo --variant ckpt+chunk [--steps 1]
//   node bench/memory-worker.mjs --config C.json --tokens 4096 --device cuda --dtype bfloat16 …   (random
//     weights and a random row: the GPU check, scripts/gpu-check.sh; peak = max_memory_allocated there)
// Variants are '+'-joined features: full (none), ckpt (gradient checkpointing), chunk (chunked
// LM-head loss), lora (r=16, alpha 32, all-linear; base frozen).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initModel, loadModel } from '../dist/src/model/load.js';
import { chunkedTokenLoss, tokenLogprobs } from '../dist/src/model/logprobs.js';
import { LoraAdapter } from '../dist/src/model/lora.js';
import * as torch from '../dist/src/torch/index.js';
import { grpoLoss } from '../dist/src/train/grpo-loss.js';
import { makeOptimizer } from '../dist/src/train/optimizer.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string' },
    config: { type: 'string' },
    row: { type: 'string' },
    tokens: { type: 'string' },
    device: { type: 'string', default: 'cpu' },
    dtype: { type: 'string', default: 'float32' },
    mode: { type: 'string', default: 'sft' },
    variant: { type: 'string', default: 'full' },
    steps: { type: 'string', default: '1' },
    'lora-r': { type: 'string', default: '16' },
    // loss_chunk_size for the chunked loss (default: chunkedTokenLoss's own)
    'loss-chunk': { type: 'string' },
  },
});
const features = new Set(a.variant.split('+').filter((f) => f !== 'full'));
for (const f of features)
  if (!['ckpt', 'chunk', 'lora'].includes(f)) throw new Error(`--variant: unknown feature '${f}'`);
const onCuda = a.device.startsWith('cuda');
const ckpt = features.has('ckpt');
const chunk = features.has('chunk');
const lossChunk = a['loss-chunk'] ? { chunk: Number(a['loss-chunk']) } : {};

const gb = (kb) => +(kb / 2 ** 20).toFixed(2);
const model = a.model
  ? loadModel(a.model, { device: a.device, dtype: a.dtype })
  : initModel(JSON.parse(readFileSync(a.config, 'utf8')), { seed: 0, device: a.device, dtype: a.dtype });
// { ids: number[], prompt_len: number }: the parent's tokenised text, or seeded random ids.
const row = a.row
  ? JSON.parse(readFileSync(a.row, 'utf8'))
  : torch.scope(() => ({
      ids: torch
        .randint(0, model.config.vocab_size, [Number(a.tokens)], { generator: new torch.Generator(1) })
        .tolist(),
      prompt_len: Math.round(Number(a.tokens) / 10),
    }));
if (features.has('lora')) {
  for (const t of model.params.values()) t.requiresGrad_(false);
  const r = Number(a['lora-r']);
  model.adapter = LoraAdapter.init(
    model.config,
    {
      r,
      lora_alpha: 2 * r,
      lora_dropout: 0,
      target_modules: 'all-linear',
      use_rslora: false,
    },
    { device: a.device },
  );
}
const loadRssGb = gb(process.resourceUsage().maxRSS);
const opt = makeOptimizer(model, {
  learning_rate: 1e-5,
  weight_decay: 0.01,
  no_decay_norms_and_biases: false,
  adam_beta1: 0.9,
  adam_beta2: 0.999,
  adam_epsilon: 1e-8,
});

const T = row.ids.length;
const P = row.prompt_len;
const loss = row.ids.map((_, t) => (t >= P ? 1 : 0));
const lossTokens = T - P;

// SFT: the token-mean loss over the completion tokens (what kindling sft computes for one row).
function sftStep() {
  return torch.scope(() => {
    const ids = torch.tensor(row.ids.slice(0, T - 1), { dtype: 'int64', shape: [1, T - 1], device: a.device });
    const targets = torch.tensor(row.ids.slice(1), { dtype: 'int64', shape: [1, T - 1], device: a.device });
    const mask = torch.tensor(loss.slice(1), { shape: [1, T - 1], device: a.device });
    const lossOf = (lp, s, n) =>
      lp
        .mul(mask.narrow(1, s, n))
        .sum()
        .neg()
        .div(lossTokens);
    if (!ckpt && !chunk) {
      const l = lossOf(tokenLogprobs(model, model.hidden(ids), targets).logprobs, 0, T - 1);
      l.backward();
      return l.item();
    }
    const th = model.trainingHidden(ids, { checkpoint: ckpt });
    let value;
    if (chunk)
      value = chunkedTokenLoss(model, th.hidden, targets, (c) => lossOf(c.logprobs, c.start, c.length), lossChunk);
    else {
      const l = lossOf(tokenLogprobs(model, th.hidden, targets).logprobs, 0, T - 1);
      l.backward();
      value = l.item();
    }
    th.backward();
    return value;
  });
}

// One GRPO update on one completion (tokens P..T-1) with μ = 1 (old log-probs = the current ones,
// detached), β = 0, loss_type dapo, advantage 1: TRL's defaults apart from the loss type.
function grpoStep() {
  return torch.scope(() => {
    const ids = torch.tensor(row.ids, { dtype: 'int64', shape: [1, T], device: a.device });
    const C = T - P;
    const targets = ids.narrow(1, P, C);
    const advantages = torch.tensor([1], { device: a.device });
    const settings = {
      lossType: 'dapo',
      epsilonLow: 0.2,
      epsilonHigh: 0.2,
      beta: 0,
      stepTokens: C,
      microBatches: 1,
      maxCompletionLength: C,
    };
    const lossOf = (lp, mask) => grpoLoss({ logprobs: lp, oldLogprobs: lp.detach(), advantages, mask }, settings).loss;
    if (!ckpt && !chunk) {
      const hidden = model.hidden(ids).narrow(1, P - 1, C);
      const l = lossOf(tokenLogprobs(model, hidden, targets).logprobs, torch.ones([1, C], { device: a.device }));
      l.backward();
      return l.item();
    }
    const th = model.trainingHidden(ids, { checkpoint: ckpt });
    let value;
    if (chunk)
      value = chunkedTokenLoss(
        model,
        th.hidden,
        targets,
        (c) => lossOf(c.logprobs, torch.ones([1, c.length], { device: a.device })),
        {
          offset: P - 1,
          ...lossChunk,
        },
      );
    else {
      const l = lossOf(
        tokenLogprobs(model, th.hidden.narrow(1, P - 1, C), targets).logprobs,
        torch.ones([1, C], { device: a.device }),
      );
      l.backward();
      value = l.item();
    }
    th.backward();
    return value;
  });
}

const times = [];
const cpu = [];
let lossValue = null;
for (let s = 0; s < Number(a.steps); s++) {
  torch.cuda.synchronize();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  lossValue = a.mode === 'grpo' ? grpoStep() : sftStep();
  opt.step();
  opt.zeroGrad();
  torch.cuda.synchronize();
  times.push((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
}
console.log(
  JSON.stringify({
    engine: 'kindling',
    libtorch: torch.version(),
    threads: torch.getNumThreads(),
    mode: a.mode,
    variant: a.variant,
    tokens: T,
    loss_tokens: lossTokens,
    trainable_params: model.numParameters(),
    loss: lossValue,
    step_s: times.map((t) => +t.toFixed(2)),
    // CPU seconds of the step (user + system, all threads): steadier than wall time on a shared machine.
    step_cpu_s: cpu.map((t) => +t.toFixed(2)),
    load_rss_gb: loadRssGb,
    peak_rss_gb: gb(process.resourceUsage().maxRSS),
    device: a.device,
    dtype: a.dtype,
    tokens_per_s: +(T / times.at(-1)).toFixed(1),
    ...(onCuda ? { max_memory_allocated_gb: +(torch.cuda.maxMemoryAllocated() / 2 ** 30).toFixed(2) } : {}),
  }),
);
