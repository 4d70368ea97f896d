// The same code on CUDA: runs only where libtorch sees a GPU (scripts/gpu-check.sh on the GPU
// machines); elsewhere every test is skipped with the reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { initModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';

const cuda = torch.cuda.isAvailable();
const skip = cuda ? false : 'no CUDA device (run scripts/gpu-check.sh on a GPU machine)';
const raw = tinyQwen2({ hidden_size: 128, intermediate_size: 256, initializer_range: 0.1 });

describe('CUDA', { skip }, () => {
  it('fp32 logits on CUDA match the CPU within 1e-4; bf16 within bf16 tolerance', () => {
    const cpu = initModel(raw, { seed: 1 });
    const gpu = initModel(raw, { seed: 1, device: 'cuda' });
    const bf = initModel(raw, { seed: 1, device: 'cuda', dtype: 'bfloat16' });
    torch.noGrad(() =>
      torch.scope(() => {
        const ids = torch.randint(0, 320, [3, 40], { generator: new torch.Generator(2) });
        const a = cpu.forward(ids);
        const b = gpu.forward(ids.to({ device: 'cuda' })).cpu();
        const c = bf
          .forward(ids.to({ device: 'cuda' }))
          .float()
          .cpu();
        const err = a.sub(b).abs().max().item() / a.abs().max().item();
        assert.ok(err < 1e-4, `fp32 relative error ${err}`);
        const errBf = a.sub(c).abs().max().item() / a.abs().max().item();
        assert.ok(errBf < 5e-2, `bf16 relative error ${errBf}`);
      }),
    );
  });

  it('KV-cache generation on the GPU equals the CPU greedily and samples with CUDA generators', () => {
    const tok = byteLevelTokenizer();
    const cpu = initModel(raw, { seed: 3 });
    const gpu = initModel(raw, { seed: 3, device: 'cuda' });
    const g = generate(gpu, tok, ['Zoey said that', 'a'], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
    const c = generate(cpu, tok, ['Zoey said that', 'a'], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
    assert.deepEqual(
      g.map((x) => x[0]!.tokenIds),
      c.map((x) => x[0]!.tokenIds),
    );
    const s1 = generate(gpu, tok, ['x'], { maxNewTokens: 16, temperature: 1, n: 4, seed: 5, eosTokenIds: [] });
    const s2 = generate(gpu, tok, ['x'], { maxNewTokens: 16, temperature: 1, n: 4, seed: 5, eosTokenIds: [] });
    assert.deepEqual(
      s1[0]!.map((x) => x.tokenIds),
      s2[0]!.map((x) => x.tokenIds),
    );
  });

  it('shared-prefix attention on the GPU (plain ops) equals the prompt copied into every row', () => {
    const tok = byteLevelTokenizer();
    const gpu = initModel(raw, { seed: 3, device: 'cuda' });
    const prompts = ['Once upon a time there was a knight', 'a'];
    const o = { maxNewTokens: 16, temperature: 1, n: 3, seed: 9, eosTokenIds: [] as number[] };
    const shared = generate(gpu, tok, prompts, { ...o, sharedPrefix: true });
    const plain = generate(gpu, tok, prompts, { ...o, sharedPrefix: false });
    shared.forEach((row, p) =>
      row.forEach((c, k) => {
        assert.deepEqual(c.tokenIds, plain[p]![k]!.tokenIds, `prompt ${p} sample ${k}`);
        c.logprobs.forEach((l, j) => assert.ok(Math.abs(l - plain[p]![k]!.logprobs[j]!) < 1e-3));
      }),
    );
  });

  /** 20 AdamW steps on one fixed batch; returns the losses and the logits' dtype. */
  function fit(m: ReturnType<typeof initModel>, amp: boolean) {
    const opt = new torch.optim.AdamW(m.parameters(), { lr: 3e-3, weightDecay: 0 });
    const ids = torch.keep(
      torch.randint(0, 320, [4, 33], { device: 'cuda', generator: new torch.Generator(6, 'cuda') }),
    );
    const losses: number[] = [];
    let logitsDtype = '';
    for (let i = 0; i < 20; i++)
      torch.scope(() => {
        const logits = torch.autocast({ device: 'cuda', enabled: amp }, () => m.forward(ids.narrow(1, 0, 32)));
        logitsDtype = logits.dtype;
        const loss = torch.nn.functional.crossEntropy(
          logits.reshape(-1, 320).float(),
          ids.narrow(1, 1, 32).reshape(-1),
        );
        opt.zeroGrad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      });
    ids.dispose();
    assert.ok(losses[19]! < losses[0]! - 0.5, `loss ${losses[0]} → ${losses[19]}`);
    return { losses, logitsDtype };
  }

  it('a bf16 training step on the GPU lowers the loss', () => {
    fit(initModel(raw, { seed: 4, device: 'cuda', dtype: 'bfloat16' }), false);
  });

  it('a mixed-precision step (float32 parameters, bf16 autocast) lowers the loss and keeps float32 state', () => {
    const m = initModel(raw, { seed: 4, device: 'cuda' });
    assert.equal(fit(m, true).logitsDtype, 'bfloat16');
    assert.ok(m.parameters().every((p) => p.dtype === 'float32'));
  });
});
