// Gradient checkpointing and the chunked LM-head loss change what is held for backward, never the
// maths: same loss and parameter gradients as the plain path (float64), whatever the chunk size,
// for SFT and for every GRPO loss type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initModel, LoraAdapter } from '../../src/model/index.js';
import { type MemorySettings, tokenLogprobs } from '../../src/model/logprobs.js';
import * as torch from '../../src/torch/index.js';
import { grpoSliceBackward, rolloutLogprobs, type UpdateRow } from '../../src/train/grpo-batch.js';
import type { LossSettings, LossType } from '../../src/train/grpo-loss.js';
import { sftBackward, sftLossSum } from '../../src/train/sft.js';
import type { SftExample } from '../../src/train/sft-data.js';
import { tinyQwen2 } from '../tiny-model.js';

const rows: SftExample[] = [
  { ids: [5, 17, 42, 9, 88, 3, 61, 7, 200, 11], loss: [0, 0, 0, 1, 1, 1, 1, 1, 1, 1], source: 'a' },
  { ids: [12, 4, 99, 150, 8, 31], loss: [0, 0, 1, 1, 1, 1], source: 'b' },
];

function gradients(model: ReturnType<typeof initModel>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [name, p] of model.trainableParams()) {
    const g = p.grad;
    out.set(name, g ? g.toArray() : []);
    g?.dispose();
    p.grad = null;
  }
  return out;
}

function assertClose(a: Map<string, number[]>, b: Map<string, number[]>, what: string) {
  for (const [name, ga] of a) {
    const gb = b.get(name)!;
    assert.equal(gb.length, ga.length, `${what}: ${name} gradient missing`);
    for (let i = 0; i < ga.length; i++)
      assert.ok(Math.abs(ga[i]! - gb[i]!) <= 1e-10, `${what}: ${name}[${i}] ${ga[i]} vs ${gb[i]}`);
  }
}

describe('gradient checkpointing and the chunked loss (SFT)', () => {
  it('give the plain path loss and parameter gradients (float64, 1e-10) for every chunk size', () => {
    const model = initModel(tinyQwen2({ num_hidden_layers: 3 }), { seed: 3, dtype: 'float64' });
    for (const p of model.parameters()) p.requiresGrad_(true);
    const tokens = 13;
    const plain = torch.scope(() => {
      const loss = sftLossSum(model, rows, 0).div(tokens);
      loss.backward();
      return loss.item();
    });
    const ref = gradients(model);
    const variants = [
      { gradient_checkpointing: true, chunked_loss: false, loss_chunk_size: null },
      { gradient_checkpointing: false, chunked_loss: true, loss_chunk_size: 1 },
      { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: 1 },
      { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: 4 },
      { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: null },
    ];
    for (const v of variants) {
      const what = JSON.stringify(v);
      const loss = sftBackward(model, rows, 0, tokens, v);
      assert.ok(Math.abs(loss - plain) <= 1e-10, `${what}: loss ${loss} vs ${plain}`);
      assertClose(ref, gradients(model), what);
    }
  });
});

// Prompts of different lengths (left padding: an attention mask), completions of different lengths,
// one masked out (keep 0, as mask_truncated_completions does), mixed-sign advantages.
const rollouts: UpdateRow[] = [
  { promptIds: [5, 17, 42], completion: { tokenIds: [9, 88, 3, 61, 7] }, keep: 1, advantage: 0.8 },
  { promptIds: [12, 4, 99, 150, 8], completion: { tokenIds: [31, 2] }, keep: 1, advantage: -1.1 },
  { promptIds: [7, 77], completion: { tokenIds: [100, 101, 102, 103, 104, 105] }, keep: 0, advantage: 0.4 },
  { promptIds: [64, 65, 66, 67], completion: { tokenIds: [200, 13, 14] }, keep: 1, advantage: 0.3 },
];

describe('gradient checkpointing and the chunked loss (GRPO update)', () => {
  const plainMemory = { gradient_checkpointing: false, chunked_loss: false, loss_chunk_size: null };
  const variants = [
    { gradient_checkpointing: true, chunked_loss: false, loss_chunk_size: null },
    { gradient_checkpointing: false, chunked_loss: true, loss_chunk_size: 1 },
    { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: 1 },
    { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: 4 },
    { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: null },
  ];
  for (const lossType of ['grpo', 'bnpo', 'dapo', 'dr_grpo'] as LossType[])
    it(`${lossType}: the plain path's loss, metrics and parameter gradients (float64, 1e-10) for every chunk size`, () => {
      const model = initModel(tinyQwen2({ num_hidden_layers: 3 }), { seed: 5, dtype: 'float64' });
      for (const p of model.parameters()) p.requiresGrad_(true);
      // π_old and π_ref away from π_θ, so ratios clip on both sides and the KL term is live.
      const { old, ref } = torch.noGrad(() =>
        torch.scope(() => {
          const lp = rolloutLogprobs(model, rollouts, 0.9, 0, false).logprobs;
          const wave = torch.arange(0, lp.numel(), 1, { dtype: 'float64' }).reshape(lp.shape).mul(1.7).sin();
          return torch.keep({ old: lp.add(wave.mul(0.4)), ref: lp.sub(wave.mul(0.3).cos()) });
        }),
      );
      const settings: LossSettings = {
        lossType,
        epsilonLow: 0.2,
        epsilonHigh: 0.28,
        beta: 0.05,
        stepTokens: 23,
        microBatches: 3,
        maxCompletionLength: 8,
      };
      const slice = (memory: MemorySettings) =>
        grpoSliceBackward(model, rollouts, { pad: 0, temperature: 0.9, entropy: true, old, ref, settings, memory });
      const plain = slice(plainMemory);
      const refGrads = gradients(model);
      assert.ok(plain.clippedLow + plain.clippedHigh > 0, 'some ratios clip');
      assert.equal(plain.tokens, 10);
      for (const v of variants) {
        const what = `${lossType} ${JSON.stringify(v)}`;
        const got = slice(v);
        for (const k of ['loss', 'klSum', 'entropySum'] as const)
          assert.ok(Math.abs(got[k] - plain[k]) <= 1e-10, `${what}: ${k} ${got[k]} vs ${plain[k]}`);
        for (const k of ['clippedLow', 'clippedHigh', 'tokens'] as const)
          assert.equal(got[k], plain[k], `${what}: ${k}`);
        assertClose(refGrads, gradients(model), what);
      }
      old.dispose();
      ref.dispose();
    });
});

/** A float64 model with frozen base weights and a LoRA adapter whose B is non-zero (so it changes outputs). */
function frozenLoraModel(o: { layers: number; seed: number; dropout: number; adapterSeed: number; bSeed: number }) {
  const model = initModel(tinyQwen2({ num_hidden_layers: o.layers }), { seed: o.seed, dtype: 'float64' });
  for (const p of model.params.values()) p.requiresGrad_(false);
  model.adapter = LoraAdapter.init(
    model.config,
    { r: 4, lora_alpha: 8, lora_dropout: o.dropout, target_modules: 'all-linear', use_rslora: false },
    { seed: o.adapterSeed },
  );
  torch.noGrad(() => {
    for (const [k, p] of model.adapter!.params)
      if (k.includes('lora_B')) p.normal_(0, 0.2, new torch.Generator(o.bSeed));
  });
  return model;
}

describe('gradient checkpointing with LoRA dropout', () => {
  it('the recomputed layers drop what their forward dropped: same loss and adapter gradients as without checkpointing', () => {
    // B ≠ 0, so the dropped adapter inputs change the loss.
    const model = frozenLoraModel({ layers: 3, seed: 3, dropout: 0.3, adapterSeed: 1, bSeed: 7 });
    const run = (gradient_checkpointing: boolean) => {
      torch.manualSeed(11);
      const loss = sftBackward(model, rows, 0, 13, { gradient_checkpointing, chunked_loss: true, loss_chunk_size: 3 });
      return { loss, grads: gradients(model) };
    };
    const plain = run(false);
    const ckpt = run(true);
    assert.ok(Math.abs(ckpt.loss - plain.loss) <= 1e-10, `loss ${ckpt.loss} vs ${plain.loss}`);
    assertClose(plain.grads, ckpt.grads, 'checkpointed LoRA with dropout');
    torch.manualSeed(12);
    const other = sftBackward(model, rows, 0, 13, {
      gradient_checkpointing: true,
      chunked_loss: false,
      loss_chunk_size: null,
    });
    gradients(model);
    assert.notEqual(other, plain.loss, 'another seed drops other inputs');
  });
});

describe('tokenLogprobs under autograd with a frozen head (LoRA)', () => {
  it('the saved-logits path’s log-probs, entropy and adapter gradients (float64, 1e-10), any chunk size', () => {
    const model = frozenLoraModel({ layers: 2, seed: 8, dropout: 0, adapterSeed: 2, bSeed: 3 });
    const ids = torch.tensor([rows[0]!.ids.slice(0, 9), rows[0]!.ids.slice(1, 10)], { dtype: 'int64' });
    const targets = torch.tensor([rows[0]!.ids.slice(1, 10), rows[0]!.ids.slice(0, 9)], { dtype: 'int64' });
    const weights = torch.arange(0, 18, 1, { dtype: 'float64' }).reshape([2, 9]).mul(0.37).cos();
    // Reference: the logits themselves under autograd, log-softmax, gather.
    const ref = torch.scope(() => {
      const logits = model.logits(model.hidden(ids)).div(0.7);
      const lsm = logits.logSoftmax(-1);
      const lp = lsm.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
      const ent = torch.noGrad(() => lsm.exp().mul(lsm).sum(-1).neg());
      lp.mul(weights).sum().backward();
      return { lp: lp.detach().toArray(), ent: ent.toArray() };
    });
    const refGrads = gradients(model);
    for (const chunk of [1, 4, 9]) {
      const got = torch.scope(() => {
        const out = tokenLogprobs(model, model.hidden(ids), targets, { chunk, temperature: 0.7, entropy: true });
        out.logprobs.mul(weights).sum().backward();
        return { lp: out.logprobs.detach().toArray(), ent: out.entropy!.toArray() };
      });
      got.lp.forEach((x, i) => assert.ok(Math.abs(x - ref.lp[i]!) <= 1e-10, `chunk ${chunk}: logprob ${i}`));
      got.ent.forEach((x, i) => assert.ok(Math.abs(x - ref.ent[i]!) <= 1e-10, `chunk ${chunk}: entropy ${i}`));
      assertClose(refGrads, gradients(model), `frozen head, chunk ${chunk}`);
    }
  });
});
