// The memory bound that gradient checkpointing and the chunked loss promise, checked on the bytes
// libtorch's CPU allocator hands out during one training step (exact, not RSS): with both on, the
// peak stays under parameter gradients + the kept layer inputs + one layer's activations + one
// chunk's logits, a bound computed from the shape that the plain path exceeds on either count
// (it holds [T, V] logits, and every layer's activations).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initModel, LoraAdapter } from '../../src/model/index.js';
import { type MemorySettings, tokenLogprobs } from '../../src/model/logprobs.js';
import * as torch from '../../src/torch/index.js';
import { grpoSliceBackward, type UpdateRow } from '../../src/train/grpo-batch.js';
import { sftBackward } from '../../src/train/sft.js';
import { mulberry32 } from '../../src/util/random.js';
import { tinyQwen2 } from '../tiny-model.js';

const shape = { V: 4096, D: 64, I: 256, L: 6, chunk: 32 };
const config = tinyQwen2({
  vocab_size: shape.V,
  hidden_size: shape.D,
  intermediate_size: shape.I,
  num_hidden_layers: shape.L,
  max_position_embeddings: 1024,
});

/**
 * Peak bytes one checkpointed, chunked step may allocate (float32, B rows × T positions): the
 * gradients (and one being formed), the L + 1 kept layer inputs and a few more [B,T,D] tensors, one
 * recomputed layer's activations (generously 12 × [B,T,D+I]) and one chunk's logits with their
 * log-softmax and gradients (6 × [B,chunk,V]). No [B,T,V] term and one layer's activations only.
 */
function bound(B: number, T: number, params: number): number {
  const { V, D, I, L, chunk } = shape;
  return 4 * (2 * params + (L + 8) * B * T * D + 12 * B * T * (D + I) + 6 * B * chunk * V);
}

function clearGrads(model: ReturnType<typeof initModel>) {
  for (const p of model.parameters()) {
    p.grad?.dispose();
    p.grad = null;
  }
}

const bounded: MemorySettings = { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: shape.chunk };
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;

describe('bounded memory: one checkpointed, chunked step at a fixed shape', () => {
  const model = initModel(config, { seed: 1 });
  for (const p of model.parameters()) p.requiresGrad_(true);
  const P = model.numParameters();
  const rand = mulberry32(3);
  const token = () => Math.floor(rand() * shape.V);

  it('the count is real: a 1 MiB tensor freed inside shows a 1 MiB peak and nothing live; one kept stays live', () => {
    const n = 2 ** 18; // float32 elements: 1 MiB
    const freed = torch.measureHostMemory(() => torch.scope(() => torch.ones([n]).sum().item()));
    assert.ok(freed.peakBytes >= 4 * n && freed.peakBytes < 4 * n + 4096, `peak ${freed.peakBytes}`);
    assert.equal(freed.liveBytes, 0);
    const kept = torch.measureHostMemory(() => torch.ones([n]));
    assert.equal(kept.liveBytes, 4 * n);
    kept.result.dispose();
  });

  it('SFT (1 × 512 tokens): peak allocated bytes under the bound from the shape', () => {
    const T = 512;
    const ids = Array.from({ length: T + 1 }, token);
    const rows = [{ ids, loss: ids.map((_, i) => (i < 64 ? 0 : 1)), source: 'x' }];
    const { peakBytes } = torch.measureHostMemory(() => sftBackward(model, rows, 0, T, bounded));
    clearGrads(model);
    const limit = bound(1, T, P);
    assert.ok(peakBytes <= limit, `peak ${MiB(peakBytes)} > bound ${MiB(limit)}`);
    // The bound is meaningful: below what the [T, V] logits, their log-softmax and gradient take.
    assert.ok(limit < 4 * 3 * T * shape.V + 4 * 2 * P, 'the bound excludes whole-sequence logits');
  });

  it('GRPO slice (2 × (64 prompt + 448 completion) tokens): peak allocated bytes under the bound', () => {
    const rows: UpdateRow[] = [0.7, -0.4].map((advantage) => ({
      promptIds: Array.from({ length: 64 }, token),
      completion: { tokenIds: Array.from({ length: 448 }, token) },
      keep: 1,
      advantage,
    }));
    const settings = {
      lossType: 'dapo' as const,
      epsilonLow: 0.2,
      epsilonHigh: 0.2,
      beta: 0,
      stepTokens: 896,
      microBatches: 1,
      maxCompletionLength: 448,
    };
    const { peakBytes } = torch.measureHostMemory(() =>
      grpoSliceBackward(model, rows, {
        pad: 0,
        temperature: 1,
        entropy: true,
        old: null,
        ref: null,
        settings,
        memory: bounded,
      }),
    );
    clearGrads(model);
    const limit = bound(2, 512, P);
    assert.ok(peakBytes <= limit, `peak ${MiB(peakBytes)} > bound ${MiB(limit)}`);
  });

  it('tokenLogprobs under autograd with a frozen head (LoRA): forward + backward hold no [T, V] logits', () => {
    const T = 512;
    const { D, V, chunk } = shape;
    const frozen = initModel(config, { seed: 2 });
    for (const p of frozen.params.values()) p.requiresGrad_(false);
    frozen.adapter = LoraAdapter.init(
      frozen.config,
      { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: 'all-linear', use_rslora: false },
      { seed: 1 },
    );
    const hidden = torch
      .noGrad(() => torch.randn([1, T, D], { generator: new torch.Generator(4) }))
      .requiresGrad_(true);
    const targets = torch.tensor(Array.from({ length: T }, token), { dtype: 'int64', shape: [1, T] });
    const { peakBytes } = torch.measureHostMemory(() =>
      torch.scope(() => tokenLogprobs(frozen, hidden, targets, { chunk }).logprobs.sum().backward()),
    );
    // A few [T,D] tensors per chunk kept for backward plus one chunk's logits and softmax.
    const limit = 4 * (16 * T * D + 6 * chunk * V);
    assert.ok(peakBytes <= limit, `peak ${MiB(peakBytes)} > bound ${MiB(limit)} (the logits alone: ${MiB(4 * T * V)})`);
    assert.ok(limit < 4 * T * V, 'the bound excludes one copy of the logits');
  });
});
