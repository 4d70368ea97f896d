// Per-token log-probabilities of given targets, chunked over the sequence so a large vocabulary
// never materialises float32 logits for the whole batch at once.
import * as torch from '../torch/index.js';
import type { CausalLM } from './decoder.js';

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
  return torch.scope(() => {
    const lps: torch.Tensor[] = [];
    const ents: torch.Tensor[] = [];
    for (let s = 0; s < T; s += chunk) {
      const n = Math.min(chunk, T - s);
      let logits = model.logits(hidden.narrow(1, s, n)).float();
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
