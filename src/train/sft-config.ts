// The SFT trainer's configuration (TRL SFTConfig names where they exist).
import { z } from 'zod';
import { loraFields, memoryFields, trainingFields } from './common-config.js';

export const SftConfigSchema = z
  .object({
    ...trainingFields,
    ...loraFields,
    learning_rate: z.number().positive().default(2e-5),
    max_length: z.number().int().positive().default(1024),
    /** What to do with sequences longer than max_length: cut the end, or drop the row. */
    truncation: z.enum(['truncate', 'drop']).default('truncate'),
    /** Text rows: the completion starts after the last occurrence of this string (the paper's " Assistant: <think>\n"). */
    response_template: z.string().nullable().default(null),
    /** Loss on completion tokens only (prompt tokens masked). */
    completion_only_loss: z.boolean().default(true),
    /** Append the tokenizer's EOS to every completion. */
    append_eos: z.boolean().default(true),
    /** Held-out fraction of the data for eval_loss (0: none unless eval_data is given). */
    eval_split: z.number().min(0).lt(1).default(0),
    eval_data: z.string().nullable().default(null),
    /** Evaluate every N optimizer steps (null: only at the end). */
    eval_steps: z.number().int().positive().nullable().default(null),
    /** Micro-batches are split further so that (longest sequence × rows) stays under this many tokens. */
    max_tokens_per_microbatch: z.number().int().positive().nullable().default(null),
    ...memoryFields,
  })
  .strict();

export type SftConfig = z.infer<typeof SftConfigSchema>;
