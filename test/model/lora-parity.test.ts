// LoRA adapters against peft on transformers: kindling's adapter folders load in peft with the same
// logits, peft's load in kindling with the same logits, merging changes nothing, and one SFT batch
// gives peft's loss and A/B gradients. `kindling model merge` writes a plain HF folder with the
// adapter's logits, in kindling and in transformers.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type CausalLM,
  initModel,
  LoraAdapter,
  loadModel,
  type PackedWeights,
  saveAdapter,
  saveModel,
} from '../../src/model/index.js';
import * as torch from '../../src/torch/index.js';
import { sftLossSum } from '../../src/train/sft.js';
import { kindling, kindlingOk } from '../cli/run.js';
import { runPeer } from '../peers.js';
import { tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-lora-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SEQS = [
  [1, 5, 9, 300, 17, 2, 2, 42],
  [7, 3, 11],
];
const BATCH = {
  ids: [
    [4, 8, 15, 16, 23, 42, 7],
    [9, 1, 300, 2],
  ],
  loss: [
    [0, 0, 0, 1, 1, 1, 1],
    [0, 0, 1, 1],
  ],
};
const BASE = join(tmp, 'base');
const OURS = join(tmp, 'kindling-adapter');
const PEFT = join(tmp, 'peft-adapter');
const MERGED = join(tmp, 'merged');
const TARGETS = ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj'];

/** The base with a kindling adapter whose B is random too (a fresh B = 0 would hide a wrong A or scale). */
function withOurAdapter(): CausalLM {
  const m = loadModel(BASE);
  for (const t of m.params.values()) t.requiresGrad_(false);
  m.adapter = LoraAdapter.init(
    m.config,
    { r: 4, lora_alpha: 12, lora_dropout: 0, target_modules: TARGETS, use_rslora: false },
    { seed: 1 },
  );
  torch.noGrad(() => {
    const g = new torch.Generator(2);
    for (const [n, p] of m.adapter!.params)
      if (n.includes('lora_B')) p.copy_(torch.randn(p.shape, { generator: g }).mul(0.1));
  });
  return m;
}

function logitsOf(m: CausalLM, packed?: PackedWeights): number[][][] {
  return torch.noGrad(() =>
    SEQS.map((s) =>
      torch.scope(
        () =>
          m
            .forward(torch.tensor([s], { dtype: 'int64' }), packed ? { packed } : {})
            .select(0, 0)
            .tolist() as number[][],
      ),
    ),
  );
}

function assertClose(ours: number[][][], theirs: number[][][], tol: number, what: string) {
  assert.equal(ours.length, theirs.length, what);
  for (let s = 0; s < ours.length; s++)
    for (let t = 0; t < ours[s]!.length; t++)
      for (let v = 0; v < ours[s]![t]!.length; v++) {
        const a = ours[s]![t]![v]!;
        const b = theirs[s]![t]![v]!;
        assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: seq ${s} pos ${t} id ${v}: ${a} vs ${b}`);
      }
}

describe('LoRA adapters match peft', () => {
  const peer: Record<string, unknown>[] = [];
  let ourLogits: number[][][];
  before(() => {
    const base = initModel(tinyQwen2({ tie_word_embeddings: false }), { seed: 3 });
    torch.noGrad(() => {
      const g = new torch.Generator(9);
      for (const [n, p] of base.params)
        if (n.endsWith('.bias')) p.add_(torch.randn(p.shape, { generator: g }).mul(0.05));
    });
    saveModel(base, BASE);
    const m = withOurAdapter();
    ourLogits = logitsOf(m);
    saveAdapter(m, OURS, { baseModel: BASE });
    kindlingOk(['model', 'merge', '--adapter', OURS, '--out', MERGED]);
    const jobs = [
      { create: PEFT, base: BASE, r: 8, alpha: 16, targets: 'all-linear', seed: 4 },
      { logits: OURS, base: BASE, seqs: SEQS },
      { logits: PEFT, base: BASE, seqs: SEQS },
      { grad: OURS, base: BASE, ...BATCH },
      { hf: MERGED, seqs: SEQS },
    ];
    peer.push(...(JSON.parse(runPeer('peft_lora.py', [], JSON.stringify(jobs))) as Record<string, unknown>[]));
  });

  it("kindling's adapter folder loads in peft with kindling's logits (1e-4)", () => {
    assertClose(ourLogits, (peer[1] as { logits: number[][][] }).logits, 1e-4, 'kindling adapter in peft');
  });

  it("a peft-written adapter loads in kindling with peft's logits, unmerged and merged", () => {
    const theirs = (peer[2] as { logits: number[][][] }).logits;
    const unmerged = loadModel(PEFT, { adapter: 'train' });
    assert.equal(unmerged.adapter?.modules.length, 2 * 7, 'all-linear on 2 layers');
    assertClose(logitsOf(unmerged), theirs, 1e-4, 'peft adapter in kindling (unmerged)');
    assertClose(logitsOf(loadModel(PEFT)), theirs, 1e-4, 'peft adapter in kindling (merged on load)');
  });

  it('merged, unmerged and prepacked-merged forwards agree', () => {
    const m = withOurAdapter();
    const unmerged = logitsOf(m);
    const pw = m.packWeights(2);
    const packed = logitsOf(m, pw ?? undefined);
    pw?.dispose();
    m.mergeAdapter();
    const merged = logitsOf(m);
    m.unmergeAdapter();
    assertClose(merged, unmerged, 1e-5, 'merged vs unmerged');
    assertClose(packed, unmerged, 1e-5, 'packed (merged copies) vs unmerged');
    assertClose(logitsOf(m), unmerged, 1e-6, 'after unmerge');
  });

  it("one SFT batch: loss and every lora_A/lora_B gradient equal peft's (1e-5 relative)", () => {
    const m = withOurAdapter();
    const rows = BATCH.ids.map((ids, i) => ({ ids, loss: BATCH.loss[i]!, source: '' }));
    const tokens = BATCH.loss.reduce((n, r) => n + r.slice(1).reduce((a, b) => a + b, 0), 0);
    const want = peer[3] as { loss: number; grads: Record<string, number[]> };
    const loss = torch.scope(() => {
      const l = sftLossSum(m, rows, 0).div(tokens);
      l.backward();
      return l.item();
    });
    assert.ok(Math.abs(loss - want.loss) <= 1e-5 * Math.abs(want.loss), `loss ${loss} vs peft ${want.loss}`);
    assert.deepEqual(Object.keys(want.grads).sort(), [...m.adapter!.params.keys()].sort());
    for (const p of m.params.values()) assert.equal(p.grad, null, 'the base gets no gradient');
    for (const [key, p] of m.adapter!.params) {
      const g = p.grad!.flatten().tolist() as number[];
      const ref = want.grads[key]!;
      const scale = Math.max(...ref.map(Math.abs));
      assert.ok(scale > 0, `${key}: peft's gradient is zero`);
      for (let i = 0; i < g.length; i++)
        assert.ok(Math.abs(g[i]! - ref[i]!) <= 1e-5 * scale, `${key}[${i}]: ${g[i]} vs peft ${ref[i]}`);
    }
  });

  it("kindling model merge: a plain HF folder with the adapter's logits, in kindling (1e-5) and transformers (1e-4)", () => {
    assert.ok(!existsSync(join(MERGED, 'adapter_config.json')) && existsSync(join(MERGED, 'model.safetensors')));
    assertClose(logitsOf(loadModel(MERGED)), ourLogits, 1e-5, 'merged folder in kindling');
    assertClose((peer[4] as { logits: number[][][] }).logits, ourLogits, 1e-4, 'merged folder in transformers');
    assert.equal(JSON.parse(readFileSync(join(MERGED, 'config.json'), 'utf8')).torch_dtype, 'float32');
    const again = kindling(['model', 'merge', '--adapter', OURS, '--out', MERGED]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already holds a model.*--force/);
    const notAdapter = kindling(['model', 'merge', '--adapter', BASE, '--out', join(tmp, 'x')]);
    assert.match(notAdapter.stderr, /is not a PEFT adapter folder/);
  });
});
