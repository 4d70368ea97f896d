// Pretraining a small causal LM from scratch: documents are tokenised, joined with EOS into one
// stream, and cut into windows at seeded random offsets. Reuses the trainers' optimizer,
// schedule, metrics and checkpoints, so a pretraining run resumes exactly like SFT.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CausalLM } from '../model/decoder.js';
import { loadModel } from '../model/load.js';
import { tokenLossBackward } from '../model/logprobs.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import * as torch from '../torch/index.js';
import { latestCheckpoint, startRun } from './checkpoint.js';
import { oneProcess } from './data-parallel.js';
import { mixedPrecision } from './precision.js';
import type { PretrainConfig } from './pretrain-config.js';
import { mulberry32, permutation } from './rng.js';
import {
  checkpointer,
  disposeModel,
  type MetricsRow,
  optimizerStep,
  type StepReport,
  saveFinal,
  startOptimizer,
  trainLoop,
} from './run.js';
import { lrLambda, type SchedulerType, warmupStepsFor } from './schedule.js';

export interface PretrainOptions {
  /** An initialised model folder (config + weights + tokenizer), e.g. from `kindling model init`. */
  model: string;
  /** Documents (separated by blank lines in the corpus file). */
  documents: string[];
  out: string;
  config: PretrainConfig;
  resume?: boolean;
  log?: (line: string) => void;
  progress?: boolean;
  stopAfterSteps?: number;
}

/** Token stream of documents joined by EOS. */
function stream(tok: Tokenizer, docs: readonly string[]): Int32Array {
  const eos = tok.eosTokenId ?? 0;
  const parts: number[][] = docs.map((d) => [...tok.encode(d), eos]);
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function windowBatch(s: Int32Array, starts: readonly number[], L: number, device: string): torch.Tensor {
  const flat = new Int32Array(starts.length * (L + 1));
  starts.forEach((st, i) => flat.set(s.subarray(st, st + L + 1), i * (L + 1)));
  return torch.scope(() => torch.tensor(flat, { shape: [starts.length, L + 1] }).to({ dtype: 'int64', device }));
}

function lmLoss(model: CausalLM, batch: torch.Tensor, L: number): torch.Tensor {
  return torch.scope(() => {
    const logits = model.forward(batch.narrow(1, 0, L));
    const V = logits.shape[2]!;
    return torch.nn.functional.crossEntropy(logits.reshape(-1, V).float(), batch.narrow(1, 1, L).reshape(-1));
  });
}

/**
 * Forward and backward of one accumulation window batch's mean cross-entropy (divided by the
 * accumulation steps). Returns the loss value.
 */
function windowLossBackward(
  model: CausalLM,
  batch: torch.Tensor,
  L: number,
  cfg: PretrainConfig,
  amp: <T>(fn: () => T) => T,
): number {
  const accumulation = cfg.gradient_accumulation_steps;
  if (cfg.gradient_checkpointing || cfg.chunked_loss) {
    // The mean cross-entropy as a sum over positions, so the LM head can run chunk by chunk.
    const divisor = batch.shape[0]! * L * accumulation;
    return tokenLossBackward(
      model,
      batch.narrow(1, 0, L),
      batch.narrow(1, 1, L),
      (c) => c.logprobs.sum().neg().div(divisor),
      cfg,
      { forward: amp },
    );
  }
  const loss = amp(() => lmLoss(model, batch, L)).div(accumulation);
  loss.backward();
  return loss.item();
}

export async function runPretrain(
  o: PretrainOptions,
  tokenizer: Tokenizer,
): Promise<{ steps: number; modelDir: string; losses: number[]; evalLoss: number | null }> {
  const cfg = o.config;
  const dp = oneProcess;
  const log = o.log ?? ((s: string) => console.error(s));
  const { ckpt, state } = startRun(o.out, { resume: o.resume, threads: cfg.threads, log });
  const amp = mixedPrecision(cfg, cfg.device);
  const trainable = { model: loadModel(ckpt ?? o.model, { device: cfg.device, dtype: cfg.dtype }), baseModel: o.model };
  const model = trainable.model;
  writeFileSync(
    join(o.out, 'config.json'),
    `${JSON.stringify({ trainer: 'pretrain', model: o.model, documents: o.documents.length, ...cfg }, null, 2)}\n`,
  );

  // ---- data: a seeded held-out share of the documents, each side one token stream
  const order = permutation(o.documents.length, cfg.seed, -1);
  const nEval = Math.floor(o.documents.length * cfg.eval_split);
  const evalDocs = order.slice(0, nEval).map((i) => o.documents[i]!);
  const trainDocs = order.slice(nEval).map((i) => o.documents[i]!);
  const train = stream(tokenizer, trainDocs);
  const evalStream = stream(tokenizer, evalDocs);
  const L = cfg.seq_length;
  if (train.length < L + 1) throw new Error(`corpus too small: ${train.length} tokens for sequences of ${L}`);
  log(
    `pretrain: ${train.length} training tokens (${trainDocs.length} documents), ${evalStream.length} held out; ${model.numParameters()} parameters`,
  );

  const B = cfg.per_device_train_batch_size;
  const total = cfg.max_steps;
  const warmup = warmupStepsFor(cfg.warmup_steps, cfg.warmup_ratio, total);
  const opt = startOptimizer(model, cfg, ckpt, dp);
  const losses: number[] = [];
  let evalLoss = null as number | null; // (set inside the step closure)
  const t0 = Date.now();
  let stepsThisRun = 0;

  const evaluate = () =>
    torch.noGrad(() => {
      if (evalStream.length < L + 1) return null;
      const starts: number[] = [];
      for (let s = 0; s + L + 1 <= evalStream.length && starts.length < 64; s += L) starts.push(s);
      let sum = 0;
      for (let i = 0; i < starts.length; i += B)
        sum +=
          torch.scope(() =>
            amp(() => lmLoss(model, windowBatch(evalStream, starts.slice(i, i + B), L, cfg.device), L)).item(),
          ) * Math.min(B, starts.length - i);
      return sum / starts.length;
    });

  const trainStep = async ({ step, last }: { step: number; last: boolean }): Promise<StepReport> => {
    // Window offsets depend only on (seed, step): resuming replays the same batches.
    const r = mulberry32((cfg.seed * 2654435761 + (step - 1) * 40503) >>> 0);
    let lossValue = 0;
    for (let a = 0; a < cfg.gradient_accumulation_steps; a++) {
      const starts = Array.from({ length: B }, () => Math.floor(r() * (train.length - L - 1)));
      lossValue += torch.scope(() => windowLossBackward(model, windowBatch(train, starts, L, cfg.device), L, cfg, amp));
    }
    const lr = cfg.learning_rate * lrLambda(cfg.lr_scheduler_type as SchedulerType, step - 1, warmup, total);
    const gradNorm = optimizerStep(model, opt, lr, cfg.max_grad_norm, dp);
    stepsThisRun++;
    losses.push(lossValue);
    const row: MetricsRow = {
      step,
      loss: lossValue,
      grad_norm: gradNorm,
      learning_rate: lr,
      tokens_per_s: (stepsThisRun * B * L * cfg.gradient_accumulation_steps) / Math.max(1e-3, (Date.now() - t0) / 1000),
      elapsed: (Date.now() - t0) / 1000,
    };
    if (step % cfg.eval_steps === 0 || last) {
      evalLoss = evaluate();
      if (evalLoss !== null) row.eval_loss = evalLoss;
    }
    return { row, progress: `loss ${lossValue.toFixed(3)}${evalLoss !== null ? ` eval ${evalLoss.toFixed(3)}` : ''}` };
  };

  const { stopped } = await trainLoop({
    label: 'pretrain',
    out: o.out,
    state,
    totalSteps: total,
    cfg,
    dp,
    log,
    progress: o.progress,
    stopAfterSteps: o.stopAfterSteps,
    step: trainStep,
    checkpoint: checkpointer(o.out, trainable, opt, state, { tokenizer, keep: cfg.save_total_limit }),
  });
  if (stopped) return { steps: state.global_step, modelDir: latestCheckpoint(o.out) ?? o.model, losses, evalLoss };
  const modelDir = saveFinal(o.out, trainable, tokenizer, dp);
  log(
    `pretrain: ${state.global_step} steps, loss ${losses[losses.length - 1]?.toFixed(3)}, eval_loss ${evalLoss?.toFixed(3) ?? '-'}; saved ${modelDir}`,
  );
  disposeModel(model);
  return { steps: state.global_step, modelDir, losses, evalLoss };
}
