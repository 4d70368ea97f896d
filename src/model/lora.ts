// LoRA adapters with PEFT's semantics: for each targeted linear layer y = x·Wᵀ + b + s·dropout(x)·Aᵀ·Bᵀ,
// A [r,in] Kaiming-uniform, B [out,r] zeros (so training starts at the base model), s = α/r
// (α/√r with rsLoRA). Parameters are named as PEFT saves them
// ('base_model.model.<module>.lora_A.weight'), so the adapter folder loads in peft unchanged.
import * as torch from '../torch/index.js';
import type { ModelConfig } from './config.js';

type Tensor = torch.Tensor;

/** The module names a decoder layer's linear layers have (what `all-linear` means for a causal LM: all but lm_head). */
export const LINEAR_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

const ATTENTION = new Set<string>(['q_proj', 'k_proj', 'v_proj', 'o_proj']);

export interface LoraSettings {
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  /** 'all-linear', a list of module names or paths (matched as PEFT does: equal or a '.'-suffix), or a regex. */
  target_modules: string | string[];
  use_rslora: boolean;
}

/** PEFT's key of a module's A or B matrix. */
export function loraKey(module: string, which: 'A' | 'B'): string {
  return `base_model.model.${module}.lora_${which}.weight`;
}

/** Every linear module of the decoder ('model.layers.0.self_attn.q_proj', ...). */
export function linearModules(c: ModelConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.num_hidden_layers; i++)
    for (const n of LINEAR_MODULES) out.push(`model.layers.${i}.${ATTENTION.has(n) ? 'self_attn' : 'mlp'}.${n}`);
  return out;
}

/** The modules `target_modules` selects, with PEFT's matching rules; an error names a target that matches nothing. */
export function resolveTargets(c: ModelConfig, target: string | string[], where = 'lora_target_modules'): string[] {
  const all = linearModules(c);
  if (typeof target === 'string') {
    if (target.toLowerCase() === 'all-linear') return all;
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${target})$`);
    } catch (e) {
      throw new Error(`${where}: '${target}' is neither 'all-linear' nor a valid regex (${(e as Error).message})`);
    }
    const hit = all.filter((m) => re.test(m));
    if (!hit.length) throw new Error(`${where}: regex '${target}' matches no linear layer of the model`);
    return hit;
  }
  if (!target.length) throw new Error(`${where}: the list of target modules is empty`);
  for (const t of target)
    if (!all.some((m) => m === t || m.endsWith(`.${t}`)))
      throw new Error(`${where}: '${t}' matches no linear layer (the model's are ${LINEAR_MODULES.join(', ')})`);
  return all.filter((m) => target.some((t) => m === t || m.endsWith(`.${t}`)));
}

/** [out, in] of a linear module's weight. */
function linearShape(c: ModelConfig, module: string): [number, number] {
  const D = c.hidden_size;
  const [H, K, E, I] = [c.num_attention_heads, c.numKeyValueHeads, c.headDim, c.intermediate_size];
  const n = module.slice(module.lastIndexOf('.') + 1);
  const shapes: Record<string, [number, number]> = {
    q_proj: [H * E, D],
    k_proj: [K * E, D],
    v_proj: [K * E, D],
    o_proj: [D, H * E],
    gate_proj: [I, D],
    up_proj: [I, D],
    down_proj: [D, I],
  };
  return shapes[n]!;
}

export class LoraAdapter {
  readonly settings: LoraSettings;
  /** The adapted modules, in model order. */
  readonly modules: string[];
  /** A and B by PEFT key; float32 and trainable. */
  readonly params: Map<string, Tensor>;
  readonly scaling: number;
  /** True while the deltas are added into the base weights (mergeAdapter), so forwards skip them. */
  merged = false;

  constructor(settings: LoraSettings, modules: string[], params: Map<string, Tensor>) {
    this.settings = settings;
    this.modules = modules;
    this.params = params;
    this.scaling = settings.lora_alpha / (settings.use_rslora ? Math.sqrt(settings.r) : settings.r);
    for (const m of modules)
      for (const w of ['A', 'B'] as const)
        if (!params.has(loraKey(m, w))) throw new Error(`adapter is missing '${loraKey(m, w)}'`);
  }

  /** A fresh adapter as PEFT initialises one (A Kaiming-uniform with a = √5, i.e. U(±1/√in); B = 0). Seeded. */
  static init(c: ModelConfig, s: LoraSettings, o: { seed?: number; device?: string } = {}): LoraAdapter {
    const modules = resolveTargets(c, s.target_modules);
    const g = new torch.Generator(o.seed ?? 0);
    const params = new Map<string, Tensor>();
    torch.noGrad(() => {
      for (const m of modules) {
        const [out, inp] = linearShape(c, m);
        const bound = 1 / Math.sqrt(inp);
        const a = torch.zeros([s.r, inp]).uniform_(-bound, bound, g);
        params.set(loraKey(m, 'A'), torch.keep(place(a, o.device)));
        params.set(loraKey(m, 'B'), torch.keep(place(torch.zeros([out, s.r]), o.device)));
      }
    });
    for (const p of params.values()) p.requiresGrad_(true);
    return new LoraAdapter(s, modules, params);
  }

  has(module: string): boolean {
    return this.params.has(loraKey(module, 'A'));
  }

  /** s·dropout(x)·Aᵀ·Bᵀ in x's dtype (computed in float32, as PEFT casts x to the adapter's dtype). */
  delta(module: string, x: Tensor): Tensor {
    const a = this.params.get(loraKey(module, 'A'))!;
    const b = this.params.get(loraKey(module, 'B'))!;
    let h = x.dtype === a.dtype ? x : x.to({ dtype: a.dtype });
    // Dropout only while training (a forward with gradient, as nn.Dropout in train mode, or a
    // checkpointed forward replaying its masks).
    const p = this.settings.lora_dropout;
    if (p > 0 && this.#dropoutKey !== null) h = this.#replayableDropout(h, p, module, this.#dropoutKey);
    else if (p > 0 && torch.isGradEnabled()) h = torch.nn.functional.dropout(h, p, true);
    const y = h.matmul(a.t()).matmul(b.t()).mul(this.scaling);
    return y.dtype === x.dtype ? y : y.to({ dtype: x.dtype });
  }

  #dropoutKey: number | null = null;
  #generator: torch.Generator | null = null;

  /**
   * Runs fn (a forward, with or without gradient) with dropout masks drawn from a generator seeded
   * by (key, module): a gradient-checkpointed layer recomputed under the same key drops exactly what
   * its forward dropped, as torch.utils.checkpoint's RNG-state replay guarantees.
   */
  withDropoutKey<T>(key: number, fn: () => T): T {
    const prev = this.#dropoutKey;
    this.#dropoutKey = key;
    try {
      return fn();
    } finally {
      this.#dropoutKey = prev;
    }
  }

  #replayableDropout(h: Tensor, p: number, module: string, key: number): Tensor {
    let seed = key >>> 0;
    for (let i = 0; i < module.length; i++) seed = Math.imul(seed ^ module.charCodeAt(i), 16777619) >>> 0;
    const g = (this.#generator ??= new torch.Generator(0, h.device));
    g.manualSeed(seed);
    const keep = torch.rand(h.shape, { generator: g, device: h.device, dtype: h.dtype }).ge(p);
    return h.mul(keep).div(1 - p);
  }

  /** s·B·A [out,in] in float32 (what merging adds to the base weight). */
  weightDelta(module: string): Tensor {
    const a = this.params.get(loraKey(module, 'A'))!;
    const b = this.params.get(loraKey(module, 'B'))!;
    return b.detach().matmul(a.detach()).mul(this.scaling);
  }

  numParameters(): number {
    let n = 0;
    for (const p of this.params.values()) n += p.numel();
    return n;
  }

  dispose(): void {
    for (const p of this.params.values()) p.dispose();
  }
}

function place(t: Tensor, device?: string): Tensor {
  if (!device || device === 'cpu') return t;
  const moved = t.to({ device });
  t.dispose();
  return moved;
}
