// A tiny real model folder for the server and CLI tests: initModel + the byte-level tokenizer,
// saved with saveModel exactly as `kindling model init` would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel, saveModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { tinyQwen2 } from '../tiny-model.js';

export const TINY_CONFIG = tinyQwen2({
  model_type: 'qwen2',
  hidden_size: 32,
  intermediate_size: 64,
  vocab_size: 300,
  max_position_embeddings: 128,
  // large enough that the random model's distributions are far from uniform (visible stop/EOS behaviour)
  initializer_range: 0.3,
});

/** Writes the tiny model into a fresh temp folder; returns it and a cleanup function. */
export function tinyModelFolder(name = 'tiny'): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'kindling-serve-'));
  const dir = join(root, name);
  const tok = byteLevelTokenizer();
  const model = initModel(TINY_CONFIG, { seed: 3 });
  saveModel(model, dir, { tokenizer: tok, generation: tok.generationTokenIds() as Record<string, unknown> });
  for (const p of model.parameters()) p.dispose();
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
