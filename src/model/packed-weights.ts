// oneDNN-prepacked copies of a model's linear weights, for CPU float32 inference: the small-batch
// GEMMs of decoding then skip the packing MKL's sgemm does on every call (measured 10–25 % faster
// per GEMM on the bench shapes). CausalLM.packWeights() makes them; a forward uses them only when
// they are passed to it (ForwardOptions.packed), so what runs is visible at the call site.
import * as torch from '../torch/index.js';

const F = torch.nn.functional;
type Tensor = torch.Tensor;

export class PackedWeights {
  /** Packed weight (and `.bias`) per key: `…self_attn.qkv`, `…o_proj`, `…mlp.gate_up`, `…down_proj`, `lm_head`. */
  readonly #weights: Map<string, Tensor>;
  #disposed = false;

  constructor(weights: Map<string, Tensor>) {
    this.#weights = weights;
  }

  /** x · Wᵀ + b with the packed weight `key`, or null when that weight is not packed. */
  linear(key: string, x: Tensor): Tensor | null {
    if (this.#disposed) throw new Error('packed weights used after dispose()');
    // A packed copy is not the parameter: gradients would never reach the weights.
    if (torch.isGradEnabled()) throw new Error('packed weights are for inference: wrap the forward in torch.noGrad()');
    const w = this.#weights.get(key);
    return w ? F.linearPacked(x, w, this.#weights.get(`${key}.bias`) ?? null) : null;
  }

  /** Frees the copies (the model's own parameters are untouched). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const t of this.#weights.values()) t.dispose();
  }
}
