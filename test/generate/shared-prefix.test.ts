// Shared-prefix ("cascade") attention: n samples keep their prompt's keys/values once; a decode step
// attends to the prompt and to the row's own tokens separately and merges the two with their
// log-sum-exps. It must equal plain attention over both key sets, through every layout the cache
// goes through (padded prompts, rows leaving, whole prompts leaving), and generation with it must
// equal generation with the prompt copied into every row.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate, sharesPrefix } from '../../src/generate/index.js';
import {
  advanceCache,
  attendWithPrefix,
  disposeCache,
  emptyCache,
  initModel,
  type KVCache,
  selectCacheRows,
  sharePrefix,
} from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';

const F = torch.nn.functional;
const tok = byteLevelTokenizer();
const maxDiff = (a: torch.Tensor, b: torch.Tensor) => torch.scope(() => a.sub(b).abs().max().item());

describe('shared-prefix attention', () => {
  it('attentionWithLse: the output is SDPA and the LSE is logsumexp of the scaled, masked scores (kernel and plain ops)', () => {
    torch.noGrad(() =>
      torch.scope(() => {
        torch.manualSeed(3);
        const [q, k, v] = [torch.randn([2, 3, 5, 8]), torch.randn([2, 3, 7, 8]), torch.randn([2, 3, 7, 8])];
        const keep = torch.tensor([1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1], { dtype: 'bool', shape: [2, 1, 1, 7] });
        const bias = torch.where(keep, 0, Number.NEGATIVE_INFINITY);
        const expectOut = F.scaledDotProductAttention(q, k, v, { attnMask: keep });
        const expectLse = torch
          .where(keep, q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(8)), Number.NEGATIVE_INFINITY)
          .logsumexp(-1);
        for (const [name, f] of [
          ['kernel', F.attentionWithLse],
          ['plain ops', F.attentionWithLseMath],
        ] as const) {
          const { out, lse } = f(q, k, v, { attnMask: bias });
          assert.deepEqual(lse.shape, [2, 3, 5]);
          assert.equal(lse.dtype, 'float32');
          assert.ok(maxDiff(out, expectOut) < 1e-5, `${name}: out`);
          assert.ok(maxDiff(lse, expectLse) < 1e-5, `${name}: lse`);
        }
      }),
    );
  });

  it('equals attention over the prompt and the row’s own keys together, as rows and whole prompts leave', () => {
    torch.noGrad(() =>
      torch.scope(() => {
        torch.manualSeed(5);
        const [P, n, K, G, E, L, t] = [3, 4, 2, 3, 8, 5, 4];
        const H = K * G;
        const prefill = emptyCache(1, P, K, L + 3, E, { dtype: 'float32', device: 'cpu' }); // capacity > L: copied
        const pk = torch.randn([P, K, L, E]);
        const pv = torch.randn([P, K, L, E]);
        prefill.keys[0]!.narrow(2, 0, L).copy_(pk);
        prefill.values[0]!.narrow(2, 0, L).copy_(pv);
        prefill.length = L;
        // prompt 1 is left-padded by 2 (and its padding holds garbage the mask must hide)
        const real = [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
        const padding = torch.tensor(real, { dtype: 'int64', shape: [P, L] });
        let cache: KVCache = sharePrefix(prefill, n, 8, padding);
        cache.keys[0]!.narrow(2, 0, t).copy_(torch.randn([P * n, K, t, E]));
        cache.values[0]!.narrow(2, 0, t).copy_(torch.randn([P * n, K, t, E]));
        cache.length = t;
        let rowPrompt = Array.from({ length: P * n }, (_, r) => Math.floor(r / n));

        const check = (label: string, ownMask: torch.Tensor | null) => {
          const R = rowPrompt.length;
          const q = torch.randn([R, H, 1, E]);
          const ownK = cache.keys[0]!.narrow(2, 0, t);
          const ownV = cache.values[0]!.narrow(2, 0, t);
          const got = attendWithPrefix(q, ownK, ownV, cache.prefix!, 0, ownMask);
          const rowIdx = torch.tensor(rowPrompt, { dtype: 'int64' });
          const keys = torch.cat([pk.indexSelect(0, rowIdx), ownK], 2);
          const values = torch.cat([pv.indexSelect(0, rowIdx), ownV], 2);
          const promptMask = padding.to({ dtype: 'bool' }).indexSelect(0, rowIdx);
          const own = ownMask ? ownMask.view(R, t) : torch.ones([R, t], { dtype: 'bool' });
          const mask = torch.cat([promptMask, own], 1).view(R, 1, 1, L + t);
          const expected = F.scaledDotProductAttention(q, keys, values, { attnMask: mask, enableGqa: true });
          assert.deepEqual(got.shape, [R, H, 1, E]);
          assert.ok(maxDiff(got, expected) < 1e-5, `${label}: max diff ${maxDiff(got, expected)}`);
        };
        check('all rows', null);
        // row 5 of prompt 1 and rows 9–11 of prompt 2 stay: prompt 0 leaves, prompt 1 gets spare slots
        const keepRows = [5, 9, 10, 11];
        const smaller = selectCacheRows(cache, keepRows);
        disposeCache(cache);
        cache = smaller;
        rowPrompt = keepRows.map((r) => rowPrompt[r]!);
        assert.equal(cache.prefix!.keys[0]!.shape[0], 2, 'prompt 0 left the prefix');
        assert.deepEqual(cache.prefix!.rowSlots?.tolist(), [0, 3, 4, 5], 'three slots per prompt');
        check('after rows left', null);
        const ownMask = torch.tensor([1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1], {
          dtype: 'bool',
          shape: [4, 1, 1, t],
        });
        check('with a mask on the own tokens', ownMask);
        disposeCache(cache);
      }),
    );
  });

  for (const [name, config] of [
    ['Qwen2 (GQA 4/2, bias)', tinyQwen2({ initializer_range: 0.2 })],
    [
      'Llama (4/4 heads, no bias, untied)',
      tinyQwen2({
        architectures: ['LlamaForCausalLM'],
        num_key_value_heads: 4,
        tie_word_embeddings: false,
        initializer_range: 0.2,
      }),
    ],
    [
      'Qwen3 (q/k norm, head_dim 32)',
      tinyQwen2({ architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', head_dim: 32, initializer_range: 0.2 }),
    ],
  ] as const) {
    it(`${name}: generation with a shared prefix equals the prompt copied into every row`, () => {
      const model = initModel(config, { seed: 2 });
      const prompts = ['Knights', 'x', 'Once upon a time there was'];
      const o = {
        maxNewTokens: 30,
        n: 3,
        temperature: 1.3,
        seed: 11,
        // ids 100–111 end a sample: rows finish at different steps, compactions drop rows and prompts
        eosTokenIds: [...Array(12).keys()].map((i) => 100 + i),
      };
      const shared = generate(model, tok, prompts, { ...o, sharedPrefix: true });
      const plain = generate(model, tok, prompts, { ...o, sharedPrefix: false });
      const lengths = new Set<number>();
      prompts.forEach((_, p) =>
        shared[p]!.forEach((c, k) => {
          const ref = plain[p]![k]!;
          assert.deepEqual(c.tokenIds, ref.tokenIds, `prompt ${p} sample ${k}`);
          assert.equal(c.finishReason, ref.finishReason);
          c.logprobs.forEach((l, j) =>
            assert.ok(Math.abs(l - ref.logprobs[j]!) < 1e-4, `prompt ${p} sample ${k} token ${j}`),
          );
          lengths.add(c.tokenIds.length);
        }),
      );
      assert.ok(lengths.size >= 4, `rows finish at different steps (lengths ${[...lengths]})`);
    });
  }

  it('is the default on CPU for n > 1 with prompts of 32 tokens or more', () => {
    assert.equal(sharesPrefix(10, 64, 'cpu'), true);
    assert.equal(sharesPrefix(10, 31, 'cpu'), false, 'short prompts: copying the keys/values was as fast');
    assert.equal(sharesPrefix(1, 500, 'cpu'), false, 'one sample has nothing to share');
    assert.equal(sharesPrefix(10, 500, 'cuda:0'), false, 'not measured on GPUs: opt-in there');
    assert.equal(sharesPrefix(10, 8, 'cuda:0', true), true);
    assert.equal(sharesPrefix(10, 500, 'cpu', false), false);
  });

  it('a shared-prefix cache decodes one token per row at a time', () => {
    const model = initModel(tinyQwen2(), { seed: 1 });
    torch.noGrad(() =>
      torch.scope(() => {
        const prefill = model.newCache(1, 4);
        model.hidden(torch.tensor([[1, 2, 3, 4]], { dtype: 'int64' }), { cache: prefill });
        advanceCache(prefill, 4);
        const cache = sharePrefix(prefill, 2, 4, null);
        assert.throws(
          () =>
            model.hidden(
              torch.tensor(
                [
                  [5, 6],
                  [7, 8],
                ],
                { dtype: 'int64' },
              ),
              { cache },
            ),
          /one token per row/,
        );
        disposeCache(cache);
      }),
    );
  });
});
