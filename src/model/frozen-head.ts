// Token log-probs under autograd when the LM head is frozen (LoRA): what backward needs is computed
// in the forward, so no chunk's [positions, vocabulary] logits stay saved for backward.
import * as torch from '../torch/index.js';
import type { CausalLM } from './decoder.js';
import type { TokenLogprobs } from './logprobs.js';

/**
 * log p(y | h) = h·w_y/τ − logsumexp(h·Wᵀ/τ). With W frozen only dh is wanted, and
 * d/dh = (w_y − E_p[w])/τ, where E_p[w] = softmax(h·Wᵀ/τ)·W [.., D] comes out of the same logits
 * the forward computes anyway (without a graph). The returned log-probs carry that gradient through
 * a zero-valued term (h − h.detach())·E_p[w], so autograd keeps [B,T,D] tensors, never [B,T,V];
 * the work is the same two head-sized matmuls per chunk as the saved-logits path's forward and
 * backward. `chunk` positions are projected at a time.
 */
export function frozenHeadLogprobs(
  model: CausalLM,
  hidden: torch.Tensor,
  targets: torch.Tensor,
  o: { chunk: number; entropy?: boolean; temperature?: number },
): TokenLogprobs {
  const [, T] = targets.shape as [number, number];
  const temp = o.temperature ?? 1;
  const W = model.lmHead;
  return torch.scope(() => {
    const lps: torch.Tensor[] = [];
    const ents: torch.Tensor[] = [];
    for (let s = 0; s < T; s += o.chunk) {
      const n = Math.min(o.chunk, T - s);
      const h = hidden.narrow(1, s, n);
      const { lse, expected, entropy } = torch.noGrad(() =>
        torch.scope(() => {
          let logits = atLeastFloat32(model.logits(h));
          if (temp !== 1) logits = logits.div(temp);
          const lse = logits.logsumexp(-1); // [B,n]
          const p = logits.sub(lse.unsqueeze(-1)).exp();
          // In the head's dtype: casting this chunk's p is cheap, casting the [V,D] head per chunk is not.
          const expected = (p.dtype === W.dtype ? p : p.to({ dtype: W.dtype })).matmul(W); // E_p[w] [B,n,D]
          const entropy = o.entropy ? lse.sub(p.mul(logits).sum(-1)) : null;
          return { lse, expected, entropy };
        }),
      );
      const hf = atLeastFloat32(h);
      const wy = torch.nn.functional.embedding(targets.narrow(1, s, n), W).to({ dtype: hf.dtype }); // [B,n,D]
      const dot = hf.mul(wy).sum(-1);
      const surrogate = hf.sub(hf.detach()).mul(expected).sum(-1);
      let lp = dot.sub(surrogate);
      if (temp !== 1) lp = lp.div(temp);
      lps.push(lp.sub(lse));
      if (entropy) ents.push(entropy);
    }
    const logprobs = lps.length === 1 ? lps[0]! : torch.cat(lps, 1);
    if (!o.entropy) return { logprobs };
    return { logprobs, entropy: ents.length === 1 ? ents[0]! : torch.cat(ents, 1) };
  });
}

/** float32 for half-precision tensors; float64 stays float64 (exact gradient checks). */
const atLeastFloat32 = (t: torch.Tensor) => (t.dtype === 'float64' ? t : t.float());
