// GRPO's update phase: the kept rollouts cut into micro-batches of per_device_train_batch_size
// rows, each run as slices of similar-length rows (less padding, same loss sum); μ =
// num_iterations optimizer steps over the batch, each accumulating every micro-batch. Old
// log-probs (μ > 1) and reference log-probs (β > 0) come from frozen passes before the first.
import type { CausalLM } from '../model/decoder.js';
import * as torch from '../torch/index.js';
import type { DataParallel } from './data-parallel.js';
import { grpoSliceBackward, rolloutLogprobs } from './grpo-batch.js';
import type { GrpoConfig } from './grpo-config.js';
import type { LossSettings, LossType } from './grpo-loss.js';
import type { Rollout, RolloutSummary } from './grpo-rollout.js';
import { lengthSlices } from './length-slices.js';
import { optimizerStep } from './run.js';

/** The update's sums over every rank (first iteration), for the metrics. */
export interface UpdateStats {
  loss: number;
  clipLow: number;
  clipHigh: number;
  klSum: number;
  tokens: number;
  entropySum: number;
  /** The last iteration's gradient norm before clipping (0 when nothing was trained). */
  gradNorm: number;
}

export interface UpdateContext {
  model: CausalLM;
  opt: torch.optim.AdamW;
  /** A frozen reference model (β > 0 without LoRA), else null. */
  ref: CausalLM | null;
  /** β > 0 with a fresh LoRA adapter: the reference is the policy with its adapter set aside. */
  refIsBase: boolean;
  cfg: GrpoConfig;
  dp: DataParallel;
  pad: number;
  amp: <T>(fn: () => T) => T;
}

interface MicroBatch {
  slices: Rollout[][];
  rows: number;
  /** Loss tokens (completion tokens of kept rows). */
  tokens: number;
}

/** Rollouts in micro-batches of `mb` rows, each cut into slices of similar length. */
export function microBatches(rollouts: readonly Rollout[], mb: number): MicroBatch[] {
  const out: MicroBatch[] = [];
  const rowLength = (r: Rollout) => r.promptIds.length + r.completion.tokenIds.length;
  for (let i = 0; i < rollouts.length; i += mb) {
    const c = rollouts.slice(i, i + mb);
    out.push({
      slices: lengthSlices(c, rowLength),
      rows: c.length,
      tokens: c.reduce((n, r) => n + r.keep * r.completion.tokenIds.length, 0),
    });
  }
  return out;
}

/**
 * The loss normalisers over the whole step, all ranks together: dapo's token count, and the
 * micro-batch count the other loss types average over.
 */
export function lossSettings(
  cfg: GrpoConfig,
  kept: readonly RolloutSummary[],
  keptPerRank: readonly number[],
): LossSettings {
  const mb = cfg.per_device_train_batch_size;
  return {
    lossType: cfg.loss_type as LossType,
    epsilonLow: cfg.epsilon,
    epsilonHigh: cfg.epsilon_high ?? cfg.epsilon,
    beta: cfg.beta,
    stepTokens: kept.reduce((n, r) => n + r.keep * r.length, 0),
    microBatches: keptPerRank.reduce((n, k) => n + Math.ceil(k / mb), 0),
    maxCompletionLength: cfg.max_completion_length,
  };
}

/** Log-probs of every slice under a model, without gradient, kept past the caller's scope. */
function frozenLogprobs(ctx: UpdateContext, m: CausalLM, batches: readonly MicroBatch[]): torch.Tensor[][] {
  return batches.map((c) =>
    c.slices.map((sl) =>
      torch.keep(
        torch.noGrad(() =>
          torch.scope(() => ctx.amp(() => rolloutLogprobs(m, sl, ctx.cfg.temperature, ctx.pad, false)).logprobs),
        ),
      ),
    ),
  );
}

/**
 * μ optimizer steps over this rank's rollouts at learning rate `lr`; `kept`/`keptPerRank` describe
 * every rank's, for the normalisers. No step is taken when no rank kept a loss token.
 */
export function update(
  ctx: UpdateContext,
  rollouts: readonly Rollout[],
  kept: readonly RolloutSummary[],
  keptPerRank: readonly number[],
  lr: number,
): UpdateStats {
  const { model, cfg, dp } = ctx;
  const batches = microBatches(rollouts, cfg.per_device_train_batch_size);
  const settings = lossSettings(cfg, kept, keptPerRank);
  const old = cfg.num_iterations > 1 ? frozenLogprobs(ctx, model, batches) : null;
  const refLp = ctx.ref
    ? frozenLogprobs(ctx, ctx.ref, batches)
    : ctx.refIsBase
      ? model.withoutAdapter(() => frozenLogprobs(ctx, model, batches))
      : null;
  const s: UpdateStats = { loss: 0, clipLow: 0, clipHigh: 0, klSum: 0, tokens: 0, entropySum: 0, gradNorm: 0 };
  if (kept.length > 0 && settings.stepTokens > 0) {
    for (let it = 0; it < cfg.num_iterations; it++) {
      batches.forEach((c, ci) =>
        c.slices.forEach((sl, si) =>
          torch.scope(() => {
            const out = grpoSliceBackward(model, sl, {
              pad: ctx.pad,
              temperature: cfg.temperature,
              entropy: it === 0,
              old: old ? old[ci]![si]! : null,
              ref: refLp ? refLp[ci]![si]! : null,
              settings: { ...settings, microBatchRows: c.rows, microBatchTokens: c.tokens },
              memory: cfg,
              amp: ctx.amp,
            });
            if (it > 0) return; // the metrics describe the first pass over the batch
            s.loss += out.loss;
            s.clipLow += out.clippedLow;
            s.clipHigh += out.clippedHigh;
            s.klSum += out.klSum;
            s.tokens += out.tokens;
            s.entropySum += out.entropySum;
          }),
        ),
      );
      s.gradNorm = optimizerStep(model, ctx.opt, lr, cfg.max_grad_norm, dp);
    }
  }
  for (const x of [...(old ?? []), ...(refLp ?? [])].flat()) x.dispose();
  const [loss, clipLow, clipHigh, klSum, tokens, entropySum] = dp.sum([
    s.loss,
    s.clipLow,
    s.clipHigh,
    s.klSum,
    s.tokens,
    s.entropySum,
  ]) as [number, number, number, number, number, number];
  return { loss, clipLow, clipHigh, klSum, tokens, entropySum, gradNorm: s.gradNorm };
}
