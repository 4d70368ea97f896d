// Small ops on the calling thread (setSerialBelow): the same results as libtorch's own threading,
// the setting read back, libtorch's thread count untouched, and the environment rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { defaultSerialBelow, SERIAL_BELOW_DEFAULT } from '../../src/torch/native.js';

const F = torch.nn.functional;

describe('serial small ops', () => {
  it('elementwise, reductions, norms, softmax and copies give the same values either way', () => {
    const before = torch.getSerialBelow();
    const threads = torch.getNumThreads();
    try {
      const run = () =>
        torch.noGrad(() =>
          torch.scope(() => {
            torch.manualSeed(5);
            const x = torch.randn([160, 512]);
            const w = torch.randn([512]);
            const parts = [
              x.add(x.mul(w)).silu(),
              F.rmsNorm(x, w, 1e-6),
              x.softmax(-1),
              x.logSoftmax(-1),
              x.cumsum(-1),
              torch.cat([x.narrow(1, 256, 256).neg(), x.narrow(1, 0, 256)], -1),
              x.transpose(0, 1).contiguous(),
              x.maskedFill(x.gt(0.5), 0),
              x.sum(-1),
              x.amax(-1),
            ];
            return parts.map((t) => t.flatten().toArray() as number[]);
          }),
        );
      torch.setSerialBelow(0);
      const parallel = run();
      torch.setSerialBelow(1 << 30);
      assert.equal(torch.getSerialBelow(), 1 << 30);
      const serial = run();
      parallel.forEach((p, i) => {
        const s = serial[i]!;
        assert.equal(s.length, p.length);
        for (let j = 0; j < p.length; j++)
          assert.ok(
            Math.abs(s[j]! - p[j]!) <= 1e-4 * Math.max(1, Math.abs(p[j]!)),
            `op ${i} element ${j}: ${s[j]} vs ${p[j]}`,
          );
      });
      assert.equal(torch.getNumThreads(), threads, 'the thread count is restored after every op');
      assert.throws(() => torch.setSerialBelow(-1), /non-negative integer/);
    } finally {
      torch.setSerialBelow(before);
    }
  });

  it('default: on with PASSIVE workers, off when they spin, KINDLING_SERIAL_BELOW overrides', () => {
    assert.equal(defaultSerialBelow({ OMP_WAIT_POLICY: 'PASSIVE' }), SERIAL_BELOW_DEFAULT);
    assert.equal(defaultSerialBelow({ OMP_WAIT_POLICY: 'passive' }), SERIAL_BELOW_DEFAULT);
    assert.equal(defaultSerialBelow({ OMP_WAIT_POLICY: 'PASSIVE', GOMP_SPINCOUNT: '10000' }), 0);
    assert.equal(defaultSerialBelow({ OMP_WAIT_POLICY: 'ACTIVE' }), 0);
    assert.equal(defaultSerialBelow({ OMP_WAIT_POLICY: 'PASSIVE', KINDLING_SERIAL_BELOW: '0' }), 0);
    assert.equal(defaultSerialBelow({ KINDLING_SERIAL_BELOW: '4096' }), 4096);
    assert.throws(
      () => defaultSerialBelow({ KINDLING_SERIAL_BELOW: 'lots' }),
      /KINDLING_SERIAL_BELOW must be a non-negative integer, got 'lots'/,
    );
    // this process: the test runner inherits PASSIVE from the binding's loader unless told otherwise
    assert.equal(torch.getSerialBelow(), defaultSerialBelow());
  });
});
