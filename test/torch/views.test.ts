import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { assertClose, Nd, rng } from './helpers.js';

const r = rng(1);

describe('views and indexing', () => {
  it('view/reshape/permute/transpose/flatten match index arithmetic', () => {
    torch.scope(() => {
      const a = Nd.random([2, 3, 4], r);
      const t = a.tensor();
      assertClose(t.permute(2, 0, 1), a.permute([2, 0, 1]), 0);
      assertClose(t.transpose(0, 2), a.permute([2, 1, 0]), 0);
      assert.deepEqual(t.view(6, 4).shape, [6, 4]);
      assert.deepEqual(t.view([-1, 2]).shape, [12, 2]);
      assert.deepEqual(t.flatten(1).shape, [2, 12]);
      // a transposed view is not contiguous: view() refuses, reshape() copies
      const tt = t.transpose(0, 1);
      assert.equal(tt.isContiguous(), false);
      assert.throws(() => tt.view(12, 2), /view size is not compatible/);
      assertClose(tt.reshape(3, 8), new Nd([3, 8], a.permute([1, 0, 2]).data), 0);
      assert.equal(tt.contiguous().isContiguous(), true);
    });
  });

  it('narrow/slice/select/squeeze/unsqueeze/expand', () => {
    torch.scope(() => {
      const a = Nd.random([4, 5], r);
      const t = a.tensor();
      assertClose(
        t.narrow(1, 1, 3),
        Nd.build([4, 3], ([i, j]) => a.get([i!, j! + 1])),
        0,
      );
      assertClose(
        t.slice(0, 1, null, 2),
        Nd.build([2, 5], ([i, j]) => a.get([1 + 2 * i!, j!])),
        0,
      );
      assertClose(
        t.slice(1, -2),
        Nd.build([4, 2], ([i, j]) => a.get([i!, 3 + j!])),
        0,
      );
      assertClose(
        t.select(1, 2),
        Nd.build([4], ([i]) => a.get([i!, 2])),
        0,
      );
      assert.deepEqual(t.unsqueeze(0).unsqueeze(-1).shape, [1, 4, 5, 1]);
      assert.deepEqual(t.unsqueeze(0).squeeze().shape, [4, 5]);
      assert.deepEqual(t.unsqueeze(1).squeeze(1).shape, [4, 5]);
      const row = torch.tensor([1, 2, 3]);
      assert.deepEqual(row.expand(2, 3).tolist(), [
        [1, 2, 3],
        [1, 2, 3],
      ]);
      assert.deepEqual(row.unsqueeze(1).expand(-1, 2).tolist(), [
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
    });
  });

  it('cat/stack/split/chunk', () => {
    torch.scope(() => {
      const a = torch.tensor([
        [1, 2],
        [3, 4],
      ]);
      const b = torch.tensor([[5, 6]]);
      assert.deepEqual(torch.cat([a, b], 0).tolist(), [
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      assert.deepEqual(torch.cat([a, a], 1).tolist(), [
        [1, 2, 1, 2],
        [3, 4, 3, 4],
      ]);
      assert.deepEqual(torch.stack([a, a], 0).shape, [2, 2, 2]);
      assert.deepEqual(torch.stack([a, a], -1).tolist(), [
        [
          [1, 1],
          [2, 2],
        ],
        [
          [3, 3],
          [4, 4],
        ],
      ]);
      const x = torch.arange(10);
      assert.deepEqual(
        x.split(4).map((p) => p.toArray()),
        [
          [0, 1, 2, 3],
          [4, 5, 6, 7],
          [8, 9],
        ],
      );
      assert.deepEqual(
        x.split([3, 7]).map((p) => p.numel()),
        [3, 7],
      );
      assert.deepEqual(
        x.chunk(3).map((p) => p.numel()),
        [4, 4, 2],
      );
      assert.throws(() => torch.cat([a, torch.zeros([2, 3])], 0), /Sizes of tensors must match/);
    });
  });

  it('indexSelect/gather/scatter/scatterAdd/index', () => {
    torch.scope(() => {
      const a = Nd.random([3, 4], r);
      const t = a.tensor();
      const idx = torch.tensor([2, 0, 2], { dtype: 'int64' });
      assertClose(
        t.indexSelect(0, idx),
        Nd.build([3, 4], ([i, j]) => a.get([[2, 0, 2][i!]!, j!])),
        0,
      );
      const g = torch.tensor(
        [
          [0, 3],
          [1, 1],
          [2, 0],
        ],
        { dtype: 'int64' },
      );
      const gi = [
        [0, 3],
        [1, 1],
        [2, 0],
      ];
      assertClose(
        t.gather(1, g),
        Nd.build([3, 2], ([i, j]) => a.get([i!, gi[i!]![j!]!])),
        0,
      );
      const src = torch.ones([3, 2]);
      assert.deepEqual(torch.zeros([3, 4]).scatterAdd(1, g, src).tolist(), [
        [1, 0, 0, 1],
        [0, 2, 0, 0],
        [1, 0, 1, 0],
      ]);
      assert.deepEqual(torch.zeros([3, 4]).scatter(1, g, src).tolist(), [
        [1, 0, 0, 1],
        [0, 1, 0, 0],
        [1, 0, 1, 0],
      ]);
      const rows = torch.tensor([0, 2], { dtype: 'int64' });
      const cols = torch.tensor([3, 1], { dtype: 'int64' });
      assertClose(t.index([rows, cols]), new Nd([2], [a.get([0, 3]), a.get([2, 1])]), 0);
      assertClose(
        t.index([null, cols]),
        Nd.build([3, 2], ([i, j]) => a.get([i!, [3, 1][j!]!])),
        0,
      );
    });
  });

  it('maskedFill/where/tril/triu on non-contiguous views', () => {
    torch.scope(() => {
      const a = Nd.random([4, 4], r);
      const t = a.tensor().t(); // a non-contiguous view
      const at = a.permute([1, 0]);
      const mask = t.gt(0);
      assertClose(
        t.maskedFill(mask, -9),
        at.map((x) => (x > 0 ? -9 : x)),
        0,
      );
      assertClose(
        torch.where(mask, t, 0),
        at.map((x) => Math.max(x, 0)),
        0,
      );
      assertClose(
        torch.where(mask, 1, t.neg()),
        at.map((x) => (x > 0 ? 1 : -x)),
        0,
      );
      assertClose(
        t.tril(),
        Nd.build([4, 4], ([i, j]) => (j! <= i! ? at.get([i!, j!]) : 0)),
        0,
      );
      assertClose(
        t.triu(1),
        Nd.build([4, 4], ([i, j]) => (j! >= i! + 1 ? at.get([i!, j!]) : 0)),
        0,
      );
      const causal = torch.ones([3, 3], { dtype: 'bool' }).tril();
      assert.deepEqual(causal.toArray(), [1, 0, 0, 1, 1, 0, 1, 1, 1]);
    });
  });
});
