// The Qwen2-family decoder (Qwen2/Qwen2.5, Llama, Qwen3), top to bottom, with Hugging Face's
// semantics and parameter names. Shapes: B batch, T new tokens, S keys (cache + new), D hidden,
// H query heads, K key/value heads, E head dim, V vocabulary.
//
//   ids [B,T] ─ embed ─▶ x [B,T,D]
//   for each layer:  x = x + attn(rmsnorm(x));  x = x + mlp(rmsnorm(x))
//   logits [B,T,V] = lm_head(rmsnorm(x))           (lm_head = embed when tied)
import * as torch from '../torch/index.js';
import type { ModelConfig } from './config.js';
import { attendWithPrefix, emptyCache, type KVCache } from './kv-cache.js';
import type { LoraAdapter } from './lora.js';
import { PackedWeights } from './packed-weights.js';

const F = torch.nn.functional;
type Tensor = torch.Tensor;
/** The layer weights packWeights copies (every linear; it copies the LM head too). */
const LAYER_LINEAR = /\.(q|k|v|o|gate|up|down)_proj\.weight$/;
/** Prepacking is the default (generate(), serve) while its copy of the weights stays under this. */
const PACK_DEFAULT_MAX_BYTES = 2 * 2 ** 30;

export interface ForwardOptions {
  /** Positions [B,T] (int64). Default: cache.length + 0..T-1 for every row. */
  positionIds?: Tensor;
  /** Which keys are real tokens [B,S] (1) and which are padding (0), S = cache length + T. */
  attentionMask?: Tensor;
  /**
   * Read past keys/values (positions below cache.length) from here and write this call's at
   * cache.length … cache.length + T − 1. The caller advances the cache (advanceCache) once it keeps them.
   */
  cache?: KVCache;
  /** Prepacked weights (packWeights) for the linear layers and the LM head: inference only. */
  packed?: PackedWeights;
}

interface LayerContext {
  cos: Tensor;
  sin: Tensor;
  mask: Tensor | null;
  isCausal: boolean;
  cache?: KVCache | undefined;
  packed?: PackedWeights | undefined;
}

/** See CausalLM.trainingHidden. */
export interface TrainingHidden {
  /** Final hidden states [B,T,D]: a leaf that requires grad; losses built on it fill its .grad. */
  hidden: Tensor;
  /** Carries hidden.grad into the parameters' .grad and frees what the forward kept (call once). */
  backward(): void;
  /** Bytes of the tensors kept for backward outside any graph (the checkpointed layer inputs). */
  savedBytes(): number;
}

export class CausalLM {
  readonly config: ModelConfig;
  /** Parameters by Hugging Face name. Tied models have no 'lm_head.weight' entry. */
  readonly params: Map<string, Tensor>;
  #ropeCache: { cos: Tensor; sin: Tensor; length: number } | null = null;
  /** A LoRA adapter on the linear layers (lora.ts); while set, only its parameters train. */
  adapter: LoraAdapter | null = null;

  constructor(config: ModelConfig, params: Map<string, Tensor>) {
    this.config = config;
    this.params = params;
    const missing = expectedParameterNames(config).filter((n) => !params.has(n));
    if (missing.length) throw new Error(`model weights are missing ${missing.length} tensor(s), e.g. '${missing[0]}'`);
  }

  get device(): string {
    return this.p('model.embed_tokens.weight').device;
  }
  get dtype(): torch.DType {
    return this.p('model.embed_tokens.weight').dtype;
  }

  p(name: string): Tensor {
    const t = this.params.get(name);
    if (!t) throw new Error(`model has no parameter '${name}'`);
    return t;
  }
  #opt(name: string): Tensor | null {
    return this.params.get(name) ?? null;
  }

  /** Trainable tensors, each once (a tied lm_head is the embedding; with an adapter, only its A and B). */
  parameters(): Tensor[] {
    return [...this.trainableParams().values()];
  }
  /** Trainable tensors by name: the adapter's (PEFT keys) when there is one, else every parameter (HF names). */
  trainableParams(): Map<string, Tensor> {
    return this.adapter ? this.adapter.params : this.params;
  }

  /** Adds the adapter's deltas into the base weights (PEFT's merge_adapter): forwards then skip its matmuls. */
  mergeAdapter(): void {
    this.#shiftByAdapter(1);
  }
  /** Subtracts them again (PEFT's unmerge_adapter; exact up to one rounding of each weight). */
  unmergeAdapter(): void {
    this.#shiftByAdapter(-1);
  }
  #shiftByAdapter(sign: 1 | -1): void {
    const ad = this.adapter;
    if (!ad || ad.merged === (sign === 1)) return;
    torch.noGrad(() => {
      for (const m of ad.modules)
        torch.scope(() => {
          const w = this.p(`${m}.weight`);
          const d = ad.weightDelta(m);
          w.add_((sign === 1 ? d : d.neg()).to({ dtype: w.dtype }));
        });
    });
    ad.merged = sign === 1;
  }

  /**
   * Runs `fn` (sampling) without paying the adapter's extra matmuls per decode step. When generate()
   * will prepack (CPU float32, its default rule) nothing is needed: packWeights copies the effective
   * (base + delta) weights. Otherwise the deltas are merged into the base weights for the call and
   * taken out after, as TRL does.
   */
  withMergedAdapter<T>(fn: () => T): T {
    if (!this.adapter || this.adapter.merged || this.packsByDefault()) return fn();
    this.mergeAdapter();
    try {
      return fn();
    } finally {
      this.unmergeAdapter();
    }
  }
  /** Runs `fn` on the base alone, the adapter set aside (PEFT's disable_adapter): e.g. reference log-probs. */
  withoutAdapter<T>(fn: () => T): T {
    const ad = this.adapter;
    if (!ad) return fn();
    if (ad.merged) throw new Error('withoutAdapter: the adapter is merged into the weights');
    this.adapter = null;
    try {
      return fn();
    } finally {
      this.adapter = ad;
    }
  }
  #packs(): boolean {
    return this.device === 'cpu' && this.dtype === 'float32' && F.hasPackedLinear();
  }
  /** The weight a forward effectively uses: the base plus the adapter's delta when unmerged. */
  #effectiveWeight(module: string): Tensor {
    const w = this.p(`${module}.weight`);
    const ad = this.adapter;
    if (!ad || ad.merged || !ad.has(module)) return w;
    return w.add(ad.weightDelta(module).to({ dtype: w.dtype }));
  }
  numParameters(): number {
    return this.parameters().reduce((n, t) => n + t.numel(), 0);
  }
  /** Parameters of the model itself, adapter excluded. */
  numBaseParameters(): number {
    return [...this.params.values()].reduce((n, t) => n + t.numel(), 0);
  }
  get lmHead(): Tensor {
    return this.params.get('lm_head.weight') ?? this.p('model.embed_tokens.weight');
  }

  // ------------------------------------------------------------------ prepacked inference weights

  /**
   * For CPU float32 inference: copies of every layer's linear weights (and the LM head) in oneDNN's
   * blocked layout, to pass to forwards as `packed` (see packed-weights.ts). They are copies of the
   * weights as they are now (an unmerged adapter's delta included): repack after the weights change.
   * Returns null, packing nothing, off CPU, for other dtypes, or without oneDNN.
   */
  packWeights(batchHint: number): PackedWeights | null {
    if (!this.#packs()) return null;
    const packed = new Map<string, Tensor>();
    // q/k/v and gate/up each become one GEMM: one call (and one OpenMP wake-up) instead of three or
    // two. The packed copy is a copy anyway, so fusing costs no extra memory.
    const pack = (key: string, names: string[]) => {
      const w = names.map((n) => this.#effectiveWeight(n));
      packed.set(key, torch.keep(F.packLinearWeight(w.length === 1 ? w[0]! : torch.cat(w, 0), batchHint)));
      // The config gives q/k/v (and gate/up) a bias together or not at all. A lone bias is detached
      // into a handle of its own, so disposing the packed set never frees the parameter.
      const b = names.map((n) => this.#opt(`${n}.bias`));
      if (b[0]) packed.set(`${key}.bias`, torch.keep(b.length === 1 ? b[0].detach() : torch.cat(b as Tensor[], 0)));
    };
    torch.noGrad(() =>
      torch.scope(() => {
        for (let i = 0; i < this.config.num_hidden_layers; i++) {
          const a = `model.layers.${i}.self_attn.`;
          const m = `model.layers.${i}.mlp.`;
          pack(`${a}qkv`, [`${a}q_proj`, `${a}k_proj`, `${a}v_proj`]);
          pack(`${a}o_proj`, [`${a}o_proj`]);
          pack(`${m}gate_up`, [`${m}gate_proj`, `${m}up_proj`]);
          pack(`${m}down_proj`, [`${m}down_proj`]);
        }
        packed.set('lm_head', torch.keep(F.packLinearWeight(this.lmHead, batchHint)));
      }),
    );
    return new PackedWeights(packed);
  }

  /** Bytes of the layers' linear weights and the LM head (what packWeights copies). */
  packedBytes(): number {
    let n = this.lmHead.numel() * this.lmHead.elementSize();
    for (const [name, w] of this.params) if (LAYER_LINEAR.test(name)) n += w.numel() * w.elementSize();
    return n;
  }

  /** Whether inference prepacks by default: where packing works and the copy would take at most 2 GiB. */
  packsByDefault(): boolean {
    return this.#packs() && this.packedBytes() <= PACK_DEFAULT_MAX_BYTES;
  }

  /** x · Wᵀ + b for the layer weight `name` (prefix of `.weight`/`.bias`), with `packed`'s copy when given. */
  #linear(name: string, x: Tensor, packed: PackedWeights | undefined): Tensor {
    const fast = packed?.linear(name, x);
    if (fast) return fast;
    const y = F.linear(x, this.p(`${name}.weight`), this.#opt(`${name}.bias`));
    const ad = this.adapter;
    return ad && !ad.merged && ad.has(name) ? y.add(ad.delta(name, x)) : y;
  }

  // ------------------------------------------------------------------ rotary position embedding

  /** cos/sin tables [positions, E] in float32, grown on demand (HF computes them in float32 too). */
  #rope(upTo: number): { cos: Tensor; sin: Tensor } {
    if (this.#ropeCache && this.#ropeCache.length >= upTo) return this.#ropeCache;
    const length = Math.max(
      upTo,
      Math.min(this.config.max_position_embeddings, 4096),
      (this.#ropeCache?.length ?? 0) * 2,
    );
    const inv = ropeInverseFrequencies(this.config);
    const tables = torch.noGrad(() =>
      torch.scope(() => {
        const pos = torch.arange(0, length, 1, { dtype: 'float64' });
        const freqs = pos.outer(torch.tensor(inv, { dtype: 'float64' }));
        const emb = torch.cat([freqs, freqs], -1);
        return {
          cos: emb.cos().to({ dtype: 'float32', device: this.device }),
          sin: emb.sin().to({ dtype: 'float32', device: this.device }),
        };
      }),
    );
    if (this.#ropeCache) {
      this.#ropeCache.cos.dispose();
      this.#ropeCache.sin.dispose();
    }
    this.#ropeCache = { ...torch.keep(tables), length };
    return this.#ropeCache;
  }

  // ------------------------------------------------------------------ forward

  /** Hidden states after the final norm, [B,T,D]. */
  hidden(ids: Tensor, o: ForwardOptions = {}): Tensor {
    const c = this.config;
    const [B, T] = ids.shape as [number, number];
    const past = o.cache?.length ?? 0;
    const S = past + T;
    const shared = o.cache?.prefix?.length ?? 0; // positions before the rows' own (a shared prompt)
    if (o.cache && torch.isGradEnabled())
      throw new Error('KV caches are for inference: wrap generation in torch.noGrad()');
    if (o.cache && S > o.cache.capacity)
      throw new Error(`KV cache overflow: ${S} positions > capacity ${o.cache.capacity}`);

    return torch.scope(() => {
      const positions =
        o.positionIds ??
        torch
          .arange(shared + past, shared + S, 1, { device: this.device })
          .unsqueeze(0)
          .expand(B, T);
      // Positions stay below the sequence (or cache) length for left padding too, so the table size is
      // known without reading the positions back from the device.
      const { cos, sin } = this.#ropeAt(positions, shared + Math.max(S, o.cache?.capacity ?? 0));
      const mask = this.#mask(B, T, past, o.attentionMask);
      // No mask needed means: plain causal attention from position 0, or one new token seeing everything.
      const isCausal = mask === null && past === 0 && T > 1;

      const ctx: LayerContext = { cos, sin, mask, isCausal, cache: o.cache, packed: o.packed };
      let x = F.embedding(ids, this.p('model.embed_tokens.weight'));
      for (let i = 0; i < c.num_hidden_layers; i++) x = torch.scope(() => this.#layer(i, x, ctx));
      return this.#norm(x, 'model.norm.weight');
    });
  }

  /** One decoder layer: x + attn(rmsnorm(x)), then + mlp(rmsnorm(·)). */
  #layer(i: number, x: Tensor, ctx: LayerContext): Tensor {
    const pre = `model.layers.${i}.`;
    const h = x.add(this.#attention(i, this.#norm(x, `${pre}input_layernorm.weight`), ctx));
    return h.add(this.#mlp(pre, this.#norm(h, `${pre}post_attention_layernorm.weight`), ctx.packed));
  }

  // ------------------------------------------------------------------ training forward (own backward)

  /**
   * The training forward whose backward the caller drives: `hidden` [B,T,D] is a leaf that requires
   * grad; compute losses from it (all at once or chunk by chunk, each with its own backward()) so
   * that `hidden.grad` holds dL/dhidden, then call `backward()` to carry that into the parameters'
   * `.grad`. With `checkpoint`, only each decoder layer's input is kept and backward() recomputes
   * one layer at a time with a graph (gradient checkpointing); without, the whole graph is kept.
   * `forward` wraps every forward computation (the trainers' autocast), recomputations included.
   * Gradients equal hidden()'s: the same ops run on the same inputs.
   */
  trainingHidden(
    ids: Tensor,
    o: { positionIds?: Tensor; attentionMask?: Tensor; checkpoint?: boolean; forward?: <T>(fn: () => T) => T } = {},
  ): TrainingHidden {
    if (!torch.isGradEnabled()) throw new Error('trainingHidden() is for training: call it with gradients enabled');
    const outer = o.forward ?? (<T>(fn: () => T) => fn());
    // LoRA dropout masks come from a key drawn here, so a recomputed layer drops what its forward did.
    const ad = this.adapter;
    const key = ad && ad.settings.lora_dropout > 0 ? torch.scope(() => torch.randint(0, 2 ** 31, [1]).item()) : null;
    const run = key === null ? outer : <T>(fn: () => T) => ad!.withDropoutKey(key, () => outer(fn));
    const fwd = { positionIds: o.positionIds, attentionMask: o.attentionMask };
    if (!o.checkpoint) {
      const full = run(() => this.hidden(ids, fwd));
      const hidden = torch.keep(full.detach().requiresGrad_(true));
      torch.keep(full);
      return {
        hidden,
        savedBytes: () => 0,
        backward: () => {
          const g = hidden.grad;
          try {
            if (g) full.backward(g);
          } finally {
            g?.dispose();
            full.dispose();
            hidden.dispose();
          }
        },
      };
    }
    const [B, T] = ids.shape as [number, number];
    const L = this.config.num_hidden_layers;
    // Positions, RoPE tables and the mask hold no parameters: computed once, kept for the recompute.
    const ctx = torch.keep(
      torch.noGrad(() =>
        torch.scope(() => {
          const positions = o.positionIds ?? torch.arange(0, T, 1, { device: this.device }).unsqueeze(0).expand(B, T);
          const { cos, sin } = run(() => this.#ropeAt(positions, T));
          const mask = this.#mask(B, T, 0, o.attentionMask);
          return { cos, sin, mask, isCausal: mask === null && T > 1 };
        }),
      ),
    );
    // Layer inputs, each without a graph: inputs[i] enters layer i, inputs[L] enters the final norm.
    const inputs: Tensor[] = [];
    torch.noGrad(() => {
      let x = torch.keep(run(() => F.embedding(ids, this.p('model.embed_tokens.weight'))));
      inputs.push(x);
      for (let i = 0; i < L; i++) {
        const prev = x;
        x = torch.keep(torch.scope(() => run(() => this.#layer(i, prev, ctx))));
        inputs.push(x);
      }
    });
    const last = torch.keep(inputs[L]!.detach().requiresGrad_(true));
    const normed = torch.keep(run(() => this.#norm(last, 'model.norm.weight')));
    const hidden = torch.keep(normed.detach().requiresGrad_(true));
    const release = () => {
      for (const t of [...inputs, last, normed, hidden, ctx.cos, ctx.sin, ctx.mask]) t?.dispose();
    };
    return {
      hidden,
      savedBytes: () => inputs.reduce((n, t) => n + (t.disposed ? 0 : t.numel() * t.elementSize()), 0),
      backward: () => {
        try {
          torch.scope(() => {
            const gh = hidden.grad;
            if (!gh) return;
            normed.backward(gh);
            let g = last.grad!;
            for (let i = L - 1; i >= 0; i--) {
              const gIn = g;
              g = torch.scope(() => {
                const x = inputs[i]!.detach().requiresGrad_(true);
                const y = run(() => this.#layer(i, x, ctx));
                y.backward(gIn);
                return x.grad!;
              });
              gIn.dispose();
              inputs[i + 1]!.dispose(); // consumed: peak memory falls as backward walks down
            }
            // The embedding: recomputed with a graph so its (or the tied head's) weight gets the gradient
            // (not when frozen, as under LoRA: nothing below the first layer needs a gradient then).
            const embed = this.p('model.embed_tokens.weight');
            if (embed.requiresGrad) run(() => F.embedding(ids, embed)).backward(g);
          });
        } finally {
          release();
        }
      },
    };
  }

  /** Logits [B,T,V] in the model's dtype. */
  forward(ids: Tensor, o: ForwardOptions = {}): Tensor {
    return torch.scope(() => this.logits(this.hidden(ids, o), o.packed));
  }

  /** Logits [...,V] of hidden states [...,D]: the LM head (`packed`'s copy when given). */
  logits(hidden: Tensor, packed?: PackedWeights): Tensor {
    return packed?.linear('lm_head', hidden) ?? F.linear(hidden, this.lmHead);
  }

  /** cos/sin for each position, shaped [B,1,T,E] to broadcast over heads, in the model dtype. */
  #ropeAt(positions: Tensor, bound: number): { cos: Tensor; sin: Tensor } {
    const [B, T] = positions.shape as [number, number];
    const table = this.#rope(bound);
    const flat = positions.reshape(-1);
    const pick = (t: Tensor) => t.indexSelect(0, flat).view(B, 1, T, this.config.headDim).to({ dtype: this.dtype });
    return { cos: pick(table.cos), sin: pick(table.sin) };
  }

  /**
   * Boolean attention mask [B,1,T,S] (true = attend), or null when plain causal attention is right
   * (no padding, no cache). A padded query still sees itself so no softmax row is empty (an empty
   * row gives NaN, and 0·NaN would leak into real tokens through the values).
   */
  #mask(B: number, T: number, past: number, attentionMask?: Tensor): Tensor | null {
    if (!attentionMask && past === 0) return null;
    const S = past + T;
    const dev = this.device;
    const causal = torch.ones([T, S], { dtype: 'bool', device: dev }).tril(past);
    if (!attentionMask) return T === 1 ? null : causal.view(1, 1, T, S);
    if (attentionMask.shape[1] !== S)
      throw new Error(`attentionMask has ${attentionMask.shape[1]} columns, expected ${S} (cache ${past} + ${T} new)`);
    const keys = attentionMask.to({ dtype: 'bool' }).view(B, 1, 1, S);
    const self = torch.ones([T, S], { dtype: 'bool', device: dev }).tril(past).triu(past);
    return causal
      .view(1, 1, T, S)
      .logicalAnd(keys)
      .logicalOr(self.view(1, 1, T, S));
  }

  /** RMSNorm in float32 (HF Qwen2RMSNorm), weight applied in the model dtype. */
  #norm(x: Tensor, weightName: string): Tensor {
    const w = this.p(weightName);
    if (x.dtype === 'float32') return F.rmsNorm(x, w, this.config.rms_norm_eps);
    return F.rmsNorm(x.float(), null, this.config.rms_norm_eps).to({ dtype: x.dtype }).mul(w);
  }

  #attention(layer: number, x: Tensor, ctx: LayerContext): Tensor {
    const { cos, sin, mask, isCausal, cache, packed } = ctx;
    const pre = `model.layers.${layer}.`;
    const c = this.config;
    const [B, T] = x.shape as [number, number];
    const [H, K, E] = [c.num_attention_heads, c.numKeyValueHeads, c.headDim];
    const qkv = packed?.linear(`${pre}self_attn.qkv`, x); // [B,T,(H+2K)·E] when packed
    const proj = (n: string, at: number, width: number) =>
      qkv ? qkv.narrow(-1, at, width) : this.#linear(`${pre}self_attn.${n}_proj`, x, packed);
    let q = proj('q', 0, H * E).view(B, T, H, E);
    let k = proj('k', H * E, K * E).view(B, T, K, E);
    let v = proj('v', (H + K) * E, K * E)
      .view(B, T, K, E)
      .transpose(1, 2); // [B,K,T,E]
    if (c.qkNorm) {
      q = this.#norm(q, `${pre}self_attn.q_norm.weight`);
      k = this.#norm(k, `${pre}self_attn.k_norm.weight`);
    }
    q = applyRope(q.transpose(1, 2), cos, sin); // [B,H,T,E]
    k = applyRope(k.transpose(1, 2), cos, sin); // [B,K,T,E]
    if (cache) {
      const past = cache.length;
      cache.keys[layer]!.narrow(2, past, T).copy_(k);
      cache.values[layer]!.narrow(2, past, T).copy_(v);
      k = cache.keys[layer]!.narrow(2, 0, past + T);
      v = cache.values[layer]!.narrow(2, 0, past + T);
    }
    // One new token per row (decoding): the G = H/K query heads that share a KV head attend as G
    // "positions" of one batch entry, so the cached keys/values are read once, never repeated per head.
    const y = cache?.prefix
      ? attendWithPrefix(q, k, v, cache.prefix, layer, mask)
      : T === 1 && H !== K && cache?.segments && cache.segments.length > 1
        ? decodeBySegments(q.reshape(B, K, H / K, E), k, v, mask, cache.segments).reshape(B, H, 1, E)
        : T === 1 && H !== K
          ? F.scaledDotProductAttention(q.reshape(B, K, H / K, E), k, v, { attnMask: mask }).reshape(B, H, 1, E)
          : F.scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal, enableGqa: H !== K }); // [B,H,T,E]
    return this.#linear(`${pre}self_attn.o_proj`, y.transpose(1, 2).reshape(B, T, H * E), packed);
  }

  #mlp(pre: string, x: Tensor, packed: PackedWeights | undefined): Tensor {
    const lin = (n: string, t: Tensor) => this.#linear(`${pre}mlp.${n}_proj`, t, packed);
    const I = this.config.intermediate_size;
    const gateUp = packed?.linear(`${pre}mlp.gate_up`, x); // [B,T,2I] when packed
    const gate = gateUp ? gateUp.narrow(-1, 0, I) : lin('gate', x);
    const up = gateUp ? gateUp.narrow(-1, I, I) : lin('up', x);
    return lin('down', gate.silu().mul(up));
  }

  // ------------------------------------------------------------------ caches

  /** Empty KV buffers for `batch` rows and `capacity` positions. */
  newCache(batch: number, capacity: number): KVCache {
    const c = this.config;
    return emptyCache(c.num_hidden_layers, batch, c.numKeyValueHeads, capacity, c.headDim, {
      dtype: this.dtype,
      device: this.device,
    });
  }
}

/** x·cos + rotate_half(x)·sin, rotate_half([a, b]) = [−b, a] over the last dim (HF convention). */
function applyRope(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const half = x.shape[3]! / 2;
  const rotated = torch.cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
  return x.mul(cos).add(rotated.mul(sin));
}

/** RoPE inverse frequencies (float64), with Llama 3's frequency-dependent scaling when configured. */
export function ropeInverseFrequencies(c: ModelConfig): number[] {
  const E = c.headDim;
  const inv = Array.from({ length: E / 2 }, (_, i) => 1 / c.rope_theta ** ((2 * i) / E));
  const s = c.rope_scaling;
  if (!s || (s.rope_type ?? s.type) !== 'llama3') return inv;
  const factor = s.factor ?? 8;
  const low = s.low_freq_factor ?? 1;
  const high = s.high_freq_factor ?? 4;
  const orig = s.original_max_position_embeddings ?? 8192;
  const lowWavelen = orig / low;
  const highWavelen = orig / high;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return f / factor;
    const smooth = (orig / wavelen - low) / (high - low);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}

/** Every parameter name a config implies (HF naming). */
export function expectedParameterNames(c: ModelConfig): string[] {
  const names = ['model.embed_tokens.weight', 'model.norm.weight'];
  if (!c.tie_word_embeddings) names.push('lm_head.weight');
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}.`;
    names.push(`${p}input_layernorm.weight`, `${p}post_attention_layernorm.weight`);
    for (const n of ['q', 'k', 'v', 'o']) {
      names.push(`${p}self_attn.${n}_proj.weight`);
      if ((n !== 'o' && c.qkvBias) || (n === 'o' && c.oBias)) names.push(`${p}self_attn.${n}_proj.bias`);
    }
    if (c.qkNorm) names.push(`${p}self_attn.q_norm.weight`, `${p}self_attn.k_norm.weight`);
    for (const n of ['gate', 'up', 'down']) {
      names.push(`${p}mlp.${n}_proj.weight`);
      if (c.mlp_bias) names.push(`${p}mlp.${n}_proj.bias`);
    }
  }
  return names;
}

/** The shape of each parameter. */
export function parameterShape(c: ModelConfig, name: string): number[] {
  const D = c.hidden_size;
  const [H, K, E, I] = [c.num_attention_heads, c.numKeyValueHeads, c.headDim, c.intermediate_size];
  if (name === 'model.embed_tokens.weight' || name === 'lm_head.weight') return [c.vocab_size, D];
  if (name.endsWith('layernorm.weight') || name === 'model.norm.weight') return [D];
  if (name.endsWith('q_norm.weight') || name.endsWith('k_norm.weight')) return [E];
  const m = /\.(q|k|v|o|gate|up|down)_proj\.(weight|bias)$/.exec(name);
  if (!m) throw new Error(`unknown parameter '${name}'`);
  const out = { q: H * E, k: K * E, v: K * E, o: D, gate: I, up: I, down: D }[m[1] as 'q'];
  const inp = { q: D, k: D, v: D, o: H * E, gate: D, up: D, down: I }[m[1] as 'q'];
  return m[2] === 'bias' ? [out] : [out, inp];
}

/**
 * One decode step's attention, one row range at a time over the key positions it can see (the
 * keys before a range's `from` are masked for all its rows: weight 0 either way). q [B,K,G,E],
 * k/v [B,K,S,E], mask [B,1,1,S] or null.
 */
function decodeBySegments(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  segments: readonly { start: number; count: number; from: number }[],
): Tensor {
  const S = k.shape[2]!;
  return torch.cat(
    segments.map(({ start, count, from }) =>
      F.scaledDotProductAttention(
        q.narrow(0, start, count),
        k.narrow(0, start, count).narrow(2, from, S - from),
        v.narrow(0, start, count).narrow(2, from, S - from),
        {
          attnMask: mask ? (mask.shape[0] === 1 ? mask : mask.narrow(0, start, count)).narrow(3, from, S - from) : null,
        },
      ),
    ),
    0,
  );
}
