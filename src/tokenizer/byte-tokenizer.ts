// The tokenizer `kindling model init` gives a model when no tokenizer is named: the 256 bytes
// (id = byte value) plus the special tokens (ids 256, 257, …), no merges. Any text encodes, one
// token per UTF-8 byte, so any config with vocab_size ≥ 256 + the special tokens gets a working
// model. Same Qwen2 pipeline as every kindling tokenizer, so HF loads it.
import { assembleTokenizer, type SpecialTokenOptions } from './assemble.js';
import { BYTE_TO_CHAR } from './byte-level.js';
import type { Tokenizer } from './tokenizer.js';

export type ByteLevelTokenizerOptions = Omit<SpecialTokenOptions, 'specialTokens'>;

export function byteLevelTokenizer(
  specialTokens?: readonly string[],
  options: ByteLevelTokenizerOptions = {},
): Tokenizer {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => {
    vocab[c] = b;
  });
  return assembleTokenizer(vocab, [], { ...options, specialTokens });
}
