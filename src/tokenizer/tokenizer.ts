// The kindling Tokenizer: a Hugging Face tokenizer folder (tokenizer.json + tokenizer_config.json
// [+ generation_config.json]) with the ids the rest of kindling needs. Encoding and decoding run
// in @huggingface/tokenizers (HF's own JavaScript port of `tokenizers`, which reads tokenizer.json
// as written); this class adds what it lacks: EOS/PAD/BOS resolution, batch helpers, an empty
// decode, id validation, and saving a folder that Python `tokenizers`/`transformers` load.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { saveTokenizerFolder } from './save.js';
import { chatTemplateOf, type TokenizerConfigJson, tokenName } from './tokenizer-config.js';
import type { AddedTokenJson, TokenizerJson } from './tokenizer-json.js';

/** The token-id fields of `generation_config.json` that concern the tokenizer. */
export interface GenerationTokenIds {
  bos_token_id?: number | null;
  /** An int or a list (Qwen2.5-Instruct: [151645, 151643]). */
  eos_token_id?: number | number[] | null;
  pad_token_id?: number | null;
}

export interface TokenizerParts {
  /** The tokenizer.json object. */
  json: TokenizerJson;
  /** The tokenizer_config.json object ({} when the folder has none). */
  config: TokenizerConfigJson;
  /** generation_config.json, when the folder has one: its ids override the config's. */
  generationConfig?: GenerationTokenIds | null;
  /** A chat template found outside the config (chat_template.jinja); the config's wins. */
  chatTemplate?: string | null;
  /** Where it was read from, for error messages. */
  source?: string;
}

export interface EncodeOptions {
  /** Apply the post-processor's special tokens (e.g. Llama-3's BOS). Default true, as in HF. Qwen2 adds none. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (EOS, PAD, <|im_start|>, …) from the text. Default false. */
  skipSpecialTokens?: boolean;
}

export class Tokenizer {
  readonly json: TokenizerJson;
  readonly config: TokenizerConfigJson;
  /** Size of the id space: 1 + the largest id of the vocabulary and the added tokens. */
  readonly vocabSize: number;
  /** The EOS to append when building sequences (generation_config's first, else the config's). */
  readonly eosTokenId: number | null;
  /** Every id that ends generation (generation_config's list, else the config's eos_token). */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | null;
  readonly bosTokenId: number | null;
  /** The Jinja chat template, if the folder has one. */
  readonly chatTemplate: string | null;
  /** Ids of the added tokens marked special (what skipSpecialTokens removes). */
  readonly specialTokenIds: readonly number[];
  private readonly hf: HfTokenizer;
  private readonly source: string;
  private readonly specialIdSet: ReadonlySet<number>;

  constructor(parts: TokenizerParts) {
    this.json = parts.json;
    this.config = parts.config;
    this.source = parts.source ?? 'tokenizer';
    // clean_up_tokenization_spaces defaults to true in the library (BERT-era behaviour that
    // deletes spaces before punctuation); byte-level tokenizers must not, so false unless asked.
    const hfConfig = {
      ...parts.config,
      clean_up_tokenization_spaces: parts.config.clean_up_tokenization_spaces === true,
    };
    this.hf = new HfTokenizer(parts.json, hfConfig);

    const added = parts.json.added_tokens;
    let maxId = maxModelId(parts.json);
    for (const t of added) if (t.id > maxId) maxId = t.id;
    this.vocabSize = maxId + 1;
    this.specialTokenIds = added.filter((t) => t.special).map((t) => t.id);
    this.specialIdSet = new Set(this.specialTokenIds);

    const gen = parts.generationConfig ?? null;
    const genFile = `${this.source}/generation_config.json`;
    const cfgFile = `${this.source}/tokenizer_config.json`;
    const byName = (field: string): number | null => {
      const name = tokenName(parts.config, field, cfgFile);
      if (name === null) return null;
      const id = this.tokenToId(name);
      if (id === undefined)
        throw new Error(`${cfgFile}: "${field}" is ${JSON.stringify(name)}, which is not in the vocabulary`);
      return id;
    };
    const configEos = byName('eos_token');
    const genEos = gen ? idList(gen.eos_token_id, genFile, 'eos_token_id') : [];
    this.eosTokenIds = genEos.length > 0 ? genEos : configEos === null ? [] : [configEos];
    this.eosTokenId = this.eosTokenIds[0] ?? null;
    this.padTokenId = byName('pad_token') ?? idList(gen?.pad_token_id, genFile, 'pad_token_id')[0] ?? null;
    this.bosTokenId = byName('bos_token') ?? idList(gen?.bos_token_id, genFile, 'bos_token_id')[0] ?? null;
    this.chatTemplate = chatTemplateOf(parts.config, cfgFile) ?? parts.chatTemplate ?? null;
  }

  /** The added tokens (special or not), as in tokenizer.json. */
  get addedTokens(): readonly AddedTokenJson[] {
    return this.json.added_tokens;
  }

  encode(text: string, { addSpecialTokens = true }: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new TypeError(`encode: expected a string, got ${typeof text}`);
    return this.hf.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): number[][] {
    return texts.map((t) => this.encode(t, options));
  }

  /**
   * Ids → text. Ids inside the id space but without a token (the padding rows a model's embedding
   * has beyond the tokenizer, e.g. Qwen2.5's 151669…151935) decode to nothing, as in HF.
   */
  decode(ids: readonly number[], { skipSpecialTokens = false }: DecodeOptions = {}): string {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0) throw new RangeError(`decode: token id ${id} is not a non-negative integer`);
    }
    const kept = skipSpecialTokens ? ids.filter((id) => !this.specialIdSet.has(id)) : ids;
    // The library throws on an empty list; an empty completion is ordinary here.
    if (kept.length === 0) return '';
    return this.hf.decode(kept as number[], { skip_special_tokens: false });
  }

  decodeBatch(batch: readonly (readonly number[])[], options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }

  /** The pieces `encode` would produce, as token strings (byte-level alphabet: 'Ġworld'). */
  tokenize(text: string): string[] {
    return this.hf.tokenize(text);
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  isSpecial(id: number): boolean {
    return this.specialIdSet.has(id);
  }

  /** What generation_config.json should say about tokens, for a model folder saved with this tokenizer. */
  generationTokenIds(): GenerationTokenIds {
    const eos = this.eosTokenIds.length === 1 ? this.eosTokenIds[0] : [...this.eosTokenIds];
    return {
      bos_token_id: this.bosTokenId,
      eos_token_id: this.eosTokenIds.length ? eos : null,
      pad_token_id: this.padTokenId,
    };
  }

  /** Write tokenizer.json + tokenizer_config.json (chat template inside it) into `dir` (created if needed). */
  save(dir: string): void {
    saveTokenizerFolder(dir, this.json, this.config, this.chatTemplate);
  }
}

/** The largest id of the model's vocabulary (-1 when empty). */
function maxModelId(json: TokenizerJson): number {
  const v = (json.model as { vocab?: unknown }).vocab;
  // Unigram models keep the vocabulary as a list of [piece, score]: ids are positions.
  if (Array.isArray(v)) return v.length - 1;
  let max = -1;
  if (v && typeof v === 'object') for (const id of Object.values(v as Record<string, number>)) if (id > max) max = id;
  return max;
}

function idList(v: unknown, file: string, field: string): number[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  for (const id of list) {
    if (!Number.isInteger(id) || id < 0)
      throw new Error(`${file}: "${field}" must be an id or a list of ids, got ${JSON.stringify(v)}`);
  }
  return list as number[];
}
