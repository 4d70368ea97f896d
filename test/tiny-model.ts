// The tiny Qwen2 shape most tests build (2 layers, GQA 4/2 heads, a byte-level vocabulary): one
// definition, with each test's differences passed as overrides.
export function tinyQwen2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['Qwen2ForCausalLM'],
    hidden_size: 64,
    intermediate_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 320,
    max_position_embeddings: 256,
    tie_word_embeddings: true,
    ...overrides,
  };
}

/** GRPO settings for the tiny "answer in lowercase letters" task the trainer tests share. */
export const lettersGrpoSettings = {
  learning_rate: 3e-3,
  lr_scheduler_type: 'constant',
  prompts_per_step: 4,
  max_completion_length: 8,
  temperature: 1,
  top_p: 1,
  top_k: 0,
  max_grad_norm: 1,
  weight_decay: 0,
  save_steps: 1000,
  log_completions_steps: 0,
  num_train_epochs: 100,
};
