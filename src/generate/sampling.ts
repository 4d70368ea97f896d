// Logits processing and sampling: temperature, top-k, top-p (nucleus), min-p, as Hugging Face's
// and vLLM's samplers define them. Every row samples with its own seeded generator, so a row's
// tokens do not depend on which other rows share its batch.
import * as torch from '../torch/index.js';

export interface SamplingOptions {
  /** 0 → greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep the smallest set of tokens whose probability mass reaches top_p. 1 = off. */
  topP?: number;
  /** Keep the k most likely tokens. 0 (or ≥ vocabulary) = off. */
  topK?: number;
  /** Drop tokens whose probability is below min_p × the most likely token's. 0 = off. */
  minP?: number;
}

export function validateSampling(o: SamplingOptions): void {
  const t = o.temperature ?? 1;
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`temperature must be ≥ 0, got ${o.temperature}`);
  const p = o.topP ?? 1;
  if (!(p > 0 && p <= 1)) throw new RangeError(`top_p must be in (0, 1], got ${o.topP}`);
  const k = o.topK ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`top_k must be a non-negative integer (0 = off), got ${o.topK}`);
  const m = o.minP ?? 0;
  if (!(m >= 0 && m <= 1)) throw new RangeError(`min_p must be in [0, 1], got ${o.minP}`);
}

/** Logits [R,V] (float32) with filtered-out tokens set to −∞. Temperature is applied first. */
export function processLogits(logits: torch.Tensor, o: SamplingOptions): torch.Tensor {
  return torch.scope(() => {
    let x = logits;
    const t = o.temperature ?? 1;
    if (t > 0 && t !== 1) x = x.div(t);
    const V = x.shape[1]!;
    const k = o.topK ?? 0;
    if (k > 0 && k < V) {
      const kth = x.topk(k, -1).values.narrow(1, k - 1, 1);
      x = x.maskedFill(x.lt(kth), Number.NEGATIVE_INFINITY);
    }
    const p = o.topP ?? 1;
    if (p < 1) {
      const { values, indices } = x.sort(-1, true);
      const probs = values.softmax(-1);
      // remove a token when the mass before it already reaches top_p (the first token always stays)
      const before = probs.cumsum(-1).sub(probs);
      const removeSorted = before.ge(p);
      const remove = torch.zerosLike(removeSorted).scatter(1, indices, removeSorted);
      x = x.maskedFill(remove, Number.NEGATIVE_INFINITY);
    }
    const m = o.minP ?? 0;
    if (m > 0) {
      const probs = x.softmax(-1);
      const threshold = probs.amax(-1, true).mul(m);
      x = x.maskedFill(probs.lt(threshold), Number.NEGATIVE_INFINITY);
    }
    return x;
  });
}

/**
 * One token per row. `generators[r]` drives row r (greedy rows ignore it). Returns the ids and the
 * log-probability of each chosen token under the temperature-scaled distribution (no top-k/p/min-p
 * renormalisation: the quantity a policy-gradient loss recomputes).
 */
export function sampleRows(
  logits: torch.Tensor,
  o: SamplingOptions,
  generators: readonly torch.Generator[],
): { ids: number[]; logprobs: number[] } {
  return torch.noGrad(() =>
    torch.scope(() => {
      const R = logits.shape[0]!;
      const t = o.temperature ?? 1;
      const base = (t > 0 && t !== 1 ? logits.div(t) : logits).logSoftmax(-1);
      let chosen: torch.Tensor;
      if (t === 0) chosen = logits.argmax(-1, true);
      else {
        const probs = processLogits(logits, o).softmax(-1);
        const picks: torch.Tensor[] = [];
        for (let r = 0; r < R; r++) picks.push(probs.select(0, r).multinomial(1, false, generators[r]));
        chosen = torch.stack(picks, 0);
      }
      const lp = base.gather(1, chosen);
      return { ids: chosen.flatten().toArray(), logprobs: lp.flatten().toArray() };
    }),
  );
}
