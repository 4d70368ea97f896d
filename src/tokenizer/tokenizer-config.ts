// `tokenizer_config.json` (transformers' side of a tokenizer folder): which added tokens are special,
// the names of EOS/PAD/BOS, the chat template, decode options. Read leniently (every field is
// optional, a token may be written as a string or as an AddedToken object), written in the shape
// transformers itself saves.
import type { AddedTokenJson } from './tokenizer-json.js';

/** A tokenizer_config.json object. Unknown fields are kept and written back unchanged. */
export type TokenizerConfigJson = Record<string, unknown>;

/**
 * The token string of a config field such as `eos_token`: transformers writes either the string or
 * `{"__type": "AddedToken", "content": ...}`. null/absent → null.
 */
export function tokenName(config: TokenizerConfigJson, field: string, file = 'tokenizer_config.json'): string | null {
  const v = config[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  throw new Error(`${file}: field "${field}" must be a string, an object with "content", or null`);
}

/** `added_tokens_decoder` → AddedTokenJson[] sorted by id. */
export function addedTokensFromConfig(config: TokenizerConfigJson, file = 'tokenizer_config.json'): AddedTokenJson[] {
  const dec = config.added_tokens_decoder;
  if (dec === undefined || dec === null) return [];
  if (typeof dec !== 'object' || Array.isArray(dec))
    throw new Error(`${file}: "added_tokens_decoder" must be an object`);
  const out: AddedTokenJson[] = [];
  for (const [key, raw] of Object.entries(dec as Record<string, unknown>)) {
    const id = Number(key);
    const where = `${file}: added_tokens_decoder["${key}"]`;
    if (!Number.isInteger(id) || id < 0) throw new Error(`${where}: the key must be a non-negative integer id`);
    if (!raw || typeof raw !== 'object') throw new Error(`${where}: must be an object`);
    const t = raw as Record<string, unknown>;
    if (typeof t.content !== 'string' || t.content === '')
      throw new Error(`${where}: "content" must be a non-empty string`);
    out.push({
      id,
      content: t.content,
      single_word: t.single_word === true,
      lstrip: t.lstrip === true,
      rstrip: t.rstrip === true,
      normalized: t.normalized === true,
      special: t.special === true,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The `added_tokens_decoder` object transformers writes, from tokenizer.json's added tokens. */
export function addedTokensDecoder(tokens: AddedTokenJson[]): Record<string, Omit<AddedTokenJson, 'id'>> {
  const out: Record<string, Omit<AddedTokenJson, 'id'>> = {};
  for (const { id, ...rest } of tokens) out[String(id)] = rest;
  return out;
}

/** The chat template of a config: a string, or the "default" entry of a named list. */
export function chatTemplateOf(config: TokenizerConfigJson, file = 'tokenizer_config.json'): string | null {
  const t = config.chat_template;
  if (t === undefined || t === null) return null;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t as Array<{ name?: unknown; template?: unknown }>;
    const pick = named.find((x) => x?.name === 'default') ?? named[0];
    if (pick && typeof pick.template === 'string') return pick.template;
  }
  throw new Error(`${file}: "chat_template" must be a string or a list of {name, template}`);
}

export interface NewConfigOptions {
  addedTokens: AddedTokenJson[];
  eosToken: string | null;
  padToken: string | null;
  bosToken: string | null;
  chatTemplate: string | null;
  modelMaxLength: number;
}

/** A fresh tokenizer_config.json for a tokenizer kindling built (trained or byte-level). */
export function newTokenizerConfig(o: NewConfigOptions): TokenizerConfigJson {
  const config: TokenizerConfigJson = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder(o.addedTokens),
    additional_special_tokens: o.addedTokens.filter((t) => t.special).map((t) => t.content),
    bos_token: o.bosToken,
    clean_up_tokenization_spaces: false,
    eos_token: o.eosToken,
    errors: 'replace',
    model_max_length: o.modelMaxLength,
    pad_token: o.padToken,
    split_special_tokens: false,
    // The generic fast tokenizer: transformers loads tokenizer.json as written, with no
    // model-specific class re-deriving the pipeline.
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: null,
  };
  if (o.chatTemplate !== null) config.chat_template = o.chatTemplate;
  return config;
}
