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
  /**
   * Positions per chunk (default: ~128 M logits per chunk, 512 MiB in float32). Each chunk re-reads
   * the [V,D] head and its gradient, so fewer, larger chunks are faster; 4× tokenLogprobs' default
   * costs nothing at the step's peak (the optimizer step's memory is larger).
   */
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
  const chunk = Math.max(1, o.chunk ?? Math.floor((128 * 2 ** 20) / Math.max(1, B * V)));
  const temp = o.temperature ?? 1;
  const offset = o.offset ?? 0;
  const run = o.forward ?? (<T>(fn: () => T) => fn());
  return torch.scope(() => {
    const W = model.lmHead;
    // The head's own backward (below) needs plain float32/float64 maths throughout: no autocast, one dtype.
    const manual =
      (W.dtype === 'float32' || W.dtype === 'float64') &&
      hidden.dtype === W.dtype &&
      !run(() => torch.isAutocastEnabled(model.device.split(':')[0]));
    if (manual) return chunkedHeadBackward(model, hidden, targets, lossOf, { chunk, temp, offset, entropy: o.entropy });
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

/**
 * chunkedTokenLoss with the LM head's backward done here rather than by autograd: autograd gives
 * every chunk a freshly allocated [V,D] weight gradient and then adds it to the one before (at
 * V = 151,936, D = 896 that is 544 MB allocated, page-faulted and summed per chunk, ~19 chunks at
 * 4k tokens); here each chunk's product is added in place into lm_head's .grad (addmm_), and the
 * hidden-state gradients are written into one [B,T,D] buffer. Autograd still differentiates the
 * loss with respect to each chunk's logits. Same sums, so the same gradients.
 */
function chunkedHeadBackward(
  model: CausalLM,
  hidden: torch.Tensor,
  targets: torch.Tensor,
  lossOf: (c: LogprobChunk) => torch.Tensor,
  o: { chunk: number; temp: number; offset: number; entropy?: boolean },
): number {
  const [B, T] = targets.shape as [number, number];
  const D = hidden.shape[2]!;
  const W = model.lmHead;
  const h = hidden.detach();
  const gHidden = hidden.requiresGrad
    ? torch.zeros(hidden.shape, { dtype: hidden.dtype, device: hidden.device })
    : null;
  let gW: torch.Tensor | null = null;
  if (W.requiresGrad) {
    gW = W.grad;
    if (!gW) {
      W.grad = torch.zeros(W.shape, { dtype: W.dtype, device: W.device });
      gW = W.grad;
    }
  }
  let total = 0;
  for (let s = 0; s < T; s += o.chunk) {
    const n = Math.min(o.chunk, T - s);
    total += torch.scope(() => {
      const hc = h.narrow(1, o.offset + s, n).reshape(B * n, D);
      const logits = torch.noGrad(() => torch.nn.functional.linear(hc, W.detach())).requiresGrad_(true); // [B·n, V]
      const scaled = o.temp !== 1 ? logits.div(o.temp) : logits;
      const lsm = scaled.logSoftmax(-1);
      const logprobs = lsm.gather(-1, targets.narrow(1, s, n).reshape(B * n, 1)).view(B, n);
      const entropy = o.entropy ? torch.noGrad(() => lsm.exp().mul(lsm).sum(-1).neg().view(B, n)) : undefined;
      const loss = lossOf({ logprobs, start: s, length: n, ...(entropy ? { entropy } : {}) });
      loss.backward();
      const g = logits.grad;
      if (g)
        torch.noGrad(() => {
          if (gHidden) gHidden.narrow(1, o.offset + s, n).copy_(g.mm(W.detach()).view(B, n, D));
          gW?.addmm_(g.t(), hc);
        });
      return loss.item();
    });
  }
  if (gHidden) {
    if (!hidden.isLeaf) hidden.backward(gHidden);
    else {
      const prev = hidden.grad;
      if (prev) prev.add_(gHidden);
      else hidden.grad = gHidden;
    }
  }
  return total;
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
