// One slice of a GRPO update: rollouts (prompt + completion rows) as tensors, their log-probs, and
// the forward/backward of the clipped surrogate loss — plainly, or holding less for backward
// (gradient_checkpointing, chunked_loss) with the same loss and gradients.
import type { CausalLM } from '../model/decoder.js';
import { type LogprobChunk, type MemorySettings, tokenLogprobs, tokenLossBackward } from '../model/logprobs.js';
import * as torch from '../torch/index.js';
import { grpoLoss, type LossSettings } from './grpo-loss.js';

/** What the update needs of a rollout. */
export interface UpdateRow {
  promptIds: readonly number[];
  completion: { tokenIds: readonly number[] };
  /** Loss mask weight for the whole completion (0 when masked as truncated). */
  keep: number;
  advantage: number;
}

/**
 * Left-padded prompts followed by right-padded completions, [B, Lp + Lc]: the completion token j
 * of a row is predicted at input position Lp − 1 + j. mask [B,Lc] is the rows' `keep` on real tokens.
 */
export function rolloutTensors(model: CausalLM, rows: readonly UpdateRow[], pad: number) {
  const Lp = Math.max(...rows.map((r) => r.promptIds.length));
  const Lc = Math.max(1, ...rows.map((r) => r.completion.tokenIds.length));
  const ids: number[] = [];
  const att: number[] = [];
  const pos: number[] = [];
  const tgt: number[] = [];
  const msk: number[] = [];
  for (const r of rows) {
    const p = r.promptIds;
    const c = r.completion.tokenIds;
    for (let i = 0; i < Lp; i++) {
      const real = i >= Lp - p.length;
      ids.push(real ? p[i - (Lp - p.length)]! : pad);
      att.push(real ? 1 : 0);
      pos.push(real ? i - (Lp - p.length) : 0);
    }
    for (let j = 0; j < Lc; j++) {
      ids.push(c[j] ?? pad);
      att.push(j < c.length ? 1 : 0);
      pos.push(p.length + j);
      tgt.push(c[j] ?? pad);
      msk.push(j < c.length ? r.keep : 0);
    }
  }
  const B = rows.length;
  const device = model.device;
  const long = (xs: number[], L: number) => torch.tensor(xs, { dtype: 'int64', shape: [B, L], device });
  return {
    input: long(ids, Lp + Lc),
    positionIds: long(pos, Lp + Lc),
    attentionMask: att.includes(0) ? long(att, Lp + Lc) : undefined,
    targets: long(tgt, Lc),
    mask: torch.tensor(msk, { shape: [B, Lc], device }),
    Lp,
    Lc,
  };
}

/** log π(completion tokens | prompt) [B,Lc] for a slice (with gradient when enabled), with the mask [B,Lc]. */
export function rolloutLogprobs(
  model: CausalLM,
  rows: readonly UpdateRow[],
  temperature: number,
  pad: number,
  withEntropy: boolean,
) {
  const t = rolloutTensors(model, rows, pad);
  const h = model.hidden(t.input, {
    positionIds: t.positionIds,
    ...(t.attentionMask ? { attentionMask: t.attentionMask } : {}),
  });
  const out = tokenLogprobs(model, h.narrow(1, t.Lp - 1, t.Lc), t.targets, { temperature, entropy: withEntropy });
  return { ...out, mask: t.mask };
}

export interface SliceUpdate {
  /** The slice's share of the step's loss. */
  loss: number;
  clippedLow: number;
  clippedHigh: number;
  klSum: number;
  tokens: number;
  /** Σ entropy over mask tokens (0 unless asked). */
  entropySum: number;
}

export interface SliceOptions {
  pad: number;
  temperature: number;
  /** Also sum the predictive entropy over mask tokens (for the metric). */
  entropy: boolean;
  /** log π_old [B,Lc] (μ > 1), else the current log-probs detached. */
  old: torch.Tensor | null;
  /** log π_ref [B,Lc] (β > 0). */
  ref: torch.Tensor | null;
  settings: LossSettings;
  memory: MemorySettings;
  /** The trainers' autocast around forwards. */
  amp?: <T>(fn: () => T) => T;
}

/** Forward and backward of one slice's GRPO loss (its gradients accumulate into .grad). */
export function grpoSliceBackward(model: CausalLM, rows: readonly UpdateRow[], o: SliceOptions): SliceUpdate {
  const amp = o.amp ?? (<T>(fn: () => T) => fn());
  return torch.scope(() => {
    const advantages = torch.tensor(
      rows.map((r) => r.advantage),
      { device: model.device, dtype: model.dtype === 'float64' ? 'float64' : 'float32' },
    );
    const stats: SliceUpdate = { loss: 0, clippedLow: 0, clippedHigh: 0, klSum: 0, tokens: 0, entropySum: 0 };
    const add = (out: ReturnType<typeof grpoLoss>, entropy: torch.Tensor | undefined, mask: torch.Tensor) => {
      stats.clippedLow += out.clippedLow;
      stats.clippedHigh += out.clippedHigh;
      stats.klSum += out.klSum;
      stats.tokens += out.tokens;
      if (entropy) stats.entropySum += entropy.mul(mask).sum().item();
    };
    if (!o.memory.gradient_checkpointing && !o.memory.chunked_loss) {
      const lp = amp(() => rolloutLogprobs(model, rows, o.temperature, o.pad, o.entropy));
      const out = grpoLoss(
        {
          logprobs: lp.logprobs,
          oldLogprobs: o.old ?? lp.logprobs.detach(),
          refLogprobs: o.ref,
          advantages,
          mask: lp.mask,
        },
        o.settings,
      );
      out.loss.backward();
      add(out, lp.entropy, lp.mask);
      stats.loss = out.loss.item();
      return stats;
    }
    const t = rolloutTensors(model, rows, o.pad);
    // The normalisers come from the whole slice, so the chunks' losses add up to the slice's.
    const settings: LossSettings = {
      ...o.settings,
      microBatchRows: o.settings.microBatchRows ?? rows.length,
      microBatchTokens: o.settings.microBatchTokens ?? t.mask.sum().item(),
    };
    const rowTokens = t.mask.sum(-1);
    const lossOf = (c: LogprobChunk) => {
      const part = (x: torch.Tensor) => x.narrow(1, c.start, c.length);
      const mask = part(t.mask);
      const out = grpoLoss(
        {
          logprobs: c.logprobs,
          oldLogprobs: o.old ? part(o.old) : c.logprobs.detach(),
          refLogprobs: o.ref ? part(o.ref) : null,
          advantages,
          mask,
          rowTokens,
        },
        settings,
      );
      add(out, c.entropy, mask);
      return out.loss;
    };
    stats.loss = tokenLossBackward(model, t.input, t.targets, lossOf, o.memory, {
      positionIds: t.positionIds,
      ...(t.attentionMask ? { attentionMask: t.attentionMask } : {}),
      offset: t.Lp - 1,
      temperature: o.temperature,
      entropy: o.entropy,
      forward: amp,
    });
    return stats;
  });
}
