// Hugging Face config.json for the Qwen2 family: Qwen2ForCausalLM (q/k/v bias), LlamaForCausalLM
// (attention_bias flag), Qwen3ForCausalLM (per-head q/k RMSNorm). Validated with zod; unknown
// architectures and unsupported features fail with a message that names the field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SUPPORTED_ARCHITECTURES = ['Qwen2ForCausalLM', 'LlamaForCausalLM', 'Qwen3ForCausalLM'] as const;
export type Architecture = (typeof SUPPORTED_ARCHITECTURES)[number];

const positiveInt = z.number().int().positive();

const RopeScaling = z
  .object({
    rope_type: z.string().optional(),
    type: z.string().optional(),
    factor: z.number().optional(),
    low_freq_factor: z.number().optional(),
    high_freq_factor: z.number().optional(),
    original_max_position_embeddings: z.number().optional(),
  })
  .passthrough();

const RawConfig = z
  .object({
    architectures: z.array(z.string()).min(1),
    model_type: z.string().optional(),
    hidden_size: positiveInt,
    intermediate_size: positiveInt,
    num_hidden_layers: positiveInt,
    num_attention_heads: positiveInt,
    num_key_value_heads: positiveInt.optional(),
    head_dim: positiveInt.nullish(),
    vocab_size: positiveInt,
    max_position_embeddings: positiveInt.default(32768),
    rms_norm_eps: z.number().positive().default(1e-6),
    rope_theta: z.number().positive().default(10000),
    rope_scaling: RopeScaling.nullish(),
    tie_word_embeddings: z.boolean().default(false),
    attention_bias: z.boolean().optional(),
    mlp_bias: z.boolean().default(false),
    hidden_act: z.string().default('silu'),
    initializer_range: z.number().positive().default(0.02),
    bos_token_id: z.union([z.number().int(), z.null()]).optional(),
    eos_token_id: z.union([z.number().int(), z.array(z.number().int()), z.null()]).optional(),
    pad_token_id: z.union([z.number().int(), z.null()]).optional(),
    torch_dtype: z.string().optional(),
    use_sliding_window: z.boolean().optional(),
  })
  .passthrough();

/** A validated config: HF's fields plus the resolved values the decoder uses. */
export type ModelConfig = z.infer<typeof RawConfig> & {
  architecture: Architecture;
  numKeyValueHeads: number;
  headDim: number;
  /** q/k/v projections have biases (Qwen2 always; Llama when attention_bias). */
  qkvBias: boolean;
  /** o_proj has a bias (Llama with attention_bias only). */
  oBias: boolean;
  /** Per-head RMSNorm on q and k before RoPE (Qwen3). */
  qkNorm: boolean;
};

export function parseConfig(raw: unknown, source = 'config.json'): ModelConfig {
  const r = RawConfig.safeParse(normaliseRope(raw));
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${source}: field '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  const c = r.data;
  const arch = c.architectures[0]!;
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(arch))
    throw new Error(
      `${source}: architecture '${arch}' is not supported (supported: ${SUPPORTED_ARCHITECTURES.join(', ')})`,
    );
  if (c.hidden_act !== 'silu')
    throw new Error(`${source}: field 'hidden_act': only 'silu' is supported, got '${c.hidden_act}'`);
  const kv = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % kv !== 0)
    throw new Error(
      `${source}: num_attention_heads (${c.num_attention_heads}) must be a multiple of num_key_value_heads (${kv})`,
    );
  // Qwen3Config defaults head_dim to 128; Llama and Qwen2 derive it from hidden_size.
  const headDim = c.head_dim ?? (arch === 'Qwen3ForCausalLM' ? 128 : c.hidden_size / c.num_attention_heads);
  if (!Number.isInteger(headDim) || headDim % 2 !== 0)
    throw new Error(
      `${source}: head dimension ${headDim} must be an even integer (hidden_size / num_attention_heads, or head_dim)`,
    );
  if (c.rope_scaling) {
    const t = c.rope_scaling.rope_type ?? c.rope_scaling.type;
    if (t !== 'default' && t !== 'llama3')
      throw new Error(`${source}: field 'rope_scaling': type '${t}' is not supported (supported: default, llama3)`);
  }
  const architecture = arch as Architecture;
  return {
    ...c,
    architecture,
    numKeyValueHeads: kv,
    headDim,
    qkvBias: architecture === 'Qwen2ForCausalLM' ? true : (c.attention_bias ?? false),
    oBias: architecture === 'Qwen2ForCausalLM' ? false : (c.attention_bias ?? false),
    qkNorm: architecture === 'Qwen3ForCausalLM',
  };
}

/**
 * transformers ≥ 5 writes `rope_parameters: {rope_type, rope_theta, ...}` instead of `rope_theta` +
 * `rope_scaling`; both are accepted and resolved to the older fields (which both versions read).
 */
function normaliseRope(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const { rope_parameters: rp, ...rest } = raw as Record<string, unknown>;
  if (!rp || typeof rp !== 'object') return raw;
  const { rope_theta, ...scaling } = rp as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (rope_theta !== undefined) out.rope_theta = rope_theta;
  const type = (scaling.rope_type ?? scaling.type) as string | undefined;
  if (type && type !== 'default') out.rope_scaling = scaling;
  return out;
}

export function readConfig(path: string): ModelConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read model config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(raw, path);
}

/** The JSON written to config.json on save (HF field names only, resolved fields dropped). */
export function configToJson(c: ModelConfig, dtype: string): Record<string, unknown> {
  const { architecture, numKeyValueHeads, headDim, qkvBias, oBias, qkNorm, ...hf } = c;
  const out: Record<string, unknown> = {
    ...hf,
    architectures: [architecture],
    model_type:
      c.model_type ?? { Qwen2ForCausalLM: 'qwen2', LlamaForCausalLM: 'llama', Qwen3ForCausalLM: 'qwen3' }[architecture],
    num_key_value_heads: numKeyValueHeads,
    torch_dtype: dtype,
  };
  if (architecture !== 'Qwen2ForCausalLM') out.attention_bias = qkvBias;
  if (architecture !== 'LlamaForCausalLM' || c.head_dim != null) out.head_dim = headDim;
  return out;
}
