import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { assertClose, Nd, rng } from './helpers.js';

const r = rng(3);

/** Reduce Nd over one dim with f over the slice. */
function reduceDim(a: Nd, dim: number, f: (xs: number[]) => number, keep = false): Nd {
  const shape = a.shape.filter((_, i) => i !== dim);
  const out = Nd.build(shape, (idx) => {
    const xs: number[] = [];
    for (let k = 0; k < a.shape[dim]!; k++) {
      const full = [...idx];
      full.splice(dim, 0, k);
      xs.push(a.get(full));
    }
    return f(xs);
  });
  if (!keep) return out;
  const ks = [...a.shape];
  ks[dim] = 1;
  return new Nd(ks, out.data);
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const variance = (xs: number[]) => sum(xs.map((x) => (x - mean(xs)) ** 2)) / (xs.length - 1);

describe('reductions', () => {
  const a = Nd.random([3, 4, 5], r);
  for (const dim of [0, 1, 2]) {
    it(`sum/mean/amax/amin/prod/logsumexp/std/var over dim ${dim}`, () => {
      torch.scope(() => {
        const t = a.tensor('float64');
        assertClose(t.sum(dim), reduceDim(a, dim, sum), 1e-12);
        assertClose(t.sum(dim, true), reduceDim(a, dim, sum, true), 1e-12);
        assertClose(t.mean(dim), reduceDim(a, dim, mean), 1e-12);
        assertClose(
          t.amax(dim),
          reduceDim(a, dim, (xs) => Math.max(...xs)),
          0,
        );
        assertClose(
          t.amin(dim),
          reduceDim(a, dim, (xs) => Math.min(...xs)),
          0,
        );
        assertClose(
          t.prod(dim),
          reduceDim(a, dim, (xs) => xs.reduce((p, x) => p * x, 1)),
          1e-12,
        );
        assertClose(
          t.logsumexp(dim),
          reduceDim(a, dim, (xs) => Math.log(sum(xs.map(Math.exp)))),
          1e-12,
        );
        assertClose(t.var(dim), reduceDim(a, dim, variance), 1e-12);
        assertClose(
          t.std(dim),
          reduceDim(a, dim, (xs) => Math.sqrt(variance(xs))),
          1e-12,
        );
        const { values, indices } = t.max(dim);
        assertClose(
          values,
          reduceDim(a, dim, (xs) => Math.max(...xs)),
          0,
        );
        assertClose(
          indices,
          reduceDim(a, dim, (xs) => xs.indexOf(Math.max(...xs))),
          0,
        );
        assertClose(
          t.argmin(dim),
          reduceDim(a, dim, (xs) => xs.indexOf(Math.min(...xs))),
          0,
        );
      });
    });
  }

  it('whole-tensor reductions, several dims, keepdim', () => {
    torch.scope(() => {
      const t = a.tensor('float64');
      assert.ok(Math.abs(t.sum().item() - sum(a.data)) < 1e-12);
      assert.ok(Math.abs(t.mean().item() - mean(a.data)) < 1e-12);
      assert.equal(t.max().item(), Math.max(...a.data));
      assert.equal(t.argmax().item(), a.data.indexOf(Math.max(...a.data)));
      assert.deepEqual(t.sum([0, 2]).shape, [4]);
      assert.deepEqual(t.mean([0, 2], true).shape, [1, 4, 1]);
      const s02 = reduceDim(reduceDim(a, 2, sum), 0, sum);
      assertClose(t.sum([0, 2]), s02, 1e-12);
      assert.ok(Math.abs(t.norm().item() - Math.sqrt(sum(a.data.map((x) => x * x)))) < 1e-12);
      assert.equal(torch.tensor([true, false]).any().item(), true);
      assert.equal(torch.tensor([true, false]).all().item(), false);
    });
  });

  it('cumsum, topk, stable sort', () => {
    torch.scope(() => {
      const x = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6], { dtype: 'float64' });
      assert.deepEqual(x.cumsum(0).toArray(), [3, 4, 8, 9, 14, 23, 25, 31]);
      const { values, indices } = x.topk(3);
      assert.deepEqual(values.toArray(), [9, 6, 5]);
      assert.deepEqual(indices.toArray(), [5, 7, 4]);
      assert.deepEqual(x.topk(2, -1, false).values.toArray(), [1, 1]);
      const s = x.sort();
      assert.deepEqual(s.values.toArray(), [1, 1, 2, 3, 4, 5, 6, 9]);
      assert.deepEqual(s.indices.toArray(), [1, 3, 6, 0, 2, 4, 7, 5]); // stable: the two 1s keep their order
      assert.deepEqual(x.sort(0, true).values.toArray(), [9, 6, 5, 4, 3, 2, 1, 1]);
    });
  });

  it('multinomial draws follow the probabilities and respect zeros', () => {
    torch.scope(() => {
      const g = new torch.Generator(11);
      const p = torch.tensor([[0.1, 0.0, 0.6, 0.3]]).expand(2000, 4);
      const draws = p.multinomial(1, false, g).flatten().toArray();
      const counts = [0, 0, 0, 0];
      for (const d of draws) counts[d]!++;
      assert.equal(counts[1], 0);
      assert.ok(Math.abs(counts[2]! / 2000 - 0.6) < 0.04, `counts ${counts}`);
      assert.ok(Math.abs(counts[0]! / 2000 - 0.1) < 0.03, `counts ${counts}`);
    });
  });
});
