// The skeleton every trainer shares (pretrain, sft, grpo): the optimizer and its resume, the loop
// with its one SIGINT handler, progress, the metrics log, periodic and final checkpoints, the final
// save. A trainer supplies its data and its step; the loop it runs reads like nanoGPT's:
//
//   while (step < total) { row = await trainStep(); log(row); checkpoint?; stop? }
import { join } from 'node:path';
import type { CausalLM } from '../model/decoder.js';
import * as torch from '../torch/index.js';
import { Progress } from '../util/progress.js';
import { restoreOptimizer, saveCheckpoint, type TrainerState } from './checkpoint.js';
import type { DataParallel } from './data-parallel.js';
import { MetricsLog } from './metrics.js';
import { makeOptimizer, type OptimizerSettings } from './optimizer.js';
import { saveTrained, type Trainable } from './peft.js';

export type MetricsRow = Record<string, unknown> & { step: number };

/** The settings the loop itself reads (every trainer config has them, under TRL's names). */
export interface LoopSettings {
  tensorboard: boolean;
  logging_steps: number;
  save_steps: number;
  save_total_limit: number | null;
  max_grad_norm: number;
  seed: number;
}

/**
 * AdamW for the model, its moments and the RNG restored from a checkpoint when resuming (else the
 * run's seed set), and rank 0's weights on every rank.
 */
export function startOptimizer(
  model: CausalLM,
  cfg: OptimizerSettings & { seed: number },
  ckpt: string | null,
  dp: DataParallel,
): torch.optim.AdamW {
  const opt = makeOptimizer(model, cfg);
  if (ckpt) restoreOptimizer(ckpt, model, opt);
  else torch.manualSeed(cfg.seed);
  dp.broadcastParameters(model.parameters());
  return opt;
}

/**
 * Gradients summed across ranks, clipped to max_grad_norm (or only measured when it is 0), one
 * optimizer step at learning rate `lr`, gradients cleared. Returns the norm before clipping.
 */
export function optimizerStep(
  model: CausalLM,
  opt: torch.optim.AdamW,
  lr: number,
  maxGradNorm: number,
  dp: DataParallel,
): number {
  dp.allReduceGradients(model.parameters());
  const norm = maxGradNorm > 0 ? torch.nn.utils.clipGradNorm_(model.parameters(), maxGradNorm) : gradientNorm(model);
  opt.setLr(lr);
  opt.step();
  opt.zeroGrad();
  return norm;
}

/** Global L2 norm of the gradients (when clipping is off, for the metric). */
export function gradientNorm(model: CausalLM): number {
  return torch.noGrad(() =>
    torch.scope(() => {
      let sq = 0;
      for (const p of model.parameters()) {
        const g = p.grad;
        if (g) sq += g.float().square().sum().item();
      }
      return Math.sqrt(sq);
    }),
  );
}

/** What one optimizer step reports back to the loop. */
export interface StepReport {
  /** The metrics row (TRL's names), `step` being the step just taken. */
  row: MetricsRow;
  /** A few words for the progress bar. */
  progress: string;
  /** Log this row even off the logging_steps grid (e.g. it holds an eval). */
  forceLog?: boolean;
}

export interface LoopOptions {
  label: string;
  out: string;
  /** Mutated in place: global_step advances once per step (the trainer moves epoch and cursor). */
  state: TrainerState;
  totalSteps: number;
  cfg: LoopSettings;
  dp: DataParallel;
  log: (line: string) => void;
  progress?: boolean;
  /** Stop (as if killed) after this many steps in this process. */
  stopAfterSteps?: number;
  /** Before the first step of a fresh run (GRPO's step-0 evaluation): a row to log, or none. */
  before?: () => Promise<MetricsRow | null>;
  /** One optimizer step. `step` is the number it will have (global_step + 1); `last` it is the final one. */
  step: (ctx: { step: number; last: boolean }) => Promise<StepReport>;
  /** Writes a checkpoint of the state as it is now (rank 0 only calls it). */
  checkpoint: () => void;
}

/**
 * Runs steps until totalSteps, a SIGINT (the step in flight finishes, a checkpoint is written, and
 * the caller sees stopped: true — the CLI then exits 130), or stopAfterSteps.
 */
export async function trainLoop(o: LoopOptions): Promise<{ stopped: boolean }> {
  const { state, dp, cfg } = o;
  const metrics = dp.isMain
    ? new MetricsLog(o.out, { tensorboard: cfg.tensorboard, dropAfterStep: state.global_step })
    : null;
  const progress = dp.isMain
    ? new Progress({ label: o.label, total: o.totalSteps, unit: 'step', enabled: o.progress !== false })
    : { set: () => {}, close: () => {} };
  progress.set(state.global_step);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    o.log('interrupt: finishing this step, then saving a checkpoint');
  };
  process.once('SIGINT', onSigint);
  try {
    if (state.global_step === 0 && o.before) {
      const row = await o.before();
      if (row) metrics?.log(row);
    }
    let stepsThisRun = 0;
    while (state.global_step < o.totalSteps) {
      // Yield to the event loop once per step so the SIGINT handler can run.
      await new Promise<void>((r) => setImmediate(r));
      const last = state.global_step + 1 === o.totalSteps;
      const report = await o.step({ step: state.global_step + 1, last });
      state.global_step++;
      stepsThisRun++;
      if (state.global_step % cfg.logging_steps === 0 || last || report.forceLog) metrics?.log(report.row);
      progress.set(state.global_step, report.progress);
      const stopAll = dp.sum([interrupted ? 1 : 0])[0]! > 0; // an interrupt on any rank stops them all here
      const stopNow = stopAll || (o.stopAfterSteps !== undefined && stepsThisRun >= o.stopAfterSteps);
      if (dp.isMain && (state.global_step % cfg.save_steps === 0 || last || stopAll)) o.checkpoint();
      if (stopNow && !last) {
        progress.close('stopped');
        return { stopped: true };
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  progress.close();
  return { stopped: false };
}

/** The checkpoint writer a trainer hands to trainLoop. */
export function checkpointer(
  out: string,
  t: Trainable,
  opt: torch.optim.AdamW,
  state: TrainerState,
  o: { tokenizer: { save(dir: string): void }; keep: number | null },
): () => void {
  return () => saveCheckpoint(out, t.model, opt, { ...state }, { ...o, baseModel: t.baseModel });
}

/** The final weights in <out>/model (an adapter folder for LoRA; rank 0 writes), then the model freed. */
export function saveFinal(out: string, t: Trainable, tokenizer: { save(dir: string): void }, dp: DataParallel): string {
  const modelDir = join(out, 'model');
  if (dp.isMain) saveTrained(t, modelDir, { tokenizer });
  return modelDir;
}

/** Frees a model's weights (the trainers' last act). */
export function disposeModel(model: CausalLM | null): void {
  if (model) for (const p of model.parameters()) p.dispose();
}
