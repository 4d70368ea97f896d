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
