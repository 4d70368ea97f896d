// A tiny end-to-end check of the engine: an MLP learns a+b for 4-bit a, b (31 classes).
import { noGrad } from './autograd.js';
import { randn, tensor, zeros } from './creation.js';
import { crossEntropy, linear } from './functional.js';
import { AdamW } from './optim.js';
import { manualSeed } from './random.js';
import { scope } from './scope.js';
import type { Tensor } from './tensor.js';

export function trainAdderMlp(steps: number, seed: number, onStep?: (step: number, loss: number, acc: number) => void) {
  manualSeed(seed);
  const t0 = Date.now();
  const xs: number[] = [];
  const ys: number[] = [];
  for (let a = 0; a < 16; a++)
    for (let b = 0; b < 16; b++) {
      for (let k = 0; k < 4; k++) xs.push((a >> k) & 1);
      for (let k = 0; k < 4; k++) xs.push((b >> k) & 1);
      ys.push(a + b);
    }
  const x = tensor(xs, { shape: [256, 8] });
  const y = tensor(ys, { dtype: 'int64' });
  const params: Tensor[] = [
    randn([128, 8]).mul_(0.3).requiresGrad_(),
    zeros([128]).requiresGrad_(),
    randn([31, 128]).mul_(0.1).requiresGrad_(),
    zeros([31]).requiresGrad_(),
  ];
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const opt = new AdamW(params, { lr: 1e-2, weightDecay: 0 });
  let firstLoss = Number.NaN;
  let lastLoss = Number.NaN;
  let accuracy = 0;
  for (let step = 1; step <= steps; step++) {
    scope(() => {
      const logits = linear(linear(x, w1, b1).relu(), w2, b2);
      const loss = crossEntropy(logits, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      lastLoss = loss.item();
      if (step === 1) firstLoss = lastLoss;
      accuracy = noGrad(() => logits.argmax(-1).eq(y).float().mean().item());
      onStep?.(step, lastLoss, accuracy);
    });
  }
  for (const p of [...params, x, y]) p.dispose();
  return {
    firstLoss,
    lastLoss,
    accuracy,
    seconds: (Date.now() - t0) / 1000,
    learned: lastLoss < firstLoss / 4 && accuracy > 0.9,
  };
}
