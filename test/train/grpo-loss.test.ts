// GRPO advantages and losses: hand-computed values and TRL's own code — the advantage lines cut from
// GRPOTrainer._generate_and_score_completions and GRPOTrainer._compute_loss (test/peers/trl_grpo_loss.py).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import {
  computeAdvantages,
  grpoLoss,
  type LossSettings,
  type LossType,
  type ScaleRewards,
} from '../../src/train/grpo-loss.js';
import { lengthSlices } from '../../src/train/length-slices.js';
import { runPeer } from '../peers.js';

// 3 prompts × G=3: group 2 has zero variance; completion 4 is truncated (its mask is all zero, as
// mask_truncated_completions makes it); completions have different lengths.
const G = 3;
const rewards = [2, -0.5, -2, 1, 1, 1, 2, 2, -0.5];
const T = 4;
const logprobs = [
  [-1.2, -0.3, -2.0, -0.7],
  [-0.4, -1.1, -0.9, 0],
  [-2.2, -0.1, 0, 0],
  [-0.6, -0.6, -0.6, -0.6],
  [-1.0, -1.5, -0.2, -0.3],
  [-0.9, 0, 0, 0],
  [-0.05, -0.8, -1.3, -0.4],
  [-0.7, -0.2, -0.9, -1.6],
  [-3.0, -0.4, -0.2, 0],
];
const old = logprobs.map((r, i) => r.map((x, j) => x + 0.3 * Math.sin(i * 7 + j * 3)));
const ref = logprobs.map((r, i) => r.map((x, j) => x - 0.2 * Math.cos(i + j * 5)));
const mask = [
  [1, 1, 1, 1],
  [1, 1, 1, 0],
  [1, 1, 0, 0],
  [1, 1, 1, 1],
  [0, 0, 0, 0],
  [1, 0, 0, 0],
  [1, 1, 1, 1],
  [1, 1, 1, 1],
  [1, 1, 1, 0],
];

function handAdvantages(scale: ScaleRewards): number[] {
  const std = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  };
  const out: number[] = [];
  for (let g = 0; g < rewards.length; g += G) {
    const grp = rewards.slice(g, g + G);
    const m = grp.reduce((a, b) => a + b, 0) / G;
    const s = scale === 'group' ? std(grp) : std(rewards);
    for (const r of grp) out.push(scale === 'none' ? r - m : (r - m) / (s + 1e-4));
  }
  return out;
}

function handLoss(type: LossType, adv: number[], beta: number, eL: number, eH: number, withOld: boolean): number {
  const per = logprobs.map((row, i) =>
    row.map((lp, t) => {
      const ratio = withOld ? Math.exp(lp - old[i]![t]!) : 1;
      const a = adv[i]!;
      let l = -Math.min(ratio * a, Math.min(Math.max(ratio, 1 - eL), 1 + eH) * a);
      if (beta > 0) {
        const d = ref[i]![t]! - lp;
        l += beta * (Math.exp(d) - d - 1);
      }
      return l * mask[i]![t]!;
    }),
  );
  const tokens = mask.flat().reduce((a, b) => a + b, 0);
  const B = per.length;
  switch (type) {
    case 'grpo':
      return (
        per.reduce(
          (s, row, i) =>
            s +
            row.reduce((a, b) => a + b, 0) /
              Math.max(
                1,
                mask[i]!.reduce((a, b) => a + b, 0),
              ),
          0,
        ) / B
      );
    case 'bnpo':
    case 'dapo':
      return per.flat().reduce((a, b) => a + b, 0) / tokens;
    case 'dr_grpo':
      return per.flat().reduce((a, b) => a + b, 0) / (B * T);
  }
}

describe('GRPO advantages and loss', () => {
  it('advantages: group mean baseline, zero-variance group gets zero, std scaling variants', () => {
    const none = computeAdvantages(rewards, G, 'none');
    assert.deepEqual(none.advantages.slice(3, 6), [0, 0, 0]);
    assert.deepEqual(none.zeroStd, [false, false, false, true, true, true, false, false, false]);
    assert.ok(Math.abs(none.advantages[0]! - (2 - (2 - 0.5 - 2) / 3)) < 1e-12);
    for (const s of ['none', 'group', 'batch'] as const)
      computeAdvantages(rewards, G, s).advantages.forEach((a, i) =>
        assert.ok(Math.abs(a - handAdvantages(s)[i]!) < 1e-12, `${s}[${i}]`),
      );
  });

  const cases: { type: LossType; scale: ScaleRewards; beta: number; withOld: boolean; eH: number | null }[] = [];
  for (const type of ['grpo', 'bnpo', 'dapo', 'dr_grpo'] as const)
    for (const scale of ['none', 'group', 'batch'] as const)
      cases.push({ type, scale, beta: 0, withOld: false, eH: null });
  cases.push({ type: 'dapo', scale: 'none', beta: 0.04, withOld: true, eH: 0.28 });
  cases.push({ type: 'grpo', scale: 'group', beta: 0.1, withOld: true, eH: null });
  cases.push({ type: 'dr_grpo', scale: 'batch', beta: 0, withOld: true, eH: 0.3 });

  // TRL's answers for every case from one Python process (importing TRL takes seconds).
  const eps = 0.2;
  let trlAnswers: { advantages: number[]; loss: number }[] = [];
  before(() => {
    trlAnswers = JSON.parse(
      runPeer(
        'trl_grpo_loss.py',
        [],
        JSON.stringify(
          cases.map((c) => ({
            rewards,
            G,
            scale_rewards: c.scale,
            loss_type: c.type,
            beta: c.beta,
            epsilon: eps,
            epsilon_high: c.eH,
            max_completion_length: T,
            logprobs,
            old_logprobs: c.withOld ? old : null,
            ref_logprobs: c.beta ? ref : null,
            mask,
          })),
        ),
      ),
    );
  });

  cases.forEach((c, ci) => {
    it(`${c.type} / scale_rewards=${c.scale}${c.beta ? ` / β=${c.beta}` : ''}${c.withOld ? ' / μ>1 ratios' : ''}: hand-computed and TRL agree`, () => {
      const eH = c.eH ?? eps;
      const adv = computeAdvantages(rewards, G, c.scale).advantages;
      const ours = torch.scope(() => {
        const lp = torch.tensor(logprobs, { dtype: 'float64' }).requiresGrad_();
        const out = grpoLoss(
          {
            logprobs: lp,
            oldLogprobs: c.withOld ? torch.tensor(old, { dtype: 'float64' }) : lp.detach(),
            refLogprobs: c.beta ? torch.tensor(ref, { dtype: 'float64' }) : null,
            advantages: torch.tensor(adv, { dtype: 'float64' }),
            mask: torch.tensor(mask, { dtype: 'float64' }),
          },
          {
            lossType: c.type,
            epsilonLow: eps,
            epsilonHigh: eH,
            beta: c.beta,
            stepTokens: mask.flat().reduce((a, b) => a + b, 0),
            microBatches: 1,
            maxCompletionLength: T,
          },
        );
        return out.loss.item();
      });
      const hand = handLoss(c.type, adv, c.beta, eps, eH, c.withOld);
      assert.ok(Math.abs(ours - hand) < 1e-10, `kindling ${ours}, by hand ${hand}`);
      const trl = trlAnswers[ci]!;
      trl.advantages.forEach((a: number, i: number) =>
        assert.ok(Math.abs(a - adv[i]!) < 1e-9, `advantage ${i}: TRL ${a}, kindling ${adv[i]}`),
      );
      assert.ok(Math.abs(ours - trl.loss) < 1e-9, `kindling ${ours}, TRL ${trl.loss}`);
    });
  });

  const tokens = mask.flat().reduce((a, b) => a + b, 0);
  /** The fixed batch's loss computed over groups of rows (each group one grpoLoss call), summed, with its gradient. */
  const lossOver = (split: number[][], adv: number[], settings: (rows: number[]) => LossSettings) =>
    torch.scope(() => {
      const lp = torch.tensor(logprobs, { dtype: 'float64' }).requiresGrad_();
      let total = 0;
      for (const rows of split) {
        const idx = torch.tensor(rows, { dtype: 'int64' });
        const out = grpoLoss(
          {
            logprobs: lp.indexSelect(0, idx),
            oldLogprobs: torch.tensor(old, { dtype: 'float64' }).indexSelect(0, idx),
            advantages: torch.tensor(
              rows.map((r) => adv[r]!),
              { dtype: 'float64' },
            ),
            mask: torch.tensor(
              rows.map((r) => mask[r]!),
              { dtype: 'float64' },
            ),
          },
          settings(rows),
        );
        out.loss.backward();
        total += out.loss.item();
      }
      return { total, grad: lp.grad!.toArray() as number[] };
    });
  const base = { epsilonLow: 0.2, epsilonHigh: 0.28, beta: 0, stepTokens: tokens, maxCompletionLength: T };

  it('micro-batching: dapo summed over micro-batches equals the one-batch loss (and its gradient)', () => {
    const adv = computeAdvantages(rewards, G, 'none').advantages;
    const split3 = [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ];
    const one = lossOver([[0, 1, 2, 3, 4, 5, 6, 7, 8]], adv, () => ({ ...base, lossType: 'dapo', microBatches: 1 }));
    const three = lossOver(split3, adv, () => ({ ...base, lossType: 'dapo', microBatches: 3 }));
    assert.ok(Math.abs(one.total - three.total) < 1e-12);
    one.grad.forEach((g, i) => assert.ok(Math.abs(g - three.grad[i]!) < 1e-12));
    // masked (truncated) completion 4 gets no gradient at all
    assert.ok(one.grad.slice(4 * T, 5 * T).every((g) => g === 0));
  });

  it('length slices: every loss type summed over slices of a micro-batch equals the whole micro-batch (and its gradient)', () => {
    const adv = computeAdvantages(rewards, G, 'group').advantages;
    for (const lossType of ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as LossType[]) {
      const whole = lossOver([[0, 1, 2, 3, 4, 5, 6, 7, 8]], adv, () => ({ ...base, lossType, microBatches: 1 }));
      const slices = lossOver(
        [
          [2, 5, 0],
          [1, 3],
          [4, 6, 7, 8],
        ],
        adv,
        () => ({ ...base, lossType, microBatches: 1, microBatchRows: 9, microBatchTokens: tokens }),
      );
      assert.ok(Math.abs(whole.total - slices.total) < 1e-12, `${lossType}: ${whole.total} vs ${slices.total}`);
      whole.grad.forEach((g, i) => assert.ok(Math.abs(g - slices.grad[i]!) < 1e-12, `${lossType} grad ${i}`));
    }
  });

  it('lengthSlices groups similar lengths, keeps every row once, and bounds the padding', () => {
    const lengths = [130, 12, 40, 41, 45, 128, 13, 14, 15, 60, 61, 62, 63, 16, 44, 42];
    const slices = lengthSlices(lengths, (x) => x);
    assert.deepEqual(
      slices.flat().sort((a, b) => a - b),
      [...lengths].sort((a, b) => a - b),
    );
    const padded = slices.reduce((n, sl) => n + sl.length * Math.max(...sl), 0);
    const real = lengths.reduce((a, b) => a + b, 0);
    assert.ok(padded < 1.3 * real, `padded ${padded} vs real ${real}`);
    assert.ok(padded < lengths.length * 130 * 0.6, 'far less than padding everything to the longest row');
    assert.deepEqual(
      lengthSlices([5, 5, 5], (x) => x),
      [[5, 5, 5]],
    );
    assert.deepEqual(
      lengthSlices([], (x: number) => x),
      [],
    );
  });
});
