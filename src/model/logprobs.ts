// Per-token log-probabilities of given targets, chunked over the sequence so a large vocabulary
// never materialises float32 logits for the whole batch at once.
import * as torch from '../torch/index.js';
import type { CausalLM } from './decoder.js';
import { frozenHeadLogprobs } from './frozen-head.js';

export interface TokenLogprobs {
  /** log p(target) [B,T] in float32 */
  logprobs: torch.Tensor;
  /** Entropy of the predictive distribution [B,T] (float32, no gradient), when asked. */
  entropy?: torch.Tensor;
}

/**
 * hidden [B,T,D] (model.hidden output) and targets [B,T] → log p(targets). `chunk` positions are
 * projected to the vocabulary at a time (default: enough for ~32 M logits per chunk).
 */
export function tokenLogprobs(
  model: CausalLM,
  hidden: torch.Tensor,
  targets: torch.Tensor,
  o: { chunk?: number; entropy?: boolean; temperature?: number } = {},
): TokenLogprobs {
  const [B, T] = targets.shape as [number, number];
  const V = model.config.vocab_size;
  const chunk = Math.max(1, o.chunk ?? Math.floor((32 * 2 ** 20) / Math.max(1, B * V)));
  const temp = o.temperature ?? 1;
  // Under autograd with a frozen head (LoRA): no [T, V] logits saved for backward (frozen-head.ts).
  if (torch.isGradEnabled() && hidden.requiresGrad && !model.lmHead.requiresGrad)
    return frozenHeadLogprobs(model, hidden, targets, { ...o, chunk });
  return torch.scope(() => {
    const lps: torch.Tensor[] = [];
    const ents: torch.Tensor[] = [];
    for (let s = 0; s < T; s += chunk) {
      const n = Math.min(chunk, T - s);
      let logits = atLeastFloat32(model.logits(hidden.narrow(1, s, n)));
      if (temp !== 1) logits = logits.div(temp);
      const lsm = logits.logSoftmax(-1);
      lps.push(lsm.gather(-1, targets.narrow(1, s, n).unsqueeze(-1)).squeeze(-1));
      if (o.entropy) ents.push(torch.noGrad(() => lsm.exp().mul(lsm).sum(-1).neg()));
    }
    const logprobs = lps.length === 1 ? lps[0]! : torch.cat(lps, 1);
    if (!o.entropy) return { logprobs };
    return { logprobs, entropy: ents.length === 1 ? ents[0]! : torch.cat(ents, 1) };
  });
}

/** One chunk of positions handed to a chunked loss: log-probs [B,n] (with gradient) of positions start..start+n-1. */
export interface LogprobChunk {
  logprobs: torch.Tensor;
  /** Entropy [B,n] (no gradient), when asked. */
  entropy?: torch.Tensor;
  start: number;
  length: number;
}

export interface ChunkedLossOptions {
  /** Positions per chunk (default: ~32 M logits per chunk, as tokenLogprobs). */
  chunk?: number | null;
  temperature?: number;
  entropy?: boolean;
  /** targets[:, t] is predicted by hidden[:, offset + t] (default 0). */
  offset?: number;
  /** Wraps each chunk's forward (the trainers' autocast); backward runs outside it. */
  forward?: <T>(fn: () => T) => T;
}

/**
 * A loss Σ_chunks lossOf(chunk) over token log-probs, with its own backward: each chunk of
 * positions is projected to the vocabulary, its loss computed and back-propagated at once, so a
 * chunk's logits live only while that chunk is processed (peak ∝ chunk × V, never T × V). The loss
 * must be a sum of per-chunk terms (per-token losses with weights fixed beforehand), which makes the
 * result and the gradients independent of the chunk size. Gradients reach hidden.grad when `hidden`
 * is a leaf (CausalLM.trainingHidden), otherwise they are carried through hidden's graph at the
 * end. Returns the loss value; `onChunk` sees every chunk (for metrics) while it is alive.
 */
export function chunkedTokenLoss(
  model: CausalLM,
  hidden: torch.Tensor,
  targets: torch.Tensor,
  lossOf: (c: LogprobChunk) => torch.Tensor,
  o: ChunkedLossOptions = {},
): number {
  const [B, T] = targets.shape as [number, number];
  const V = model.config.vocab_size;
  const chunk = Math.max(1, o.chunk ?? Math.floor((32 * 2 ** 20) / Math.max(1, B * V)));
  const temp = o.temperature ?? 1;
  const offset = o.offset ?? 0;
  const run = o.forward ?? (<T>(fn: () => T) => fn());
  return torch.scope(() => {
    const leaf = hidden.isLeaf ? hidden : hidden.detach().requiresGrad_(true);
    let total = 0;
    for (let s = 0; s < T; s += chunk) {
      const n = Math.min(chunk, T - s);
      total += torch.scope(() => {
        const loss = run(() => {
          let logits = atLeastFloat32(model.logits(leaf.narrow(1, offset + s, n)));
          if (temp !== 1) logits = logits.div(temp);
          const lsm = logits.logSoftmax(-1);
          const logprobs = lsm.gather(-1, targets.narrow(1, s, n).unsqueeze(-1)).squeeze(-1);
          const entropy = o.entropy ? torch.noGrad(() => lsm.exp().mul(lsm).sum(-1).neg()) : undefined;
          return lossOf({ logprobs, start: s, length: n, ...(entropy ? { entropy } : {}) });
        });
        loss.backward();
        return loss.item();
      });
    }
    if (leaf !== hidden) {
      const g = leaf.grad;
      if (g) hidden.backward(g);
    }
    return total;
  });
}

/** float32 for half-precision logits; float64 models keep float64 (exact gradient checks). */
const atLeastFloat32 = (t: torch.Tensor) => (t.dtype === 'float64' ? t : t.float());

/** What a training forward holds for backward (the trainers' gradient_checkpointing / chunked_loss). */
export interface MemorySettings {
  gradient_checkpointing: boolean;
  chunked_loss: boolean;
  loss_chunk_size: number | null;
}

export interface TokenLossBackwardOptions {
  positionIds?: torch.Tensor;
  attentionMask?: torch.Tensor;
  /** targets[:, t] is predicted by the hidden state at input position offset + t (default 0). */
  offset?: number;
  temperature?: number;
  entropy?: boolean;
  /** Wraps every forward computation (the trainers' autocast), recomputations included. */
  forward?: <T>(fn: () => T) => T;
}

/**
 * Forward and backward of a loss Σ lossOf(chunk) over the log-probs of `targets` given `ids`,
 * holding what `m` asks for: with gradient_checkpointing only each decoder layer's input is kept
 * and layers are recomputed in backward; with chunked_loss the LM head runs chunk by chunk, each
 * chunk back-propagated at once (chunkedTokenLoss). Without chunking lossOf sees one chunk of all
 * positions. Same loss and gradients either way (lossOf must be a sum of per-position terms).
 * Returns the loss value.
 */
export function tokenLossBackward(
  model: CausalLM,
  ids: torch.Tensor,
  targets: torch.Tensor,
  lossOf: (c: LogprobChunk) => torch.Tensor,
  m: MemorySettings,
  o: TokenLossBackwardOptions = {},
): number {
  const run = o.forward ?? (<T>(fn: () => T) => fn());
  return torch.scope(() => {
    const th = model.trainingHidden(ids, {
      checkpoint: m.gradient_checkpointing,
      forward: run,
      ...(o.positionIds ? { positionIds: o.positionIds } : {}),
      ...(o.attentionMask ? { attentionMask: o.attentionMask } : {}),
    });
    const offset = o.offset ?? 0;
    let value: number;
    if (m.chunked_loss)
      value = chunkedTokenLoss(model, th.hidden, targets, lossOf, {
        chunk: m.loss_chunk_size,
        offset,
        forward: run,
        ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
        ...(o.entropy ? { entropy: true } : {}),
      });
    else {
      const T = targets.shape[1]!;
      const loss = run(() => {
        const lp = tokenLogprobs(model, th.hidden.narrow(1, offset, T), targets, {
          ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
          ...(o.entropy ? { entropy: true } : {}),
        });
        return lossOf({ logprobs: lp.logprobs, start: 0, length: T, ...(lp.entropy ? { entropy: lp.entropy } : {}) });
      });
      loss.backward();
      value = loss.item();
    }
    th.backward();
    return value;
  });
}
