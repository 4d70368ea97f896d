// GRPO's advantages and clipped surrogate loss, as TRL's GRPOTrainer defines them (token-level
// importance ratios; loss types grpo / bnpo / dapo / dr_grpo; k3 KL estimator).
import * as torch from '../torch/index.js';
import { mean, sampleStd } from '../util/stats.js';

export type ScaleRewards = 'group' | 'batch' | 'none';
export type LossType = 'grpo' | 'bnpo' | 'dapo' | 'dr_grpo';

/** Sample std, 0 below two values (one completion per group has nothing to compare with). */
const stdOrZero = (xs: readonly number[]): number => (xs.length < 2 ? 0 : sampleStd(xs));

export interface Advantages {
  advantages: number[];
  /** Per completion: its group's rewards were all equal. */
  zeroStd: boolean[];
  groupStd: number[];
}

/** rewards are grouped consecutively: [p0 s0..sG-1, p1 s0.., …]. A = r − mean(group) [/ (std + 1e-4)]. */
export function computeAdvantages(rewards: readonly number[], G: number, scale: ScaleRewards): Advantages {
  if (rewards.length % G !== 0) throw new Error(`${rewards.length} rewards do not split into groups of ${G}`);
  const batchStd = stdOrZero(rewards);
  const advantages: number[] = [];
  const zeroStd: boolean[] = [];
  const groupStd: number[] = [];
  for (let g = 0; g < rewards.length; g += G) {
    const group = rewards.slice(g, g + G);
    const m = mean(group);
    const std = stdOrZero(group);
    const denom = scale === 'group' ? std : scale === 'batch' ? batchStd : 0;
    for (const r of group) {
      advantages.push(scale === 'none' ? r - m : (r - m) / (denom + 1e-4));
      zeroStd.push(Math.abs(std) < 1e-8);
      groupStd.push(std);
    }
  }
  return { advantages, zeroStd, groupStd };
}

export interface LossInputs {
  /** log π_θ(token) [B,T] with gradient */
  logprobs: torch.Tensor;
  /** log π_old(token) [B,T] (detached); equal to logprobs.detach() when μ = 1 */
  oldLogprobs: torch.Tensor;
  /** log π_ref(token) [B,T] when β > 0 */
  refLogprobs?: torch.Tensor | null;
  /** per completion [B] */
  advantages: torch.Tensor;
  /** 1 on completion tokens that count [B,T] */
  mask: torch.Tensor;
  /**
   * When the inputs are a range of positions of longer rows (the chunked loss): each row's loss-token
   * count over all its positions [B] (grpo's per-sequence normaliser). Default: mask.sum(-1).
   */
  rowTokens?: torch.Tensor;
}

export interface LossSettings {
  lossType: LossType;
  epsilonLow: number;
  epsilonHigh: number;
  beta: number;
  /** dapo: the number of loss tokens in the whole optimizer step (all micro-batches). */
  stepTokens: number;
  /** grpo / bnpo / dr_grpo: micro-batches per optimizer step (their losses are averaged). */
  microBatches: number;
  /** dr_grpo's constant normaliser. */
  maxCompletionLength: number;
  /**
   * When the inputs are a slice of a micro-batch (rows of similar length computed together to save
   * padding): the micro-batch's row count and loss-token count, so that the slices' losses add up to
   * the micro-batch's loss. Default: the inputs are the whole micro-batch.
   */
  microBatchRows?: number;
  microBatchTokens?: number;
}

export interface LossOutput {
  loss: torch.Tensor;
  /** Sums over mask tokens, for metrics: clipped (low/high) counts, KL sum. */
  clippedLow: number;
  clippedHigh: number;
  klSum: number;
  tokens: number;
}

export function grpoLoss(x: LossInputs, s: LossSettings): LossOutput {
  return torch.scope(() => {
    const adv = x.advantages.unsqueeze(1); // [B,1]
    const ratio = x.logprobs.sub(x.oldLogprobs).exp();
    const clipped = ratio.clamp(1 - s.epsilonLow, 1 + s.epsilonHigh);
    let perToken = ratio.mul(adv).minimum(clipped.mul(adv)).neg();
    let klSum = 0;
    if (s.beta > 0) {
      if (!x.refLogprobs) throw new Error('beta > 0 needs reference log-probs');
      const d = x.refLogprobs.sub(x.logprobs);
      const kl = d.exp().sub(d).sub(1); // k3 estimator
      perToken = perToken.add(kl.mul(s.beta));
      klSum = torch.noGrad(() => kl.mul(x.mask).sum().item());
    }
    const masked = perToken.mul(x.mask);
    const B = s.microBatchRows ?? x.mask.shape[0]!;
    let loss: torch.Tensor;
    switch (s.lossType) {
      case 'grpo':
        loss = masked
          .sum(-1)
          .div((x.rowTokens ?? x.mask.sum(-1)).clamp(1))
          .sum()
          .div(B)
          .div(s.microBatches);
        break;
      case 'bnpo':
        loss = masked
          .sum()
          .div(Math.max(1, s.microBatchTokens ?? x.mask.sum().item()))
          .div(s.microBatches);
        break;
      case 'dr_grpo':
        loss = masked
          .sum()
          .div(B * s.maxCompletionLength)
          .div(s.microBatches);
        break;
      case 'dapo':
        loss = masked.sum().div(Math.max(1, s.stepTokens));
        break;
    }
    const stats = torch.noGrad(() => {
      const r = ratio.detach();
      const low = r
        .lt(1 - s.epsilonLow)
        .logicalAnd(adv.lt(0))
        .float()
        .mul(x.mask)
        .sum()
        .item();
      const high = r
        .gt(1 + s.epsilonHigh)
        .logicalAnd(adv.gt(0))
        .float()
        .mul(x.mask)
        .sum()
        .item();
      return { low, high, tokens: x.mask.sum().item() };
    });
    return { loss, clippedLow: stats.low, clippedHigh: stats.high, klSum, tokens: stats.tokens };
  });
}
