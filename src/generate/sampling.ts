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
  if (!Number.isInteger(k) || k < 0)
    throw new RangeError(`top_k must be a non-negative integer (0 = off), got ${o.topK}`);
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
 * A row's own stream of uniform numbers in [0, 1), drawn from a seeded libtorch CPU generator in
 * blocks: sampling a batch then needs one draw per row from JS and a few batched ops, instead of
 * one multinomial call per row, and a row's tokens still depend only on its own seed.
 */
export class UniformStream {
  readonly #gen: torch.Generator;
  #buf: number[] = [];
  #i = 0;
  constructor(seed: number) {
    this.#gen = new torch.Generator(seed);
  }
  next(): number {
    if (this.#i >= this.#buf.length) {
      this.#buf = torch.scope(() => torch.rand([256], { dtype: 'float64', generator: this.#gen }).toArray());
      this.#i = 0;
    }
    return this.#buf[this.#i++]!;
  }
}

/**
 * One token per row by inverse-CDF sampling: row r takes the first token whose cumulative
 * probability exceeds its next uniform number (greedy rows ignore their stream). Returns the ids and
 * the log-probability of each chosen token under the temperature-scaled distribution (no
 * top-k/p/min-p renormalisation: the quantity a policy-gradient loss recomputes).
 */
export function sampleRows(
  logits: torch.Tensor,
  o: SamplingOptions,
  streams: readonly UniformStream[],
): { ids: number[]; logprobs: number[] } {
  return torch.noGrad(() =>
    torch.scope(() => {
      const R = logits.shape[0]!;
      const t = o.temperature ?? 1;
      // Scaled once: the log-probs, the top-k path and the full path all start from it.
      const scaled = t > 0 && t !== 1 ? logits.div(t) : logits;
      let chosen: torch.Tensor;
      if (t === 0) chosen = logits.argmax(-1, true);
      else {
        const u = torch.tensor(
          streams.slice(0, R).map((s) => s.next()),
          { dtype: 'float64', shape: [R, 1], device: logits.device },
        );
        const unscaled = { ...o, temperature: 1 };
        chosen = sampleTopK(scaled, unscaled, u) ?? pickByCdf(processLogits(scaled, unscaled), u);
      }
      const lp = scaled.logSoftmax(-1).gather(1, chosen);
      return { ids: chosen.flatten().toArray(), logprobs: lp.flatten().toArray() };
    }),
  );
}

/** Row r's token: the first whose cumulative probability (in the columns' order) exceeds u[r]. */
function pickByCdf(logits: torch.Tensor, u: torch.Tensor): torch.Tensor {
  const V = logits.shape[1]!;
  const cdf = logits.softmax(-1, 'float64').cumsum(-1);
  // rows whose total is a hair under 1 from rounding never index past the last token
  const total = cdf.narrow(1, V - 1, 1);
  return cdf
    .lt(u.mul(total))
    .sum(-1, true)
    .clamp(0, V - 1)
    .long();
}

/**
 * With top-k on, only the k candidates can be drawn: top-p, min-p and the draw run on [R, k] instead
 * of sorting and scanning [R, V] (a third of decoding time with a 2k vocabulary, more with 150k).
 * The candidates go back to token-id order first, so a row's uniform number picks the token the
 * full-vocabulary CDF would. Null (use the full path) when a row has logits tied with its k-th:
 * Hugging Face's top-k keeps every tied token. `x`: logits already divided by the temperature.
 */
function sampleTopK(x: torch.Tensor, o: SamplingOptions, u: torch.Tensor): torch.Tensor | null {
  const k = o.topK ?? 0;
  if (!(k > 0 && k < x.shape[1]!)) return null;
  const top = x.topk(k, -1); // descending
  const kth = top.values.narrow(1, k - 1, 1);
  if (x.eq(kth).sum().item() !== top.values.eq(kth).sum().item()) return null;
  let v = top.values;
  const p = o.topP ?? 1;
  if (p < 1) {
    const probs = v.softmax(-1);
    v = v.maskedFill(probs.cumsum(-1).sub(probs).ge(p), Number.NEGATIVE_INFINITY);
  }
  const m = o.minP ?? 0;
  if (m > 0) {
    const probs = v.softmax(-1);
    v = v.maskedFill(probs.lt(probs.amax(-1, true).mul(m)), Number.NEGATIVE_INFINITY);
  }
  const byId = top.indices.sort(-1, false);
  return byId.values.gather(1, pickByCdf(v.gather(1, byId.indices), u));
}
