// The warmup trainer: supervised fine-tuning with the loss on completion tokens only, gradient
// accumulation, AdamW, warmup schedules, grad-norm clipping, held-out eval loss, checkpoints that
// resume exactly. One visible loop, like TRL's SFTTrainer.
// Data-parallel when launched as several ranks (`kindling launch`, torchrun): an optimizer step is
// the same gradient_accumulation_steps micro-batches whatever the world size, dealt round-robin to
// the ranks, so losses, checkpoints and resumption do not depend on how many processes ran it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizerFolder } from '../model/adapter-io.js';
import type { CausalLM } from '../model/decoder.js';
import { type LogprobChunk, type MemorySettings, tokenLogprobs, tokenLossBackward } from '../model/logprobs.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import * as torch from '../torch/index.js';
import { latestCheckpoint, startRun } from './checkpoint.js';
import { type DataParallel, withDataParallel } from './data-parallel.js';
import { lengthSlices } from './length-slices.js';
import { loadForTraining } from './peft.js';
import { mixedPrecision } from './precision.js';
import { permutation } from './rng.js';
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
import type { SftConfig } from './sft-config.js';
import { loadSftSplits, type SftExample } from './sft-data.js';

export interface SftOptions {
  /** Base model folder (HF format, with tokenizer files), or a PEFT adapter folder. */
  model: string;
  /** For an adapter folder: its base model folder (default: the adapter's base_model_name_or_path). */
  base?: string;
  /** Training data (JSONL). */
  data: string;
  /** Run folder: config.json, metrics.jsonl, checkpoints/, model/ (the final weights). */
  out: string;
  config: SftConfig;
  /** Continue from the newest checkpoint in `out` if there is one. */
  resume?: boolean;
  /** Stop (as if killed) after this many optimizer steps in this process — for tests and time-boxed runs. */
  stopAfterSteps?: number;
  log?: (line: string) => void;
  progress?: boolean;
}

export interface SftResult {
  steps: number;
  modelDir: string;
  losses: number[];
  evalLoss: number | null;
  stopped: boolean;
}

/** One micro-batch: its rows, and how many of their tokens are in the loss (for the step's normaliser). */
interface Batch {
  rows: SftExample[];
  lossTokens: number;
}

function microBatches(order: number[], examples: SftExample[], cfg: SftConfig): Batch[] {
  const out: Batch[] = [];
  const per = cfg.per_device_train_batch_size;
  for (let i = 0; i < order.length; i += per) {
    let rows = order.slice(i, i + per).map((k) => examples[k]!);
    // Split further when a token budget is set: rows × longest row stays under it.
    while (rows.length) {
      let take = rows.length;
      if (cfg.max_tokens_per_microbatch)
        while (
          take > 1 &&
          take * Math.max(...rows.slice(0, take).map((r) => r.ids.length)) > cfg.max_tokens_per_microbatch
        )
          take--;
      const part = rows.slice(0, take);
      out.push({ rows: part, lossTokens: part.reduce((n, r) => n + r.loss.reduce((a, b) => a + b, 0), 0) });
      rows = rows.slice(take);
    }
  }
  return out;
}

/** Sum over the batch of −log p(target) at loss positions (a scalar tensor). */
export function sftLossSum(model: CausalLM, rows: readonly SftExample[], pad: number): torch.Tensor {
  return torch.scope(() => {
    const { ids, targets, mask } = sftTensors(model, rows, pad);
    // Right padding needs no attention mask: real tokens never attend to the pads after them.
    const { logprobs } = tokenLogprobs(model, model.hidden(ids), targets);
    return logprobs.mul(mask).sum().neg();
  });
}

/**
 * Forward and backward of sftLossSum / divisor with gradient checkpointing and/or the chunked
 * LM-head loss (same loss and gradients, less memory). Returns the loss value.
 */
export function sftBackward(
  model: CausalLM,
  rows: readonly SftExample[],
  pad: number,
  divisor: number,
  o: MemorySettings,
  amp: <T>(fn: () => T) => T = (fn) => fn(),
): number {
  return torch.scope(() => {
    const { ids, targets, mask } = sftTensors(model, rows, pad);
    const lossOf = (c: LogprobChunk) =>
      c.logprobs
        .mul(mask.narrow(1, c.start, c.length))
        .sum()
        .neg()
        .div(divisor);
    return tokenLossBackward(model, ids, targets, lossOf, o, { forward: amp });
  });
}

function sftTensors(model: CausalLM, rows: readonly SftExample[], pad: number) {
  {
    const L = Math.max(...rows.map((r) => r.ids.length));
    const inp: number[] = [];
    const tgt: number[] = [];
    const msk: number[] = [];
    for (const r of rows) {
      for (let t = 0; t < L - 1; t++) {
        inp.push(r.ids[t] ?? pad);
        tgt.push(r.ids[t + 1] ?? pad);
        msk.push(r.loss[t + 1] ?? 0);
      }
    }
    const shape = [rows.length, L - 1];
    const dev = model.device;
    const ids = torch.tensor(inp, { dtype: 'int64', shape, device: dev });
    const targets = torch.tensor(tgt, { dtype: 'int64', shape, device: dev });
    const mask = torch.tensor(msk, { shape, device: dev });
    return { ids, targets, mask };
  }
}

/** max_steps, or num_train_epochs over the optimizer steps one epoch's micro-batches make. */
function sftTotalSteps(examples: SftExample[], cfg: SftConfig): number {
  if (cfg.max_steps > 0) return cfg.max_steps;
  const mbPerEpoch = microBatches(permutation(examples.length, cfg.seed, 0), examples, cfg).length;
  const stepsPerEpoch = Math.max(1, Math.ceil(mbPerEpoch / cfg.gradient_accumulation_steps));
  return Math.max(1, Math.ceil(cfg.num_train_epochs * stepsPerEpoch));
}

/** Token-mean loss over held-out sequences (every rank's share summed). */
function heldOutLoss(
  model: CausalLM,
  examples: SftExample[],
  pad: number,
  cfg: SftConfig,
  dp: DataParallel,
  amp: <T>(fn: () => T) => T,
): number {
  const tokens = examples.reduce((n, r) => n + r.loss.reduce((a, b) => a + b, 0), 0);
  let sum = 0;
  torch.noGrad(() => {
    const all = microBatches(
      examples.map((_, i) => i),
      examples,
      cfg,
    );
    for (const b of dp.roundRobin(all))
      for (const rows of lengthSlices(b.rows, (r) => r.ids.length))
        sum += torch.scope(() => amp(() => sftLossSum(model, rows, pad)).item());
  });
  return dp.sum([sum])[0]! / Math.max(1, tokens);
}

export async function runSft(o: SftOptions): Promise<SftResult> {
  const cfg = o.config;
  return withDataParallel(cfg.device, (dp) => sft(o, dp));
}

async function sft(o: SftOptions, dp: DataParallel): Promise<SftResult> {
  const cfg = o.config;
  // Rank 0 speaks for the group: it alone logs, shows progress and writes files.
  const log = dp.isMain ? (o.log ?? ((s: string) => console.error(s))) : () => {};
  const { ckpt, state } = startRun(o.out, { resume: o.resume, threads: cfg.threads, log });
  const tokenizer: Tokenizer = loadTokenizer(ckpt ?? tokenizerFolder(o.model, o.base), 'model');
  const amp = mixedPrecision(cfg, dp.device(cfg.device));
  // ---- LoRA (use_peft): the model to train, and the base its adapter folders name
  const trainable = loadForTraining(
    ckpt ?? o.model,
    cfg,
    { device: dp.device(cfg.device), dtype: cfg.dtype, base: o.base ?? null },
    log,
  );
  const model = trainable.model;
  if (dp.isMain)
    writeFileSync(
      join(o.out, 'config.json'),
      `${JSON.stringify({ trainer: 'sft', model: o.model, data: o.data, ...cfg }, null, 2)}\n`,
    );

  const { train, evalData } = await loadSftSplits(o.data, tokenizer, cfg, log);
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;

  // ---- schedule
  const totalSteps = sftTotalSteps(train.examples, cfg);
  const warmup = warmupStepsFor(cfg.warmup_steps, cfg.warmup_ratio, totalSteps);
  const opt = startOptimizer(model, cfg, ckpt, dp);
  if (dp.worldSize > cfg.gradient_accumulation_steps)
    log(
      `warning: ${dp.worldSize} ranks share ${cfg.gradient_accumulation_steps} micro-batch(es) per step, so some ranks idle; raise gradient_accumulation_steps to a multiple of the world size`,
    );

  const losses: number[] = [];
  let evalLoss = null as number | null; // (set inside the step closure)
  let epochBatches = microBatches(permutation(train.examples.length, cfg.seed, state.epoch), train.examples, cfg);
  const t0 = Date.now();
  let tokensSeen = 0;

  const evaluate = () => heldOutLoss(model, evalData.examples, pad, cfg, dp, amp);

  /** This optimizer step's micro-batches, crossing into the next epoch when needed. */
  const nextBatches = (): Batch[] => {
    const batches: Batch[] = [];
    while (batches.length < cfg.gradient_accumulation_steps) {
      if (state.cursor >= epochBatches.length) {
        state.epoch++;
        state.cursor = 0;
        epochBatches = microBatches(permutation(train.examples.length, cfg.seed, state.epoch), train.examples, cfg);
      }
      batches.push(epochBatches[state.cursor++]!);
    }
    return batches;
  };

  const trainStep = async ({ step, last }: { step: number; last: boolean }): Promise<StepReport> => {
    const batches = nextBatches();
    const lossTokens = batches.reduce((n, b) => n + b.lossTokens, 0);
    // Token-mean loss over the whole optimizer step (this rank's share of it): every rank's share
    // divided by the step's total token count, so the summed gradient is the step's.
    let lossValue = 0;
    for (const b of dp.roundRobin(batches))
      for (const rows of lengthSlices(b.rows, (r) => r.ids.length))
        lossValue += torch.scope(() => {
          if (cfg.gradient_checkpointing || cfg.chunked_loss)
            return sftBackward(model, rows, pad, lossTokens, cfg, amp);
          const loss = amp(() => sftLossSum(model, rows, pad)).div(lossTokens);
          loss.backward();
          return loss.item();
        });
    for (const b of batches) tokensSeen += b.rows.reduce((n, r) => n + r.ids.length, 0);
    lossValue = dp.sum([lossValue])[0]!;
    const lr = cfg.learning_rate * lrLambda(cfg.lr_scheduler_type as SchedulerType, step - 1, warmup, totalSteps);
    const gradNorm = optimizerStep(model, opt, lr, cfg.max_grad_norm, dp);
    losses.push(lossValue);

    const epochFloat = state.epoch + state.cursor / Math.max(1, epochBatches.length);
    const row: MetricsRow = {
      step,
      epoch: +epochFloat.toFixed(4),
      loss: lossValue,
      grad_norm: gradNorm,
      learning_rate: lr,
      tokens_per_s: tokensSeen / Math.max(1e-3, (Date.now() - t0) / 1000),
      elapsed: (Date.now() - t0) / 1000,
    };
    if (evalData.examples.length && ((cfg.eval_steps && step % cfg.eval_steps === 0) || last)) {
      evalLoss = evaluate();
      row.eval_loss = evalLoss;
    }
    return {
      row,
      progress: `loss ${lossValue.toFixed(4)}${evalLoss !== null ? ` eval ${evalLoss.toFixed(4)}` : ''}`,
      forceLog: row.eval_loss !== undefined,
    };
  };

  const { stopped } = await trainLoop({
    label: 'sft',
    out: o.out,
    state,
    totalSteps,
    cfg,
    dp,
    log,
    progress: o.progress,
    stopAfterSteps: o.stopAfterSteps,
    step: trainStep,
    checkpoint: checkpointer(o.out, trainable, opt, state, { tokenizer, keep: cfg.save_total_limit }),
  });
  if (stopped)
    return { steps: state.global_step, modelDir: latestCheckpoint(o.out) ?? o.model, losses, evalLoss, stopped };
  const modelDir = saveFinal(o.out, trainable, tokenizer, dp);
  log(
    `sft: ${state.global_step} steps, final loss ${losses[losses.length - 1]?.toFixed(4) ?? '-'}${evalLoss !== null ? `, eval_loss ${evalLoss.toFixed(4)}` : ''}; model saved to ${modelDir}`,
  );
  disposeModel(model);
  return { steps: state.global_step, modelDir, losses, evalLoss, stopped: false };
}
