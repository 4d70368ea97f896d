import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { assertClose, Nd, rng } from './helpers.js';

const r = rng(4);
const F = torch.nn.functional;

function refSoftmaxRows(a: Nd): Nd {
  const [n, c] = a.shape as [number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = a.data.slice(i * c, (i + 1) * c);
    const m = Math.max(...row);
    const e = row.map((x) => Math.exp(x - m));
    const z = e.reduce((s, x) => s + x, 0);
    out.push(...e.map((x) => x / z));
  }
  return new Nd([n, c], out);
}

describe('neural-network functions', () => {
  it('softmax and logSoftmax over the last and first dim', () => {
    torch.scope(() => {
      const a = Nd.random([4, 7], r, -3, 3);
      const t = a.tensor('float64');
      assertClose(t.softmax(-1), refSoftmaxRows(a), 1e-12);
      assertClose(t.logSoftmax(1), refSoftmaxRows(a).map(Math.log), 1e-12);
      assertClose(t.t().softmax(0), refSoftmaxRows(a).permute([1, 0]), 1e-12);
      // softmax in float32 with the result upcast: dtype argument
      assert.equal(a.tensor('bfloat16').softmax(-1, 'float32').dtype, 'float32');
    });
  });

  it('embedding picks rows', () => {
    torch.scope(() => {
      const w = Nd.random([10, 3], r);
      const ids = torch.tensor(
        [
          [1, 9],
          [0, 1],
        ],
        { dtype: 'int64' },
      );
      const out = F.embedding(ids, w.tensor('float64'));
      assert.deepEqual(out.shape, [2, 2, 3]);
      assertClose(out.select(0, 0).select(0, 1), new Nd([3], w.data.slice(27, 30)), 0);
    });
  });

  it('crossEntropy with ignoreIndex, every reduction, label smoothing', () => {
    torch.scope(() => {
      const a = Nd.random([5, 6], r, -2, 2);
      const target = [2, 0, -100, 5, 3];
      const lsm = refSoftmaxRows(a).map(Math.log);
      const per = target.map((t, i) => (t === -100 ? 0 : -lsm.get([i, t])));
      const logits = a.tensor('float64');
      const y = torch.tensor(target, { dtype: 'int64' });
      assertClose(F.crossEntropy(logits, y, { reduction: 'none' }), new Nd([5], per), 1e-12);
      const s = per.reduce((x, v) => x + v, 0);
      assert.ok(Math.abs(F.crossEntropy(logits, y, { reduction: 'sum' }).item() - s) < 1e-12);
      assert.ok(Math.abs(F.crossEntropy(logits, y).item() - s / 4) < 1e-12, 'mean over non-ignored targets');
      const y2 = torch.tensor([2, 0, 1, 5, 3], { dtype: 'int64' });
      const eps = 0.1;
      const smoothed = [2, 0, 1, 5, 3].map((t, i) => {
        let rowMean = 0;
        for (let c = 0; c < 6; c++) rowMean += -lsm.get([i, c]) / 6;
        return (1 - eps) * -lsm.get([i, t]) + eps * rowMean;
      });
      const want = smoothed.reduce((x, v) => x + v, 0) / 5;
      assert.ok(Math.abs(F.crossEntropy(logits, y2, { labelSmoothing: eps }).item() - want) < 1e-12);
    });
  });

  it('scaled-dot-product attention equals softmax(QKᵀ/√d + mask)V, causal and GQA', () => {
    torch.scope(() => {
      const [B, H, L, D] = [1, 2, 4, 3];
      const q = Nd.random([B, H, L, D], r);
      const k = Nd.random([B, H, L, D], r);
      const v = Nd.random([B, H, L, D], r);
      const ref = (causal: boolean) =>
        Nd.build([B, H, L, D], ([b, h, i, d]) => {
          const scores: number[] = [];
          for (let j = 0; j < L; j++) {
            let s = 0;
            for (let e = 0; e < D; e++) s += q.get([b!, h!, i!, e]) * k.get([b!, h!, j, e]);
            scores.push(causal && j > i! ? Number.NEGATIVE_INFINITY : s / Math.sqrt(D));
          }
          const m = Math.max(...scores);
          const w = scores.map((s) => Math.exp(s - m));
          const z = w.reduce((x, y) => x + y, 0);
          return w.reduce((acc, wj, j) => acc + (wj / z) * v.get([b!, h!, j, d!]), 0);
        });
      const [tq, tk, tv] = [q.tensor('float64'), k.tensor('float64'), v.tensor('float64')];
      assertClose(F.scaledDotProductAttention(tq, tk, tv), ref(false), 1e-10);
      assertClose(F.scaledDotProductAttention(tq, tk, tv, { isCausal: true }), ref(true), 1e-10);
      const mask = torch.ones([L, L], { dtype: 'bool' }).tril();
      assertClose(F.scaledDotProductAttention(tq, tk, tv, { attnMask: mask }), ref(true), 1e-10);
      // GQA: one kv head shared by two query heads equals repeating it
      const k1 = tk.narrow(1, 0, 1);
      const v1 = tv.narrow(1, 0, 1);
      const gqa = F.scaledDotProductAttention(tq, k1, v1, { enableGqa: true });
      const rep = F.scaledDotProductAttention(tq, k1.expand(B, H, L, D), v1.expand(B, H, L, D));
      assert.ok(gqa.allclose(rep, 1e-10, 1e-12));
    });
  });

  it('rmsNorm and layerNorm', () => {
    torch.scope(() => {
      const a = Nd.random([3, 8], r);
      const w = Nd.random([8], r);
      const eps = 1e-6;
      const ref = Nd.build([3, 8], ([i, j]) => {
        let ms = 0;
        for (let c = 0; c < 8; c++) ms += a.get([i!, c]) ** 2 / 8;
        return (a.get([i!, j!]) / Math.sqrt(ms + eps)) * w.get([j!]);
      });
      assertClose(F.rmsNorm(a.tensor('float64'), w.tensor('float64'), eps), ref, 1e-12);
      const ln = F.layerNorm(a.tensor('float64'), null, null, 1e-5);
      assert.ok(Math.abs(ln.mean(-1).abs().max().item()) < 1e-12);
    });
  });
});
