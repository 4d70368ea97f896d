// The `tokenizer.json` format of Hugging Face `tokenizers` (the "fast" tokenizer file), the parts
// kindling reads and writes. `byteLevelBpeJson` builds the Qwen2 pipeline — NFC, the Qwen2 split
// regex (Isolated), ByteLevel without its own regex, BPE, ByteLevel decoder — which is what HF's
// slow→fast converter produces for Qwen2Tokenizer, so the same object serves the Qwen2.5 slow files,
// trained tokenizers and the plain byte-level one.
import { QWEN2_PRETOKENIZE_REGEX } from './pretokenize.js';

/** One entry of `added_tokens` (and, without `id`, of `added_tokens_decoder` in tokenizer_config.json). */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** A `tokenizer.json` object. Components are kept as plain JSON; only the BPE model is typed. */
export interface TokenizerJson {
  version: string;
  truncation: unknown;
  padding: unknown;
  added_tokens: AddedTokenJson[];
  normalizer: Record<string, unknown> | null;
  pre_tokenizer: Record<string, unknown> | null;
  post_processor: Record<string, unknown> | null;
  decoder: Record<string, unknown> | null;
  model: BpeModelJson | Record<string, unknown>;
}

export interface BpeModelJson {
  type: 'BPE';
  dropout: null;
  unk_token: string | null;
  continuing_subword_prefix: string | null;
  end_of_word_suffix: string | null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges: boolean;
  vocab: Record<string, number>;
  /** "left right" strings: the format every `tokenizers` version reads (≥0.20 also reads pairs). */
  merges: string[];
}

/** A special token added on top of the BPE vocabulary, as HF writes those of Qwen2. */
export function specialToken(id: number, content: string, special = true): AddedTokenJson {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
}

export interface ByteLevelBpeParts {
  vocab: Record<string, number>;
  /** In priority order; each [left, right] in the byte-level alphabet. */
  merges: ReadonlyArray<readonly [string, string]>;
  addedTokens: AddedTokenJson[];
}

/** The Qwen2-style byte-level BPE `tokenizer.json`. */
export function byteLevelBpeJson({ vocab, merges, addedTokens }: ByteLevelBpeParts): TokenizerJson {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN2_PRETOKENIZE_REGEX }, behavior: 'Isolated', invert: false },
        byteLevel,
      ],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}
