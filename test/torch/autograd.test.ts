import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { Nd, rng } from './helpers.js';

const r = rng(5);
const F = torch.nn.functional;

/** Compares x.grad of f(x).sum() with central finite differences in float64. */
function checkGrad(name: string, shape: number[], f: (x: torch.Tensor) => torch.Tensor, lo = -1, hi = 1) {
  it(name, () => {
    torch.scope(() => {
      const a = Nd.random(shape, r, lo, hi);
      const x = a.tensor('float64').requiresGrad_();
      f(x).sum().backward();
      const grad = x.grad!.toArray();
      const h = 1e-6;
      for (let i = 0; i < a.data.length; i++) {
        const plus = [...a.data];
        const minus = [...a.data];
        plus[i]! += h;
        minus[i]! -= h;
        const fp = torch.noGrad(() => f(new Nd(shape, plus).tensor('float64')).sum().item());
        const fm = torch.noGrad(() => f(new Nd(shape, minus).tensor('float64')).sum().item());
        const fd = (fp - fm) / (2 * h);
        assert.ok(
          Math.abs(grad[i]! - fd) <= 1e-6 * (1 + Math.abs(fd)),
          `${name} d/dx[${i}]: autograd ${grad[i]}, finite difference ${fd}`,
        );
      }
    });
  });
}

describe('autograd matches finite differences (float64)', () => {
  const w = new Nd(
    [4, 3],
    Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
  );
  checkGrad('tanh(x @ W) * sigmoid(x @ W)', [2, 4], (x) => {
    const h = x.matmul(w.tensor('float64'));
    return h.tanh().mul(h.sigmoid());
  });
  checkGrad('log_softmax + gather (a language-model loss)', [3, 5], (x) => {
    const ids = torch.tensor([[1], [4], [0]], { dtype: 'int64' });
    return x.logSoftmax(-1).gather(1, ids).neg();
  });
  checkGrad('crossEntropy with ignore_index', [4, 6], (x) =>
    F.crossEntropy(x, torch.tensor([1, -100, 5, 2], { dtype: 'int64' })),
  );
  checkGrad('rmsNorm · silu MLP', [2, 6], (x) => {
    const n = F.rmsNorm(x, null, 1e-6);
    return n.silu().mul(n.exp()).sum(-1).sqrt();
  });
  checkGrad('softmax attention (causal sdpa)', [1, 1, 3, 2], (q) =>
    F.scaledDotProductAttention(q, q.mul(0.5), q.square(), { isCausal: true }),
  );
  checkGrad('broadcasting div/pow/where/clamp', [3, 1], (x) => {
    const y = x
      .add(2)
      .pow(1.5)
      .div(torch.tensor([1, 2, 3], { dtype: 'float64' }));
    return torch.where(x.gt(0), y, x.clamp(-0.5, 0.5).mul(3));
  });
  checkGrad('views: transpose, narrow, cat, expand, maskedFill', [3, 4], (x) => {
    const t = x.t().narrow(0, 1, 2);
    const c = torch.cat(
      [
        t,
        x
          .select(0, 0)
          .unsqueeze(0)
          .expand(2, 3 + 1)
          .narrow(1, 0, 3),
      ],
      1,
    );
    return c.maskedFill(c.lt(-0.5), 0).mul(c);
  });
});

describe('autograd API', () => {
  it('explicit gradient, accumulation, detach, noGrad, retainGraph', () => {
    torch.scope(() => {
      const x = torch.tensor([1, 2, 3], { dtype: 'float64' }).requiresGrad_();
      const y = x.mul(x);
      y.backward(torch.tensor([1, 0.5, 0], { dtype: 'float64' }), { retainGraph: true });
      assert.deepEqual(x.grad!.toArray(), [2, 2, 0]);
      y.backward(torch.tensor([1, 1, 1], { dtype: 'float64' }));
      assert.deepEqual(x.grad!.toArray(), [4, 6, 6], 'gradients accumulate');
      x.grad = null;
      assert.equal(x.grad, null);
      assert.equal(x.detach().requiresGrad, false);
      assert.equal(x.isLeaf, true);
      const z = torch.noGrad(() => x.mul(2));
      assert.equal(z.requiresGrad, false);
      assert.equal(torch.isGradEnabled(), true);
      assert.throws(() => x.mul(2).backward(), /grad can be implicitly created only for scalar outputs/);
    });
  });
});

describe('autocast (mixed precision)', () => {
  it('runs matmuls in bfloat16 on float32 parameters, returns float32 gradients, and restores the mode', () => {
    torch.scope(() => {
      const w = torch
        .tensor(Nd.random([8, 16], r).data, { dtype: 'float32' })
        .reshape(8, 16)
        .requiresGrad_();
      const x = torch.tensor(Nd.random([4, 16], r).data, { dtype: 'float32' }).reshape(4, 16);
      const ref = F.linear(x, w);
      assert.equal(torch.isAutocastEnabled('cpu'), false);
      const y = torch.autocast({ device: 'cpu', dtype: 'bfloat16' }, () => {
        assert.equal(torch.isAutocastEnabled('cpu'), true);
        return F.linear(x, w);
      });
      assert.equal(torch.isAutocastEnabled('cpu'), false);
      assert.equal(y.dtype, 'bfloat16');
      assert.equal(w.dtype, 'float32');
      const err = y.float().sub(ref).abs().max().item() / ref.abs().max().item();
      assert.ok(err > 0 && err < 2e-2, `bf16 relative error ${err}`);
      y.float().sum().backward();
      assert.equal(w.grad!.dtype, 'float32');
      // d(sum(x wᵀ))/dw = column sums of x, for every row of w
      const expected = x.sum(0).toArray() as number[];
      const g = w.grad!.toArray() as number[];
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 16; j++)
          assert.ok(Math.abs(g[i * 16 + j]! - expected[j]!) < 0.05 * (1 + Math.abs(expected[j]!)));
    });
  });

  it('is restored after an exception, and enabled: false turns it off inside an enabled region', () => {
    assert.throws(
      () =>
        torch.autocast({ device: 'cpu' }, () => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(torch.isAutocastEnabled('cpu'), false);
    torch.autocast({ device: 'cpu' }, () =>
      torch.autocast({ device: 'cpu', enabled: false }, () => {
        assert.equal(torch.isAutocastEnabled('cpu'), false);
        const y = torch.scope(() => F.linear(torch.ones([2, 3]), torch.ones([4, 3])).dtype);
        assert.equal(y, 'float32');
      }),
    );
    assert.equal(torch.isAutocastEnabled('cpu'), false);
    // a nested region with another dtype hands the outer one its own dtype back
    torch.autocast({ device: 'cpu', dtype: 'bfloat16' }, () => {
      const lin = () => torch.scope(() => F.linear(torch.ones([2, 3]), torch.ones([4, 3])).dtype);
      assert.equal(torch.autocast({ device: 'cpu', dtype: 'float16' }, lin), 'float16');
      assert.equal(lin(), 'bfloat16');
    });
  });
});
