import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';

describe('errors are JS errors with useful messages, and the process survives', () => {
  it('shape mismatch', () => {
    torch.scope(() => {
      assert.throws(() => torch.ones([2, 3]).matmul(torch.ones([4, 5])), /cannot be multiplied \(2x3 and 4x5\)/);
      assert.throws(
        () => torch.ones([2, 3]).add(torch.ones([4])),
        /size of tensor a \(3\) must match the size of tensor b \(4\)/,
      );
      assert.throws(() => torch.ones([6]).view(4), /invalid for input of size 6/);
    });
  });
  it('wrong dtype', () => {
    torch.scope(() => {
      assert.throws(
        () => torch.ones([2, 2], { dtype: 'int64' }).matmul(torch.ones([2, 2])),
        /dtype|same dtype|expected/i,
      );
      assert.throws(() => torch.ones([2]).indexSelect(0, torch.ones([1])), /Expected.*(Long|Int)|index/i);
      assert.throws(() => torch.zeros([2], { dtype: 'float128' as torch.DType }), /unknown dtype 'float128'/);
    });
  });
  it('use after dispose', () => {
    const t = torch.ones([2]);
    t.dispose();
    assert.equal(t.disposed, true);
    assert.throws(() => t.add(1), /tensor used after dispose\(\)/);
    assert.throws(() => t.shape, /tensor used after dispose\(\)/);
    t.dispose(); // idempotent
  });
  it('bad devices and indices', () => {
    torch.scope(() => {
      assert.throws(() => torch.ones([2], { device: 'tpu' }), /device/i);
      assert.throws(() => torch.ones([2, 2]).select(0, 5), /out of range/);
    });
  });
});
