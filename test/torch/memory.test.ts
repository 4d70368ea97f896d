import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';

describe('memory', () => {
  it('scope disposes what it created and hands back what it returns', () => {
    const before = torch.liveTensors();
    let inner!: torch.Tensor;
    const out = torch.scope(() => {
      const a = torch.ones([3]);
      inner = a.mul(2);
      const kept = torch.keep(a.add(1));
      const nested = torch.scope(() => ({ x: a.add(5), list: [a.add(6)] }));
      return { sum: inner.add(nested.x).add(nested.list[0]!), kept };
    });
    assert.equal(inner.disposed, true);
    assert.deepEqual(out.sum.toArray(), [15, 15, 15]);
    assert.equal(out.kept.disposed, false);
    out.sum.dispose();
    out.kept.dispose();
    assert.equal(torch.liveTensors(), before);
  });

  it('a thrown error still disposes the scope', () => {
    const before = torch.liveTensors();
    assert.throws(() =>
      torch.scope(() => {
        torch.ones([2]);
        throw new Error('boom');
      }),
    );
    assert.equal(torch.liveTensors(), before);
  });

  it('10,000 iterations of small ops in scopes do not grow resident memory', () => {
    const w = torch.randn([64, 64]).requiresGrad_();
    const step = () =>
      torch.scope(() => {
        const x = torch.randn([8, 64]);
        const y = x.matmul(w).relu().softmax(-1).sum();
        y.backward();
        w.grad = null;
        return y.item();
      });
    for (let i = 0; i < 2000; i++) step();
    global.gc?.();
    const live0 = torch.liveTensors();
    const rss0 = process.memoryUsage().rss;
    for (let i = 0; i < 10_000; i++) step();
    global.gc?.();
    const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
    assert.equal(torch.liveTensors(), live0, 'no native tensor outlives its scope');
    assert.ok(grown < 32, `resident memory grew by ${grown.toFixed(1)} MiB over 10,000 iterations`);
    w.dispose();
  });
});
