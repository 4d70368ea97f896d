// Shared by the trainer and the byte-level tokenizer: BPE vocabulary + merges + special tokens →
// a Tokenizer with a tokenizer_config.json of its own (EOS/PAD/BOS names, ChatML template).
import { CHATML_TEMPLATE } from './chat-template.js';
import { Tokenizer } from './tokenizer.js';
import { newTokenizerConfig } from './tokenizer-config.js';
import { byteLevelBpeJson, specialToken } from './tokenizer-json.js';

/** The special tokens kindling's own tokenizers get unless told otherwise (Qwen2.5's first three). */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];

export interface SpecialTokenOptions {
  /** Added after the BPE vocabulary, in this order. Default: <|endoftext|>, <|im_start|>, <|im_end|>. */
  specialTokens?: readonly string[];
  /** Default: <|endoftext|> when present, else the first special token (none → null). */
  eosToken?: string | null;
  /** Default: the EOS token (a pad id is needed for left padding; its rows are masked anyway). */
  padToken?: string | null;
  /** Default: null (Qwen2-style models prepend nothing). */
  bosToken?: string | null;
  /** Default: ChatML when <|im_start|> and <|im_end|> are special tokens, else none. */
  chatTemplate?: string | null;
  /** tokenizer_config.json's model_max_length. Default 32768. */
  modelMaxLength?: number;
}

export function assembleTokenizer(
  vocab: Record<string, number>,
  merges: ReadonlyArray<readonly [string, string]>,
  o: SpecialTokenOptions,
): Tokenizer {
  const specials = [...(o.specialTokens ?? DEFAULT_SPECIAL_TOKENS)];
  const seen = new Set<string>();
  for (const s of specials) {
    if (typeof s !== 'string' || s === '')
      throw new Error('specialTokens: each special token must be a non-empty string');
    if (seen.has(s)) throw new Error(`specialTokens: ${JSON.stringify(s)} is listed twice`);
    if (s in vocab)
      throw new Error(`specialTokens: ${JSON.stringify(s)} is already an ordinary token of the vocabulary`);
    seen.add(s);
  }
  let next = 0;
  for (const id of Object.values(vocab)) next = Math.max(next, id + 1);
  const addedTokens = specials.map((s, i) => specialToken(next + i, s));
  const named = (field: string, v: string | null | undefined, fallback: string | null): string | null => {
    const name = v === undefined ? fallback : v;
    if (name !== null && !seen.has(name))
      throw new Error(`${field}: ${JSON.stringify(name)} is not one of the special tokens`);
    return name;
  };
  const eosToken = named('eosToken', o.eosToken, seen.has('<|endoftext|>') ? '<|endoftext|>' : (specials[0] ?? null));
  const padToken = named('padToken', o.padToken, eosToken);
  const bosToken = named('bosToken', o.bosToken, null);
  const chatml = seen.has('<|im_start|>') && seen.has('<|im_end|>');
  const chatTemplate = o.chatTemplate === undefined ? (chatml ? CHATML_TEMPLATE : null) : o.chatTemplate;
  const modelMaxLength = o.modelMaxLength ?? 32768;
  const json = byteLevelBpeJson({ vocab, merges, addedTokens });
  const config = newTokenizerConfig({ addedTokens, eosToken, padToken, bosToken, chatTemplate, modelMaxLength });
  return new Tokenizer({ json, config, source: 'kindling' });
}
