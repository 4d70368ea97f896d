// oneDNN-prepacked layer weights for CPU decoding: the packed linear equals the plain one, generation
// with packing equals generation without it, packing never outlives the call (a weight changed
// afterwards is what the next call sees), and a forward uses packed weights only when handed them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { initModel, type PackedWeights } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';

const F = torch.nn.functional;
const skip = F.hasPackedLinear() ? false : 'this libtorch has no oneDNN (MKLDNN) prepacked linear';
const tok = byteLevelTokenizer();

const close = (a: torch.Tensor, b: torch.Tensor) =>
  torch.scope(() => a.sub(b).abs().max().item() / Math.max(1e-6, b.abs().max().item()));

describe('prepacked linear', { skip }, () => {
  it('equals linear for 2-D and 3-D inputs, with and without bias, at any row count', () => {
    torch.noGrad(() =>
      torch.scope(() => {
        torch.manualSeed(0);
        const w = torch.randn([48, 32]);
        const b = torch.randn([48]);
        const p = F.packLinearWeight(w, 16);
        for (const shape of [
          [1, 32],
          [16, 32],
          [300, 32],
          [5, 3, 32],
        ])
          for (const bias of [null, b]) {
            const x = torch.randn(shape);
            const err = close(F.linearPacked(x, p, bias), F.linear(x, w, bias));
            assert.ok(err < 1e-5, `${JSON.stringify(shape)} bias=${bias !== null}: relative error ${err}`);
          }
      }),
    );
  });

  for (const [name, config] of [
    ['Qwen2 (q/k/v bias)', tinyQwen2({ initializer_range: 0.2 })],
    [
      'Llama (no bias, untied)',
      tinyQwen2({ architectures: ['LlamaForCausalLM'], tie_word_embeddings: false, initializer_range: 0.2 }),
    ],
    [
      'Qwen3 (q/k norm, head_dim ≠ hidden/heads)',
      tinyQwen2({ architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', head_dim: 32, initializer_range: 0.2 }),
    ],
  ] as const)
    it(`${name}: generation with packed weights equals generation without`, () => {
      const model = initModel(config, { seed: 3 });
      const prompts = ['Knights always', 'A', 'Knaves lie about everything'];
      for (const sampling of [{ temperature: 0 }, { temperature: 1, topP: 0.9, seed: 7 }]) {
        const o = { maxNewTokens: 20, n: 3, eosTokenIds: [], ...sampling };
        const packed = generate(model, tok, prompts, { ...o, packWeights: true });
        const plain = generate(model, tok, prompts, { ...o, packWeights: false });
        packed.forEach((cs, p) =>
          cs.forEach((c, k) => {
            const ref = plain[p]![k]!;
            assert.deepEqual(c.tokenIds, ref.tokenIds, `prompt ${p} sample ${k}`);
            c.logprobs.forEach((lp, i) => assert.ok(Math.abs(lp - ref.logprobs[i]!) < 1e-4, `token ${i}`));
          }),
        );
      }
      for (const t of model.params.values()) t.dispose();
    });

  it('packing lasts one call: weights changed afterwards are what the next call uses', () => {
    const model = initModel(tinyQwen2({ initializer_range: 0.2 }), { seed: 4 });
    const o = { maxNewTokens: 12, temperature: 0, eosTokenIds: [] };
    const before = generate(model, tok, ['The knave'], { ...o, packWeights: true })[0]![0]!;
    // a training step changes weights in place
    torch.noGrad(() => {
      for (const [name, w] of model.params) if (name.includes('mlp.down_proj')) w.mul_(-3);
    });
    const packed = generate(model, tok, ['The knave'], { ...o, packWeights: true })[0]![0]!;
    const plain = generate(model, tok, ['The knave'], { ...o, packWeights: false })[0]![0]!;
    assert.deepEqual(packed.tokenIds, plain.tokenIds);
    assert.notDeepEqual(packed.logprobs, before.logprobs, 'the change is seen');
    for (const t of model.params.values()) t.dispose();
  });

  it('packed weights are explicit: used only where passed, inference only, a copy of the weights when packed', () => {
    const model = initModel(tinyQwen2({ initializer_range: 0.2 }), { seed: 4 });
    const ids = torch.tensor([[3, 1, 4, 1, 5]], { dtype: 'int64' });
    const logits = (o: { packed?: PackedWeights } = {}) =>
      torch.noGrad(() => torch.scope(() => torch.keep(model.forward(ids, o))));
    const pw = model.packWeights(4)!;
    assert.ok(pw, 'CPU float32 with oneDNN packs');
    const plain = logits();
    const packed = logits({ packed: pw });
    assert.ok(close(packed, plain) < 1e-5, 'packed forward equals plain');
    // a forward without it runs the plain weights: change them and only the unpacked forward moves
    torch.noGrad(() => {
      for (const [name, w] of model.params) if (name.includes('mlp.down_proj')) w.mul_(-3);
    });
    assert.ok(close(logits(), plain) > 1e-3, 'plain forward sees the change');
    assert.ok(close(logits({ packed: pw }), packed) < 1e-6, 'packed copy is of the weights when packed');
    // with gradient the packed copy would cut the weights out of the graph: refused
    assert.throws(() => torch.scope(() => model.forward(ids, { packed: pw })), /packed weights are for inference/);
    pw.dispose();
    pw.dispose(); // idempotent
    assert.throws(() => logits({ packed: pw }), /used after dispose/);
    assert.ok(model.packedBytes() > 0);
    for (const t of [plain, packed, ids]) t.dispose();
    for (const t of model.params.values()) t.dispose();
  });
});
