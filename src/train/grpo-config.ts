// The GRPO trainer's configuration (TRL GRPOConfig names where they exist).
import { z } from 'zod';
import { loraFields, memoryFields, trainingFields } from './common-config.js';

export const GrpoConfigSchema = z
  .object({
    ...trainingFields,
    ...loraFields,
    ...memoryFields,
    // Refused rather than ignored: one GRPO step already sums the loss over all its micro-batches
    // (per_device_train_batch_size) before the optimizer steps, so accumulation has nothing to add.
    gradient_accumulation_steps: z
      .number()
      .refine((v) => v === 1, {
        message:
          'GRPO does not take gradient_accumulation_steps: each step already accumulates over its micro-batches; ' +
          'set prompts_per_step × num_generations for the batch and per_device_train_batch_size for memory',
      })
      .default(1),
    learning_rate: z.number().positive().default(1e-6),
    /** Prompts per optimizer step (the paper: 10). */
    prompts_per_step: z.number().int().positive().default(10),
    /** Completions per prompt, G (the paper: 10). */
    num_generations: z.number().int().min(2).default(10),
    /** Completions per forward/backward micro-batch in the update (memory knob; no effect on the maths). */
    per_device_train_batch_size: z.number().int().positive().default(20),
    /** μ: policy updates per generated batch, with stored old log-probs and PPO clipping. */
    num_iterations: z.number().int().positive().default(1),
    epsilon: z.number().positive().default(0.2),
    /** Upper clip (DAPO's clip-higher); null = epsilon. */
    epsilon_high: z.number().positive().nullable().default(null),
    /** KL coefficient; 0 loads no reference model (the paper). */
    beta: z.number().min(0).default(0),
    /** grpo: per-sequence mean; bnpo: token mean per micro-batch; dapo: token mean over the step (the paper); dr_grpo: constant normaliser. */
    loss_type: z.enum(['grpo', 'bnpo', 'dapo', 'dr_grpo']).default('dapo'),
    /** Divide advantages by the group's (group), the batch's (batch) or no (none; the paper) standard deviation. */
    scale_rewards: z.enum(['group', 'batch', 'none']).default('none'),
    /** Completions cut by max_completion_length get no loss. */
    mask_truncated_completions: z.boolean().default(false),
    /** Groups whose rewards are all equal teach nothing: keep them (off), drop them from the update, or resample prompts to replace them. */
    dynamic_sampling: z.enum(['off', 'drop', 'resample']).default('off'),
    /** With resample: extra generation rounds per step at most. */
    max_resample_rounds: z.number().int().min(0).default(2),
    /** Prompts are cut from the left to this many tokens (the paper: 256). */
    max_prompt_length: z.number().int().positive().default(256),
    max_completion_length: z.number().int().positive().default(1024),
    temperature: z.number().positive().default(0.7),
    top_p: z.number().gt(0).max(1).default(0.95),
    top_k: z.number().int().min(0).default(50),
    min_p: z.number().min(0).max(1).default(0),
    /** Stop strings for sampling (none by default: completions end at EOS like TRL's). */
    stop: z.array(z.string()).default([]),
    /** Weight of each reward function by name ('task' is the task's own reward). */
    reward_weights: z.record(z.string(), z.number()).default({ task: 1 }),
    /** Seconds before a reward call counts as failed. */
    reward_timeout: z.number().positive().default(60),
    /** Reward given when a reward function throws or times out (the paper's lowest is −2). */
    reward_on_error: z.number().default(-2),
    /** Use at most this many training rows (the paper: 100). */
    limit: z.number().int().positive().nullable().default(100),
    /** Write every completion of a step to samples.jsonl every N steps (0: never). */
    log_completions_steps: z.number().int().min(0).default(10),
    /** Evaluate every N steps on the held-out set (null: only at the end, 0: never). */
    eval_steps: z.number().int().min(0).nullable().default(null),
    eval_limit: z.number().int().positive().nullable().default(null),
    eval_trials: z.number().int().positive().default(1),
    /**
     * The periodic evaluations' sampling protocol (null: `kindling eval`'s defaults). `kindling run`
     * passes its final evaluation's values, so the RLVR curves and the final tables use one protocol.
     */
    eval_temperature: z.number().min(0).nullable().default(null),
    eval_top_p: z.number().gt(0).max(1).nullable().default(null),
    eval_max_total_tokens: z.number().int().positive().nullable().default(null),
    eval_max_new_tokens: z.number().int().positive().nullable().default(null),
    /** Prompts per generate() call in the periodic evaluations (the samples do not depend on it). */
    eval_batch_size: z.number().int().positive().default(32),
  })
  .strict();

export type GrpoConfig = z.infer<typeof GrpoConfigSchema>;
