// Writing a tokenizer folder that Python `tokenizers` (Tokenizer.from_file) and `transformers`
// (AutoTokenizer.from_pretrained) load: tokenizer.json as-is, and tokenizer_config.json with its
// added_tokens_decoder regenerated from tokenizer.json (the two must agree) and the chat template
// inside it (read by every transformers version; newer ones also accept chat_template.jinja).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addedTokensDecoder, type TokenizerConfigJson } from './tokenizer-config.js';
import type { TokenizerJson } from './tokenizer-json.js';

export function saveTokenizerFolder(
  dir: string,
  json: TokenizerJson,
  config: TokenizerConfigJson,
  chatTemplate: string | null,
): void {
  mkdirSync(dir, { recursive: true });
  const out: TokenizerConfigJson = { ...config, added_tokens_decoder: addedTokensDecoder(json.added_tokens) };
  if (chatTemplate !== null) out.chat_template = chatTemplate;
  // A slow-file folder may name vocab.json/merges.txt in its config; the saved folder has tokenizer.json.
  delete out.vocab_file;
  delete out.merges_file;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(out, null, 2) + '\n');
}
