import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';

describe('creation and conversion', () => {
  it('zeros/ones/full/empty have the asked shape, dtype and values', () => {
    torch.scope(() => {
      const z = torch.zeros([2, 3]);
      assert.deepEqual(z.shape, [2, 3]);
      assert.equal(z.dtype, 'float32');
      assert.deepEqual(z.toArray(), [0, 0, 0, 0, 0, 0]);
      assert.deepEqual(torch.ones([2], { dtype: 'int64' }).toArray(), [1, 1]);
      assert.deepEqual(torch.full([2, 2], 7.5, { dtype: 'float64' }).toArray(), [7.5, 7.5, 7.5, 7.5]);
      assert.equal(torch.empty([4, 5], { dtype: 'bfloat16' }).numel(), 20);
      assert.deepEqual(torch.zerosLike(torch.ones([3], { dtype: 'int32' })).toArray(), [0, 0, 0]);
    });
  });

  it('arange follows Python semantics and picks int64 for integer bounds', () => {
    torch.scope(() => {
      assert.deepEqual(torch.arange(5).toArray(), [0, 1, 2, 3, 4]);
      assert.equal(torch.arange(5).dtype, 'int64');
      assert.deepEqual(torch.arange(2, 11, 3).toArray(), [2, 5, 8]);
      const f = torch.arange(0, 1, 0.25);
      assert.equal(f.dtype, 'float32');
      assert.deepEqual(f.toArray(), [0, 0.25, 0.5, 0.75]);
    });
  });

  it('tensor() from nested arrays, typed arrays, bigint and booleans', () => {
    torch.scope(() => {
      const t = torch.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assert.deepEqual(t.shape, [2, 3]);
      assert.deepEqual(t.tolist(), [
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assert.equal(torch.tensor([1n, 2n]).dtype, 'int64');
      assert.deepEqual(torch.tensor([true, false]).toArray(), [1, 0]);
      assert.equal(torch.tensor([true]).dtype, 'bool');
      const i32 = torch.tensor(new Int32Array([5, -6]));
      assert.equal(i32.dtype, 'int32');
      assert.deepEqual(Array.from(i32.data() as Int32Array), [5, -6]);
      assert.throws(() => torch.tensor([[1, 2], [3]]), /ragged/);
    });
  });

  it('item, shape, numel, dtype/device conversion', () => {
    torch.scope(() => {
      const x = torch.tensor([2.5]);
      assert.equal(x.item(), 2.5);
      assert.equal(torch.tensor([3], { dtype: 'int64' }).item(), 3);
      assert.throws(() => torch.tensor([1, 2]).item(), /2 elements/);
      const y = torch.tensor([1.7, -1.7, 300]);
      assert.deepEqual(y.to('int32').toArray(), [1, -1, 300]);
      assert.deepEqual(y.to('uint8').toArray().slice(0, 1), [1]);
      assert.equal(y.to({ device: 'cpu', dtype: 'float64' }).dtype, 'float64');
      assert.equal(y.device, 'cpu');
      // bfloat16 keeps 8 bits of mantissa: 1.7 → 1.703125
      assert.deepEqual(torch.tensor([1.7]).to('bfloat16').toArray(), [1.703125]);
      assert.deepEqual(torch.tensor([1.7]).to('float16').toArray(), [1.7001953125]);
    });
  });

  it('raw bytes round-trip for every dtype (the safetensors path)', () => {
    torch.scope(() => {
      for (const dtype of torch.DTYPES) {
        const src = torch.tensor([0, 1, 2, 3, 4, 5], { dtype, shape: [2, 3] });
        const bytes = src.toBuffer();
        assert.equal(bytes.length, 6 * torch.elementSize(dtype), dtype);
        const back = torch.fromBuffer(bytes, dtype, [2, 3]);
        assert.equal(back.dtype, dtype);
        assert.ok(back.equal(src), dtype);
      }
      // float32 bytes are little-endian IEEE 754
      assert.deepEqual([...torch.tensor([1]).toBuffer()], [0, 0, 0x80, 0x3f]);
      assert.throws(
        () => torch.fromBuffer(new Uint8Array(5), 'float32', [2]),
        /5 bytes given but shape and dtype need 8/,
      );
    });
  });

  it('seeded random numbers are reproducible, generators are independent', () => {
    torch.scope(() => {
      torch.manualSeed(123);
      const a = torch.randn([5]).toArray();
      torch.manualSeed(123);
      assert.deepEqual(torch.randn([5]).toArray(), a);
      const state = torch.getRngState();
      const next = torch.rand([3]).toArray();
      torch.setRngState(state);
      assert.deepEqual(torch.rand([3]).toArray(), next);
      const g1 = new torch.Generator(7);
      const g2 = new torch.Generator(7);
      assert.deepEqual(torch.randn([4], { generator: g1 }).toArray(), torch.randn([4], { generator: g2 }).toArray());
      const r = torch.randint(3, 6, [1000], { generator: g1 }).toArray();
      assert.ok(r.every((v) => v >= 3 && v < 6) && new Set(r).size === 3);
      const u = torch.rand([10000]);
      const mean = u.mean().item();
      assert.ok(Math.abs(mean - 0.5) < 0.02, `uniform mean ${mean}`);
      const n = torch.randn([10000]);
      assert.ok(Math.abs(n.std().item() - 1) < 0.05);
    });
  });
});
