// Settings shared by the SFT and GRPO trainers (TRL's names).
import { z } from 'zod';
import { SCHEDULER_TYPES } from './schedule.js';

const nonNeg = z.number().min(0);
const posInt = z.number().int().positive();

export const trainingFields = {
  learning_rate: z.number().positive(),
  num_train_epochs: z.number().positive().default(1),
  /** -1: train for num_train_epochs; otherwise stop after this many optimizer steps. */
  max_steps: z.number().int().min(-1).default(-1),
  per_device_train_batch_size: posInt.default(8),
  gradient_accumulation_steps: posInt.default(1),
  warmup_steps: z.number().int().min(0).default(0),
  warmup_ratio: z.number().min(0).max(1).default(0),
  lr_scheduler_type: z.enum(SCHEDULER_TYPES as [string, ...string[]]).default('linear'),
  weight_decay: nonNeg.default(0),
  /** Exclude norm weights and biases from weight decay (as transformers' Trainer does). */
  no_decay_norms_and_biases: z.boolean().default(true),
  adam_beta1: z.number().min(0).lt(1).default(0.9),
  adam_beta2: z.number().min(0).lt(1).default(0.999),
  adam_epsilon: z.number().positive().default(1e-8),
  /** Global gradient-norm clip; 0 disables clipping. */
  max_grad_norm: nonNeg.default(1),
  save_steps: posInt.default(500),
  /** Keep only the newest K checkpoints (null: keep all). */
  save_total_limit: posInt.nullable().default(2),
  logging_steps: posInt.default(1),
  seed: z.number().int().min(0).default(42),
  device: z.string().default('cpu'),
  /** Parameter dtype: float32 on CPU; bfloat16 on GPUs. */
  dtype: z.enum(['float32', 'bfloat16', 'float16']).default('float32'),
  /**
   * Mixed precision (transformers' bf16=True): float32 parameters and optimizer state, training
   * forwards and losses under bfloat16 autocast. Needs dtype float32; meant for GPUs.
   */
  bf16: z.boolean().default(false),
  tensorboard: z.boolean().default(false),
  threads: z.number().int().positive().nullable().default(null),
};

// ---- LoRA (TRL's ModelConfig / PEFT LoraConfig names); a block of its own so other options merge cleanly.
export const loraFields = {
  /** Train a LoRA adapter on the frozen base instead of every weight; checkpoints and output are PEFT adapter folders. */
  use_peft: z.boolean().default(false),
  lora_r: posInt.default(16),
  lora_alpha: z.number().positive().default(32),
  lora_dropout: z.number().min(0).lt(1).default(0.05),
  /** 'all-linear', a list of module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj), or a regex. */
  lora_target_modules: z.union([z.string(), z.array(z.string()).min(1)]).default('all-linear'),
  /** rsLoRA: scale by lora_alpha / √r instead of lora_alpha / r. */
  use_rslora: z.boolean().default(false),
  /** PEFT's full-weight trainable modules beside the adapter: not supported (only null or []). */
  modules_to_save: z
    .array(z.string())
    .nullable()
    .default(null)
    .refine((v) => !v?.length, {
      message:
        'modules_to_save is not supported: kindling trains LoRA adapters only (embed_tokens/lm_head would need full-weight copies in the adapter); leave it null or train without use_peft',
    }),
};

// ---- memory (issue 18): neither option changes the maths, only what a training forward holds for backward.
export const memoryFields = {
  /** Keep only each decoder layer's input in the forward and recompute the layer in backward (transformers' name). */
  gradient_checkpointing: z.boolean().default(false),
  /**
   * The training loss projects `loss_chunk_size` positions to the vocabulary at a time and
   * back-propagates each chunk at once, so the [T, vocabulary] logits never exist together.
   */
  chunked_loss: z.boolean().default(false),
  /** Positions per LM-head chunk (null: about 128 M logits per chunk). */
  loss_chunk_size: posInt.nullable().default(null),
};
