// SFT data: rows {prompt, completion} (what `kindling distill` writes) or {text} split at a response
// template. Prompt and completion are tokenised separately and concatenated, so the loss-mask
// boundary is exact by construction: the model is trained on exactly the token sequence it sees at
// generation time (prompt ids, then sampled completion ids). Splitting on tokens instead (TRL's
// response-template collator) silently misses the boundary when BPE merges across it.

import { readJsonl } from './jsonl.js';
import type { SftConfig } from './sft-config.js';

export interface TokenCodec {
  encode(text: string): number[];
  readonly eosTokenId: number | null;
}

export interface SftExample {
  ids: number[];
  /** 1 where the token is a training target (predicted from the previous position). */
  loss: number[];
  source: string;
}

export interface SftData {
  examples: SftExample[];
  rows: number;
  truncated: number;
  dropped: number;
  /** Rows skipped because they have no completion tokens left after truncation. */
  empty: number;
}

export interface PromptCompletion {
  prompt: string;
  completion: string;
  source: string;
}

/** Reads prompt/completion pairs from JSONL; errors name file, line and field. */
export function readSftRows(path: string, responseTemplate: string | null): PromptCompletion[] {
  return readJsonl(path).map(({ line, value }) => {
    const where = `${path}:${line}`;
    if (typeof value.prompt === 'string' || typeof value.completion === 'string') {
      if (typeof value.prompt !== 'string') throw new Error(`${where}: field 'prompt' must be a string`);
      if (typeof value.completion !== 'string') throw new Error(`${where}: field 'completion' must be a string`);
      return { prompt: value.prompt, completion: value.completion, source: where };
    }
    if (typeof value.text === 'string') {
      if (!responseTemplate)
        throw new Error(`${where}: a 'text' row needs response_template in the config (or use prompt/completion rows)`);
      const at = value.text.lastIndexOf(responseTemplate);
      if (at < 0)
        throw new Error(
          `${where}: field 'text' does not contain the response template ${JSON.stringify(responseTemplate)}`,
        );
      const cut = at + responseTemplate.length;
      return { prompt: value.text.slice(0, cut), completion: value.text.slice(cut), source: where };
    }
    throw new Error(
      `${where}: expected fields 'prompt' and 'completion' (or 'text'), found ${Object.keys(value).join(', ') || 'none'}`,
    );
  });
}

export function tokenizeSft(
  rows: PromptCompletion[],
  tok: TokenCodec,
  cfg: Pick<SftConfig, 'max_length' | 'truncation' | 'append_eos' | 'completion_only_loss'>,
): SftData {
  if (cfg.append_eos && tok.eosTokenId === null)
    throw new Error('append_eos is set but the tokenizer has no EOS token');
  const out: SftData = { examples: [], rows: rows.length, truncated: 0, dropped: 0, empty: 0 };
  for (const r of rows) {
    const p = tok.encode(r.prompt);
    const c = tok.encode(r.completion);
    if (cfg.append_eos) c.push(tok.eosTokenId!);
    let ids = [...p, ...c];
    let loss = [...p.map(() => (cfg.completion_only_loss ? 0 : 1)), ...c.map(() => 1)];
    loss[0] = 0; // the first token is never a target
    if (ids.length > cfg.max_length) {
      if (cfg.truncation === 'drop') {
        out.dropped++;
        continue;
      }
      ids = ids.slice(0, cfg.max_length);
      loss = loss.slice(0, cfg.max_length);
      out.truncated++;
    }
    if (!loss.includes(1)) {
      out.empty++;
      continue;
    }
    out.examples.push({ ids, loss, source: r.source });
  }
  return out;
}
