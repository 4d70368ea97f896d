// A tiny random Qwen2-architecture model folder (byte-level tokenizer) whose context holds the
// paper's K&K prompt (~1,100 bytes for 3 people), for running `kindling serve` as a teacher.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel, saveModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';

export function tinyTeacherFolder(name: string, size: { hidden?: number; layers?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'distill-teacher-'));
  const dir = join(root, name);
  const tok = byteLevelTokenizer();
  const hidden = size.hidden ?? 32;
  const model = initModel(
    {
      architectures: ['Qwen2ForCausalLM'],
      model_type: 'qwen2',
      hidden_size: hidden,
      intermediate_size: hidden * 2,
      num_hidden_layers: size.layers ?? 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      vocab_size: 300,
      max_position_embeddings: 4096,
      tie_word_embeddings: true,
      initializer_range: 0.3,
    },
    { seed: 7 },
  );
  saveModel(model, dir, { tokenizer: tok, generation: tok.generationTokenIds() as Record<string, unknown> });
  for (const p of model.parameters()) p.dispose();
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
