// torch.nn.functional: the neural-network functions the model code uses.
import { dtypeCode } from './dtype.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

/** x @ weight.T + bias */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle ?? null));
}
/**
 * Whether this libtorch has oneDNN's prepacked linear (CPU builds with MKLDNN, as PyPI's torch).
 * Inference only: it has no autograd formula.
 */
export function hasPackedLinear(): boolean {
  return native.hasPackedLinear();
}
/**
 * A CPU float32 weight [out, in] reordered into oneDNN's blocked layout for `linearPacked` (what
 * Inductor's CPU freezing does). `batchHint`: the typical number of input rows. A copy: it does not
 * follow later changes of the weight.
 */
export function packLinearWeight(weight: Tensor, batchHint: number | null = null): Tensor {
  return new Tensor(native.packLinearWeight(weight.handle, batchHint));
}
/** `linear` with a weight from `packLinearWeight` (no gradient). */
export function linearPacked(x: Tensor, packedWeight: Tensor, bias?: Tensor | null): Tensor {
  return new Tensor(native.linearPacked(x.handle, packedWeight.handle, bias?.handle ?? null));
}
/** Rows of weight picked by integer ids. */
export function embedding(ids: Tensor, weight: Tensor): Tensor {
  return new Tensor(native.embedding(weight.handle, ids.handle));
}
export function softmax(x: Tensor, dim: number): Tensor {
  return x.softmax(dim);
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return x.logSoftmax(dim);
}
export function silu(x: Tensor): Tensor {
  return x.silu();
}
export function relu(x: Tensor): Tensor {
  return x.relu();
}
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  return x.gelu(approximate);
}

export interface CrossEntropyOptions {
  /** Targets equal to this are ignored (default -100, as PyTorch). */
  ignoreIndex?: number;
  reduction?: 'mean' | 'sum' | 'none';
  labelSmoothing?: number;
}

/** Cross-entropy of logits [N, C] (or [C]) against class ids [N] (int64). */
export function crossEntropy(logits: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  const red = { none: 0, mean: 1, sum: 2 }[o.reduction ?? 'mean'];
  return new Tensor(
    native.crossEntropy(logits.handle, target.handle, o.ignoreIndex ?? -100, red, o.labelSmoothing ?? 0),
  );
}

export interface SdpaOptions {
  /** Boolean (true = attend) or additive float mask broadcastable to [B, H, Lq, Lk]. */
  attnMask?: Tensor | null;
  isCausal?: boolean;
  scale?: number;
  /** Let key/value have fewer heads than query (grouped-query attention), libtorch ≥ 2.5. */
  enableGqa?: boolean;
}

/** libtorch's fused scaled-dot-product attention: q [B,H,Lq,D], k/v [B,Hkv,Lk,D]. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, o: SdpaOptions = {}): Tensor {
  return new Tensor(
    native.sdpa(
      q.handle,
      k.handle,
      v.handle,
      o.attnMask?.handle ?? null,
      o.isCausal ?? false,
      o.scale ?? null,
      o.enableGqa ?? false,
    ),
  );
}

export interface LseAttentionOptions {
  /** Additive (float, −inf = masked), broadcast to [B,H,Lq,Lk]. */
  attnMask?: Tensor | null;
  /** Default 1/√D. */
  scale?: number;
}
export interface LseAttention {
  out: Tensor;
  lse: Tensor;
}
const defaultScale = (q: Tensor) => 1 / Math.sqrt(q.shape[q.shape.length - 1]!);

/**
 * Attention that also returns each query's log-sum-exp of scores: out [B,H,Lq,D], lse [B,H,Lq]
 * (float32). Two attentions of the same queries over disjoint key sets merge exactly with their
 * LSEs: out = lerp(out₂, out₁, sigmoid(lse₁ − lse₂)). q, k, v must have the same number of heads.
 * CPU uses libtorch's flash kernel, other devices the same maths in plain ops.
 */
export function attentionWithLse(q: Tensor, k: Tensor, v: Tensor, o: LseAttentionOptions = {}): LseAttention {
  if (q.device !== 'cpu') return attentionWithLseMath(q, k, v, o);
  const scale = o.scale ?? defaultScale(q);
  const [out, lse] = native.sdpaLse(q.handle, k.handle, v.handle, o.attnMask?.handle ?? null, scale);
  return { out: new Tensor(out), lse: new Tensor(lse) };
}

/** attentionWithLse in plain ops (scores in float32): any device, and the reference the kernel is tested against. */
export function attentionWithLseMath(q: Tensor, k: Tensor, v: Tensor, o: LseAttentionOptions = {}): LseAttention {
  const scale = o.scale ?? defaultScale(q);
  const scores = q.matmul(k.transpose(-2, -1)).float().mul(scale);
  const masked = o.attnMask ? scores.add(o.attnMask) : scores;
  return {
    out: softmax(masked, -1).to({ dtype: v.dtype }).matmul(v),
    lse: masked.logsumexp(-1),
  };
}

/** RMSNorm over the last dimension: x / sqrt(mean(x²) + eps) * weight (libtorch's fused kernel). */
export function rmsNorm(x: Tensor, weight: Tensor | null, eps: number): Tensor {
  return new Tensor(native.rmsNorm(x.handle, weight?.handle ?? null, null, eps));
}
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  return new Tensor(native.layerNorm(x.handle, weight?.handle ?? null, bias?.handle ?? null, eps));
}
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return new Tensor(native.dropout(x.handle, p, training));
}
/** One-hot encode int64 ids into `numClasses` columns (int64 by default, as torch.nn.functional.one_hot; float32 on request). */
export function oneHot(ids: Tensor, numClasses: number, dtype: 'float32' | 'int64' = 'int64'): Tensor {
  const shape = [...ids.shape, numClasses];
  const z = new Tensor(native.zeros(shape, dtypeCode(dtype), ids.device));
  const idx = ids.unsqueeze(-1);
  const src = new Tensor(native.ones([...ids.shape, 1], dtypeCode(dtype), ids.device));
  try {
    return z.scatter(-1, idx, src);
  } finally {
    z.dispose();
    idx.dispose();
    src.dispose();
  }
}
