import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';

describe('AdamW', () => {
  it('steps match the AdamW formula computed by hand (two steps, two groups)', () => {
    torch.scope(() => {
      const p0 = [0.5, -1.0, 2.0];
      const q0 = [1.5, -0.25];
      const p = torch.tensor(p0, { dtype: 'float64' }).requiresGrad_();
      const q = torch.tensor(q0, { dtype: 'float64' }).requiresGrad_();
      const [lr, b1, b2, eps, wd] = [0.1, 0.8, 0.9, 1e-8, 0.05];
      const opt = new torch.optim.AdamW([{ params: [p] }, { params: [q], weightDecay: 0, lr: 0.01 }], {
        lr,
        betas: [b1, b2],
        eps,
        weightDecay: wd,
      });
      // by hand: loss = Σ p³ + Σ q² → grads 3p², 2q
      const hand = (x0: number[], g: (x: number) => number, lr_: number, wd_: number, steps: number) => {
        const x = [...x0];
        const m = x.map(() => 0);
        const v = x.map(() => 0);
        for (let t = 1; t <= steps; t++) {
          for (let i = 0; i < x.length; i++) {
            const gi = g(x[i]!);
            x[i] = x[i]! * (1 - lr_ * wd_);
            m[i] = b1 * m[i]! + (1 - b1) * gi;
            v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
            const mh = m[i]! / (1 - b1 ** t);
            const vh = v[i]! / (1 - b2 ** t);
            x[i] = x[i]! - (lr_ * mh) / (Math.sqrt(vh) + eps);
          }
        }
        return x;
      };
      for (let step = 0; step < 2; step++) {
        torch.scope(() => {
          opt.zeroGrad();
          p.pow(3).sum().add(q.square().sum()).backward();
          opt.step();
        });
      }
      const wantP = hand(p0, (x) => 3 * x * x, lr, wd, 2);
      const wantQ = hand(q0, (x) => 2 * x, 0.01, 0, 2);
      p.toArray().forEach((x, i) => assert.ok(Math.abs(x - wantP[i]!) < 1e-12, `p[${i}] ${x} vs ${wantP[i]}`));
      q.toArray().forEach((x, i) => assert.ok(Math.abs(x - wantQ[i]!) < 1e-12, `q[${i}] ${x} vs ${wantQ[i]}`));
      assert.equal(opt.getGroup(1).lr, 0.01);
      assert.equal(opt.getGroup(0).weightDecay, wd);
    });
  });

  it('a group mixing float32 and float64 parameters steps each by the formula; one without a gradient is left alone', () => {
    torch.scope(() => {
      const a = torch.tensor([0.5, -2], { dtype: 'float64' }).requiresGrad_();
      const b = torch.tensor([1.25, 3], { dtype: 'float32' }).requiresGrad_();
      const idle = torch.tensor([7], { dtype: 'float32' }).requiresGrad_();
      const [lr, b1, b2, eps, wd] = [0.1, 0.9, 0.99, 1e-8, 0.1];
      const opt = new torch.optim.AdamW([a, b, idle], { lr, betas: [b1, b2], eps, weightDecay: wd });
      a.square().sum().add(b.square().sum()).backward(); // grads 2a, 2b
      opt.step();
      // first step: m̂ = g, v̂ = g², so x ← x(1 − lr·wd) − lr·g/(|g| + eps)
      const want = (x: number) => x * (1 - lr * wd) - (lr * 2 * x) / (Math.abs(2 * x) + eps);
      a.toArray().forEach((x, i) => assert.ok(Math.abs(x - want([0.5, -2][i]!)) < 1e-12, `a[${i}] ${x}`));
      b.toArray().forEach((x, i) => assert.ok(Math.abs(x - want([1.25, 3][i]!)) < 1e-6, `b[${i}] ${x}`));
      assert.equal(opt.getState(a)!.step, 1);
      assert.equal(opt.getState(b)!.expAvg.dtype, 'float32');
      assert.equal(opt.getState(idle), null);
      assert.deepEqual(idle.toArray(), [7]);
    });
  });

  it('state can be read and restored (exact resume), learning rate can be set', () => {
    torch.scope(() => {
      const run = (restoreAt: number | null) => {
        torch.manualSeed(0);
        const w = torch.randn([4, 3], { dtype: 'float64' }).requiresGrad_();
        let opt = new torch.optim.AdamW([w], { lr: 0.05 });
        const losses: number[] = [];
        for (let step = 0; step < 6; step++) {
          if (step === restoreAt) {
            // rebuild a fresh optimizer and copy the state over, as resuming from a checkpoint does
            const s = opt.getState(w)!;
            assert.equal(s.step, step);
            const fresh = new torch.optim.AdamW([w], { lr: 0.05 });
            fresh.setState(w, s);
            opt = fresh;
          }
          opt.setLr(0.05 * (step + 1));
          torch.scope(() => {
            opt.zeroGrad();
            const loss = w.sin().sum().square();
            loss.backward();
            opt.step();
            losses.push(loss.item());
          });
        }
        return losses;
      };
      assert.deepEqual(run(3), run(null));
    });
  });

  it('clipGradNorm_ returns the total norm and scales gradients to max_norm', () => {
    torch.scope(() => {
      const a = torch.tensor([3, 0], { dtype: 'float64' }).requiresGrad_();
      const b = torch.tensor([4], { dtype: 'float64' }).requiresGrad_();
      a.mul(torch.tensor([1, 0], { dtype: 'float64' }))
        .sum()
        .mul(3)
        .add(b.sum().mul(4))
        .backward();
      // grads: a → [3, 0], b → [4]: total norm 5
      const norm = torch.nn.utils.clipGradNorm_([a, b], 1.0);
      assert.ok(Math.abs(norm - 5) < 1e-12);
      const ga = a.grad!.toArray();
      const gb = b.grad!.toArray();
      assert.ok(Math.abs(Math.hypot(ga[0]!, ga[1]!, gb[0]!) - 1) < 1e-6);
      assert.ok(Math.abs(ga[0]! - 0.6) < 1e-6);
    });
  });

  it('rejects bad hyper-parameters with a clear message', () => {
    const w = torch.zeros([2]).requiresGrad_();
    assert.throws(() => new torch.optim.AdamW([w], { lr: -1 }), /lr must be ≥ 0/);
    assert.throws(() => new torch.optim.AdamW([w], { betas: [0.9, 1.5] }), /betas must be in \[0, 1\)/);
    w.dispose();
  });
});
