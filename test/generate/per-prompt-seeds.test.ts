// `seeds`: a base seed per prompt, so one generate() call can serve independent requests (the
// server batches them) without identical prompts getting identical samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { initModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';

const tok = byteLevelTokenizer();
const model = initModel(
  {
    architectures: ['Qwen2ForCausalLM'],
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 1,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 300,
    max_position_embeddings: 128,
    tie_word_embeddings: true,
    initializer_range: 0.2,
  },
  { seed: 2 },
);
const o = { maxNewTokens: 16, temperature: 1, eosTokenIds: [] as number[] };

describe('generate with a seed per prompt', () => {
  it('identical prompts with one shared seed get identical samples (why seeds exists)', () => {
    const [a, b] = generate(model, tok, ['same', 'same'], { ...o, seed: 5 });
    assert.deepEqual(a![0]!.tokenIds, b![0]!.tokenIds);
  });

  it('each prompt samples as if run alone with its own seed, n samples at seeds[p] + k', () => {
    const batch = generate(model, tok, ['same', 'same', 'other prompt'], { ...o, n: 2, seeds: [5, 9, 5] });
    assert.notDeepEqual(batch[0]![0]!.tokenIds, batch[1]![0]!.tokenIds);
    const alone = (p: string, seed: number) =>
      generate(model, tok, [p], { ...o, n: 2, seed })[0]!.map((c) => c.tokenIds);
    assert.deepEqual(
      batch[0]!.map((c) => c.tokenIds),
      alone('same', 5),
    );
    assert.deepEqual(
      batch[1]!.map((c) => c.tokenIds),
      alone('same', 9),
    );
    assert.deepEqual(
      batch[2]!.map((c) => c.tokenIds),
      alone('other prompt', 5),
    );
  });

  it('rejects a seeds list of the wrong length', () => {
    assert.throws(
      () => generate(model, tok, ['a', 'b'], { ...o, seeds: [1] }),
      /seeds must hold one integer per prompt \(2\)/,
    );
  });
});
