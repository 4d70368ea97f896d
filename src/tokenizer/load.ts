// loadTokenizer(dir): a Hugging Face tokenizer folder → Tokenizer. Reads `tokenizer.json` when the
// folder has one; otherwise builds it from the "slow" files `vocab.json` + `merges.txt` +
// `tokenizer_config.json` (Qwen2Tokenizer's files) with the Qwen2 pipeline, as transformers'
// slow→fast converter does. `generation_config.json` (EOS list) and `chat_template.jinja` are
// read when present.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type GenerationTokenIds, Tokenizer } from './tokenizer.js';
import { addedTokensFromConfig, type TokenizerConfigJson, tokenName } from './tokenizer-config.js';
import { type AddedTokenJson, byteLevelBpeJson, specialToken, type TokenizerJson } from './tokenizer-json.js';

/** `folder` names what the caller asked for in the not-found error: a model folder holds its tokenizer too. */
export function loadTokenizer(dir: string, folder: 'model' | 'tokenizer' = 'tokenizer'): Tokenizer {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(
      folder === 'model'
        ? `model folder not found: ${dir} (a Hugging Face model folder: config.json, *.safetensors, tokenizer files)`
        : `tokenizer folder not found: ${dir}`,
    );
  const file = (name: string) => join(dir, name);
  const config = existsSync(file('tokenizer_config.json'))
    ? (readJsonObject(file('tokenizer_config.json')) as TokenizerConfigJson)
    : {};
  let json: TokenizerJson;
  if (existsSync(file('tokenizer.json'))) {
    json = completeTokenizerJson(readJsonObject(file('tokenizer.json')), file('tokenizer.json'));
  } else if (existsSync(file('vocab.json')) && existsSync(file('merges.txt'))) {
    json = fromSlowFiles(dir, config);
  } else {
    throw new Error(`${dir}: no tokenizer.json, and no vocab.json + merges.txt to build one from`);
  }
  const generationConfig = existsSync(file('generation_config.json'))
    ? (readJsonObject(file('generation_config.json')) as GenerationTokenIds)
    : null;
  const chatTemplate = existsSync(file('chat_template.jinja'))
    ? readFileSync(file('chat_template.jinja'), 'utf8')
    : null;
  return new Tokenizer({ json, config, generationConfig, chatTemplate, source: dir });
}

/** vocab.json + merges.txt + tokenizer_config.json's added tokens → a Qwen2-style tokenizer.json. */
function fromSlowFiles(dir: string, config: TokenizerConfigJson): TokenizerJson {
  const vocabFile = join(dir, 'vocab.json');
  const vocab = readJsonObject(vocabFile) as Record<string, unknown>;
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new Error(
        `${vocabFile}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, not a non-negative integer`,
      );
    }
  }
  const merges = readMerges(join(dir, 'merges.txt'), vocab as Record<string, number>);
  const cfgFile = join(dir, 'tokenizer_config.json');
  const addedTokens = addedTokensFromConfig(config, cfgFile);
  // Special tokens named in the config but in neither list are appended, as transformers does.
  let next = 0;
  for (const id of Object.values(vocab as Record<string, number>)) next = Math.max(next, id + 1);
  for (const t of addedTokens) next = Math.max(next, t.id + 1);
  const known = (s: string) => s in vocab || addedTokens.some((t) => t.content === s);
  const named = ['bos_token', 'eos_token', 'unk_token', 'pad_token'].map((f) => tokenName(config, f, cfgFile));
  const extra = Array.isArray(config.additional_special_tokens) ? config.additional_special_tokens : [];
  for (const name of [...named, ...extra]) {
    if (typeof name === 'string' && !known(name)) addedTokens.push(specialToken(next++, name));
  }
  return byteLevelBpeJson({ vocab: vocab as Record<string, number>, merges, addedTokens });
}

/** merges.txt: one "left right" pair per line in priority order; a leading "#version" line is skipped. */
function readMerges(path: string, vocab: Record<string, number>): Array<[string, string]> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const merges: Array<[string, string]> = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`${path}:${i + 1}: expected two symbols separated by one space, got ${JSON.stringify(line)}`);
    }
    const [a, b] = parts as [string, string];
    if (!(a + b in vocab))
      throw new Error(`${path}:${i + 1}: the merge result ${JSON.stringify(a + b)} is not in vocab.json`);
    merges.push([a, b]);
  });
  return merges;
}

/** Fills the top-level keys the JS library requires but some tokenizer.json files omit. */
function completeTokenizerJson(raw: Record<string, unknown>, path: string): TokenizerJson {
  const model = raw.model as Record<string, unknown> | undefined;
  if (!model || typeof model !== 'object') throw new Error(`${path}: missing "model"`);
  if (model.type !== undefined && !['BPE', 'WordPiece', 'Unigram'].includes(model.type as string)) {
    throw new Error(`${path}: model type ${JSON.stringify(model.type)} is not supported (BPE, WordPiece, Unigram)`);
  }
  const added = raw.added_tokens ?? [];
  if (!Array.isArray(added)) throw new Error(`${path}: "added_tokens" must be a list`);
  return {
    version: (raw.version as string) ?? '1.0',
    truncation: raw.truncation ?? null,
    padding: raw.padding ?? null,
    added_tokens: added as AddedTokenJson[],
    normalizer: (raw.normalizer as Record<string, unknown>) ?? null,
    pre_tokenizer: (raw.pre_tokenizer as Record<string, unknown>) ?? null,
    post_processor: (raw.post_processor as Record<string, unknown>) ?? null,
    decoder: (raw.decoder as Record<string, unknown>) ?? null,
    model,
  };
}

function readJsonObject(path: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${path}: expected a JSON object`);
  return v as Record<string, unknown>;
}
