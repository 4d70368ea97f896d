// SFT data: rows {prompt, completion} (what `kindling distill` writes) or {text} split at a response
// template. Prompt and completion are tokenised separately and concatenated, so the loss-mask
// boundary is exact by construction: the model is trained on exactly the token sequence it sees at
// generation time (prompt ids, then sampled completion ids). Splitting on tokens instead (TRL's
// response-template collator) silently misses the boundary when BPE merges across it.

import { readSourceRows, rowWhere } from '../util/rows.js';
import { readJsonl } from './jsonl.js';
import { permutation } from './rng.js';
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
  /** Per row, in order: prompt tokens and prompt + completion tokens (for messages about lengths). */
  promptTokens: number[];
  totalTokens: number[];
}

export interface PromptCompletion {
  prompt: string;
  completion: string;
  source: string;
}

/** One {prompt, completion} or {text} row; errors name `where` and the field. */
function sftRow(value: Record<string, unknown>, where: string, responseTemplate: string | null): PromptCompletion {
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
  // K&K puzzles are what traces are made from, not traces: say how to make them.
  const hint =
    typeof value.quiz === 'string'
      ? ' — these are K&K puzzles; make traces from them with `kindling distill --puzzles FILE` or `kindling kk teach --in FILE`'
      : '';
  throw new Error(
    `${where}: expected fields 'prompt' and 'completion' (or 'text'), found ${Object.keys(value).join(', ') || 'none'}${hint}`,
  );
}

/** Reads prompt/completion pairs from JSONL; errors name file, line and field. */
export function readSftRows(path: string, responseTemplate: string | null): PromptCompletion[] {
  return readJsonl(path).map(({ line, value }) => sftRow(value, `${path}:${line}`, responseTemplate));
}

/** readSftRows, and also .jsonl.gz and .parquet files (errors then name `file: row N`). */
export async function loadSftRows(path: string, responseTemplate: string | null): Promise<PromptCompletion[]> {
  const lower = path.toLowerCase();
  if (!lower.endsWith('.parquet') && !lower.endsWith('.gz')) return readSftRows(path, responseTemplate);
  const rows = await readSourceRows(path);
  return rows.map(({ line, value }) => sftRow(value, rowWhere(path, line), responseTemplate));
}

export function tokenizeSft(
  rows: PromptCompletion[],
  tok: TokenCodec,
  cfg: Pick<SftConfig, 'max_length' | 'truncation' | 'append_eos' | 'completion_only_loss'>,
): SftData {
  if (cfg.append_eos && tok.eosTokenId === null)
    throw new Error('append_eos is set but the tokenizer has no EOS token');
  const out: SftData = {
    examples: [],
    rows: rows.length,
    truncated: 0,
    dropped: 0,
    empty: 0,
    promptTokens: [],
    totalTokens: [],
  };
  for (const r of rows) {
    const p = tok.encode(r.prompt);
    const c = tok.encode(r.completion);
    if (cfg.append_eos) c.push(tok.eosTokenId!);
    out.promptTokens.push(p.length);
    out.totalTokens.push(p.length + c.length);
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

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};
const lengths = (xs: readonly number[]): string => `p50 ${median(xs)}, max ${Math.max(0, ...xs)}`;

/** Why no training sequence is left, and what to set: for the error when tokenizeSft kept none. */
export function noUsableRowsMessage(file: string, d: SftData, maxLength: number): string {
  const head = `${file}: no usable training rows`;
  if (d.rows === 0) return `${head}: the file has no rows`;
  const full = `the full rows are ${lengths(d.totalTokens)} tokens`;
  const longPrompts = d.promptTokens.filter((n) => n >= maxLength).length;
  if (longPrompts === d.rows)
    return (
      `${head}: the prompts alone are ${lengths(d.promptTokens)} tokens, so with max_length ${maxLength} no completion token is left to train on (${d.rows} of ${d.rows} rows). ` +
      `Set max_length above the longest prompt (--max_length ${Math.max(...d.totalTokens)} keeps every row whole; ${full}) or shorten the prompts.`
    );
  if (d.dropped === d.rows)
    return `${head}: all ${d.rows} rows are longer than max_length ${maxLength} (${full}) and truncation is 'drop'. Raise max_length (--max_length ${Math.max(...d.totalTokens)} keeps every row) or set truncation: truncate.`;
  const parts = [
    d.dropped ? `${d.dropped} dropped as longer than max_length ${maxLength}` : '',
    longPrompts ? `${longPrompts} whose prompt alone fills max_length ${maxLength}` : '',
    d.empty - longPrompts > 0 ? `${d.empty - longPrompts} with an empty completion (and append_eos off)` : '',
  ].filter(Boolean);
  return `${head}: of ${d.rows} rows, ${parts.join(', ')} (prompts ${lengths(d.promptTokens)} tokens; ${full}).`;
}

/**
 * The run's training and held-out sequences: eval_data when given, else a seeded eval_split share
 * of the rows, tokenised with exact loss-mask boundaries. Says in the log what was kept and dropped.
 */
export async function loadSftSplits(
  data: string,
  tok: TokenCodec,
  cfg: SftConfig,
  log: (line: string) => void,
): Promise<{ train: SftData; evalData: SftData }> {
  let rows = await loadSftRows(data, cfg.response_template);
  let evalRows = cfg.eval_data ? await loadSftRows(cfg.eval_data, cfg.response_template) : [];
  if (!cfg.eval_data && cfg.eval_split > 0) {
    const order = permutation(rows.length, cfg.seed, -1);
    const nEval = Math.max(1, Math.round(rows.length * cfg.eval_split));
    const evalSet = new Set(order.slice(0, nEval));
    evalRows = rows.filter((_, i) => evalSet.has(i));
    rows = rows.filter((_, i) => !evalSet.has(i));
  }
  const train = tokenizeSft(rows, tok, cfg);
  const evalData = tokenizeSft(evalRows, tok, cfg);
  if (train.examples.length === 0) throw new Error(noUsableRowsMessage(data, train, cfg.max_length));
  log(
    `data: ${train.examples.length} training sequences (${train.truncated} truncated, ${train.dropped} dropped over max_length ${cfg.max_length}, ${train.empty} without completion tokens)` +
      (evalData.examples.length ? `, ${evalData.examples.length} held out for eval_loss` : ''),
  );
  return { train, evalData };
}
