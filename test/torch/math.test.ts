import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { assertClose, broadcastBinary, Nd, refMatmul, rng } from './helpers.js';

const r = rng(2);
const F = torch.nn.functional;

describe('elementwise math with broadcasting', () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [4]],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [[5], [1]],
    [
      [2, 3, 1],
      [1, 1, 6],
    ],
  ];
  const ops: [string, (a: torch.Tensor, b: torch.Tensor) => torch.Tensor, (x: number, y: number) => number][] = [
    ['add', (a, b) => a.add(b), (x, y) => x + y],
    ['add alpha', (a, b) => a.add(b, 2.5), (x, y) => x + 2.5 * y],
    ['sub', (a, b) => a.sub(b), (x, y) => x - y],
    ['mul', (a, b) => a.mul(b), (x, y) => x * y],
    ['div', (a, b) => a.div(b), (x, y) => x / y],
    ['maximum', (a, b) => a.maximum(b), Math.max],
    ['minimum', (a, b) => a.minimum(b), Math.min],
    ['pow', (a, b) => a.abs().pow(b), (x, y) => Math.abs(x) ** y],
    ['gt', (a, b) => a.gt(b).float(), (x, y) => Number(x > y)],
    ['le', (a, b) => a.le(b).float(), (x, y) => Number(x <= y)],
    // floor() makes equal elements likely (⌊2a⌋ ∈ {−2…1}, ⌊b⌋ ∈ {0, 1}): eq and ne see both outcomes,
    // and a comparison that is not equality (≥, ≤) gives other answers
    ['eq', (a, b) => a.mul(2).floor().eq(b.floor()).float(), (x, y) => Number(Math.floor(2 * x) === Math.floor(y))],
    ['ne', (a, b) => a.mul(2).floor().ne(b.floor()).float(), (x, y) => Number(Math.floor(2 * x) !== Math.floor(y))],
  ];
  for (const [sa, sb] of shapes) {
    for (const [name, op, ref] of ops) {
      it(`${name} [${sa}] ∘ [${sb}]`, () => {
        torch.scope(() => {
          const a = Nd.random(sa, r);
          const b = Nd.random(sb, r, 0.5, 2);
          assertClose(op(a.tensor('float64'), b.tensor('float64')), broadcastBinary(a, b, ref), 1e-12);
        });
      });
    }
  }

  it('eq and ne on known equal and unequal elements, and against a scalar', () => {
    torch.scope(() => {
      const a = torch.tensor([1, 2, 3, -0, Number.NaN]);
      const b = torch.tensor([1, 0, 3, 0, Number.NaN]);
      assert.deepEqual(a.eq(b).float().toArray(), [1, 0, 1, 1, 0], 'NaN equals nothing; −0 equals 0');
      assert.deepEqual(a.ne(b).float().toArray(), [0, 1, 0, 0, 1]);
      assert.deepEqual(a.eq(3).float().toArray(), [0, 0, 1, 0, 0]);
    });
  });

  it('scalar operands on either side', () => {
    torch.scope(() => {
      const a = Nd.random([3, 2], r, 0.1, 2);
      const t = a.tensor('float64');
      assertClose(
        t.add(1.5),
        a.map((x) => x + 1.5),
        1e-12,
      );
      assertClose(
        t.mul(-2),
        a.map((x) => -2 * x),
        1e-12,
      );
      assertClose(
        t.pow(2),
        a.map((x) => x * x),
        1e-12,
      );
      assertClose(
        t.rsub(1),
        a.map((x) => 1 - x),
        1e-12,
      );
      assertClose(
        t.rdiv(3),
        a.map((x) => 3 / x),
        1e-12,
      );
      assertClose(
        t.sub(1, 2),
        a.map((x) => x - 2),
        1e-12,
      );
    });
  });

  const unary: [string, (t: torch.Tensor) => torch.Tensor, (x: number) => number, [number, number]][] = [
    ['neg', (t) => t.neg(), (x) => -x, [-2, 2]],
    ['abs', (t) => t.abs(), Math.abs, [-2, 2]],
    ['exp', (t) => t.exp(), Math.exp, [-2, 2]],
    ['log', (t) => t.log(), Math.log, [0.1, 3]],
    ['sqrt', (t) => t.sqrt(), Math.sqrt, [0.1, 3]],
    ['rsqrt', (t) => t.rsqrt(), (x) => 1 / Math.sqrt(x), [0.1, 3]],
    ['tanh', (t) => t.tanh(), Math.tanh, [-3, 3]],
    ['sigmoid', (t) => t.sigmoid(), (x) => 1 / (1 + Math.exp(-x)), [-5, 5]],
    ['silu', (t) => t.silu(), (x) => x / (1 + Math.exp(-x)), [-5, 5]],
    ['relu', (t) => t.relu(), (x) => Math.max(0, x), [-2, 2]],
    ['square', (t) => t.square(), (x) => x * x, [-2, 2]],
    ['clamp', (t) => t.clamp(-0.5, 0.25), (x) => Math.min(0.25, Math.max(-0.5, x)), [-2, 2]],
    ['clamp min', (t) => t.clamp(0), (x) => Math.max(0, x), [-2, 2]],
  ];
  for (const [name, op, ref, [lo, hi]] of unary) {
    it(`${name} on a non-contiguous view`, () => {
      torch.scope(() => {
        const a = Nd.random([3, 5], r, lo, hi);
        assertClose(op(a.tensor('float64').t()), a.permute([1, 0]).map(ref), 1e-12);
      });
    });
  }

  it('logical ops on bool tensors', () => {
    torch.scope(() => {
      const a = torch.tensor([true, true, false, false]);
      const b = torch.tensor([true, false, true, false]);
      assert.deepEqual(a.logicalAnd(b).toArray(), [1, 0, 0, 0]);
      assert.deepEqual(a.logicalOr(b).toArray(), [1, 1, 1, 0]);
      assert.deepEqual(a.logicalXor(b).toArray(), [0, 1, 1, 0]);
      assert.deepEqual(a.logicalNot().toArray(), [0, 0, 1, 1]);
      assert.deepEqual(torch.tensor([1, Number.NaN, Number.POSITIVE_INFINITY]).isfinite().toArray(), [1, 0, 0]);
    });
  });
});

describe('matmul family', () => {
  for (const [m, k, n] of [
    [1, 1, 1],
    [3, 5, 2],
    [17, 33, 9],
  ] as const) {
    it(`matmul/mm/linear ${m}×${k} @ ${k}×${n}`, () => {
      torch.scope(() => {
        const a = Nd.random([m, k], r);
        const b = Nd.random([k, n], r);
        const ref = refMatmul(a, b);
        assertClose(a.tensor('float64').matmul(b.tensor('float64')), ref, 1e-12);
        assertClose(a.tensor('float64').mm(b.tensor('float64')), ref, 1e-12);
        // linear takes the weight as [out, in]: pass b transposed (a non-contiguous view)
        const bias = Nd.random([n], r);
        const withBias = Nd.build([m, n], ([i, j]) => ref.get([i!, j!]) + bias.get([j!]));
        assertClose(F.linear(a.tensor('float64'), b.tensor('float64').t(), bias.tensor('float64')), withBias, 1e-12);
        assertClose(a.tensor('float32').matmul(b.tensor('float32')), ref, 1e-5);
      });
    });
  }

  it('addmm_ accumulates beta·self + alpha·(m1 @ m2) in place (also with a transposed operand)', () => {
    torch.scope(() => {
      const c = Nd.random([3, 4], r);
      const a = Nd.random([5, 3], r); // used transposed: [3,5]
      const b = Nd.random([5, 4], r);
      const want = Nd.build([3, 4], ([i, j]) => {
        let dot = 0;
        for (let k = 0; k < 5; k++) dot += a.get([k, i!]) * b.get([k, j!]);
        return 0.5 * c.get([i!, j!]) + 2 * dot;
      });
      const t = c.tensor('float64');
      const same = t.addmm_(a.tensor('float64').t(), b.tensor('float64'), { beta: 0.5, alpha: 2 });
      assert.equal(same, t);
      assertClose(t, want, 1e-12);
    });
  });

  it('bmm and batched matmul broadcasting', () => {
    torch.scope(() => {
      const a = Nd.random([2, 3, 4], r);
      const b = Nd.random([2, 4, 5], r);
      const out = a.tensor('float64').bmm(b.tensor('float64'));
      for (let i = 0; i < 2; i++) {
        const ai = new Nd([3, 4], a.data.slice(i * 12, (i + 1) * 12));
        const bi = new Nd([4, 5], b.data.slice(i * 20, (i + 1) * 20));
        assertClose(out.select(0, i), refMatmul(ai, bi), 1e-12);
      }
      const w = Nd.random([4, 5], r);
      const bc = a.tensor('float64').matmul(w.tensor('float64'));
      assert.deepEqual(bc.shape, [2, 3, 5]);
      assertClose(bc.select(0, 1), refMatmul(new Nd([3, 4], a.data.slice(12)), w), 1e-12);
    });
  });
});
