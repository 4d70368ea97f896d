// Gradient checkpointing and the chunked LM-head loss change what is held for backward, never the
// maths: same loss and parameter gradients as the plain path (float64), whatever the chunk size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initModel } from '../../src/model/index.js';
import * as torch from '../../src/torch/index.js';
import { sftBackward, sftLossSum } from '../../src/train/sft.js';
import type { SftExample } from '../../src/train/sft-data.js';
import { tinyQwen2 } from '../tiny-model.js';

const rows: SftExample[] = [
  { ids: [5, 17, 42, 9, 88, 3, 61, 7, 200, 11], loss: [0, 0, 0, 1, 1, 1, 1, 1, 1, 1], source: 'a' },
  { ids: [12, 4, 99, 150, 8, 31], loss: [0, 0, 1, 1, 1, 1], source: 'b' },
];

function gradients(model: ReturnType<typeof initModel>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [name, p] of model.params) {
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
