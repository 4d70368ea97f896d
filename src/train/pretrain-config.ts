// Pretraining (next-token prediction on a text corpus) for the small base model the demo makes.
import { z } from 'zod';
import { memoryFields, trainingFields } from './common-config.js';

export const PretrainConfigSchema = z
  .object({
    ...trainingFields,
    ...memoryFields,
    learning_rate: z.number().positive().default(1e-3),
    lr_scheduler_type: z.enum(['constant', 'constant_with_warmup', 'linear', 'cosine']).default('cosine'),
    warmup_steps: z.number().int().min(0).default(100),
    weight_decay: z.number().min(0).default(0.1),
    adam_beta2: z.number().min(0).lt(1).default(0.95),
    per_device_train_batch_size: z.number().int().positive().default(32),
    /** Tokens per training sequence (windows of the packed token stream). */
    seq_length: z.number().int().positive().default(256),
    max_steps: z.number().int().positive().default(2000),
    /** Fraction of documents held out for eval_loss. */
    eval_split: z.number().min(0).lt(1).default(0.01),
    eval_steps: z.number().int().positive().default(200),
  })
  .strict();

export type PretrainConfig = z.infer<typeof PretrainConfigSchema>;
