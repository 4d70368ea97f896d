// GRPO's step in its parts (rollout → score → advantages → keep → update → metrics), each on fixed
// inputs: what a reader changing one part can check without running the trainer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Completion } from '../../src/generate/generate.js';
import { initModel } from '../../src/model/index.js';
import type { Example, Task } from '../../src/tasks/types.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { contiguousBlock, oneProcess } from '../../src/train/data-parallel.js';
import { GrpoConfigSchema } from '../../src/train/grpo-config.js';
import { stepMetrics } from '../../src/train/grpo-metrics.js';
import { advantages, keepGroups, type Rollout, rollout, type StepBatch, score } from '../../src/train/grpo-rollout.js';
import { update } from '../../src/train/grpo-update.js';
import { makeOptimizer } from '../../src/train/optimizer.js';
import { mulberry32 } from '../../src/train/rng.js';
import { lettersGrpoSettings, tinyQwen2 } from '../tiny-model.js';

const cfg = (o: Record<string, unknown> = {}) =>
  resolveConfig(GrpoConfigSchema, undefined, { ...lettersGrpoSettings, num_generations: 2, ...o });

const completion = (
  text: string,
  tokenIds: number[],
  finishReason: Completion['finishReason'] = 'stop',
): Completion => ({
  text,
  tokenIds,
  logprobs: tokenIds.map(() => 0),
  finishReason,
  stopString: null,
  promptTokens: 3,
});

const examples: Example[] = [
  { id: 'a', q: 'A' },
  { id: 'b', q: 'B' },
  { id: 'c', q: 'C' },
];

const emptyBatch = (worldSize = 1): StepBatch => ({
  groups: [],
  kept: [],
  keptPerRank: new Array<number>(worldSize).fill(0),
  zeroStdGroups: 0,
  generated: 0,
  wellFormed: 0,
  failures: [],
  perFunction: {},
  reasonCounts: {},
  timing: { generate: 0, score: 0 },
});

describe('GRPO step parts', () => {
  it('score: weighted sum per completion, the first function reasons, a throwing reward scored reward_on_error and reported', async () => {
    const completions = [
      [completion('yes', [1]), completion('no', [2, 3])],
      [completion('boom', [4]), completion('yes', [5])],
      [completion('so </think> <answer> 7 </answer>', [6]), completion('so </think> 7', [7])],
    ];
    const s = await score(
      examples.slice(0, 3),
      completions,
      [
        {
          name: 'task',
          fn: (c) => ({ score: c === 'yes' ? 1 : 0, reason: c === 'yes' ? 'correct' : 'wrong' }),
          weight: 1,
        },
        {
          name: 'short',
          fn: (c) => {
            if (c === 'boom') throw new Error('verifier crashed');
            return c.length < 3 ? 1 : 0;
          },
          weight: 0.5,
        },
      ],
      { reward_timeout: 5, reward_on_error: -1 },
      oneProcess,
    );
    assert.deepEqual(s.total, [1, 0.5, 0 + 0.5 * -1, 1, 0, 0]);
    assert.deepEqual(s.reasons, ['correct', 'wrong', 'wrong', 'correct', 'wrong', 'wrong']);
    assert.deepEqual(s.failures, ['short: verifier crashed']);
    assert.deepEqual(s.lengths, [1, 2, 1, 1, 1, 1]);
    assert.deepEqual(s.perFunction, [{ task: [1, 0, 0, 1, 0, 0], short: [0, 1, -1, 0, 0, 0] }]);
    // The paper's format gate, read off the text whatever the reward functions say.
    assert.deepEqual(s.wellFormed, [false, false, false, false, true, false]);
  });

  it('advantages + keepGroups: flat groups counted and dropped, at most P kept, truncated rows masked, each rank keeps only its own block', () => {
    const c = cfg({ dynamic_sampling: 'drop', mask_truncated_completions: true, scale_rewards: 'none' });
    const completions = examples.map((e) => [completion(`${e.id}0`, [1, 2], 'length'), completion(`${e.id}1`, [3])]);
    const prompts = examples.map(() => [9, 9]);
    // a: rewards 1, 0 (signal); b: 2, 2 (flat); c: 0, 3 (signal)
    const scored = {
      total: [1, 0, 2, 2, 0, 3],
      reasons: ['', '', '', '', '', ''],
      failures: [],
      lengths: [2, 1, 2, 1, 2, 1],
      truncated: [true, false, true, false, true, false],
      wellFormed: [false, false, false, false, false, false],
      perFunction: [],
    };
    const adv = advantages(scored, c);
    assert.deepEqual(adv.advantages, [0.5, -0.5, 0, 0, -1.5, 1.5]);
    // Two ranks, seen from rank 1: 3 prompts split [0,2) and [2,3); rank 1 sampled only prompt c.
    const rank1 = {
      ...oneProcess,
      rank: 1,
      worldSize: 2,
      isMain: false,
      block: (n: number, r = 1) => contiguousBlock(n, 2, r),
    };
    const batch = emptyBatch(2);
    keepGroups(
      batch,
      { examples, from: 2, prompts: prompts.slice(2), completions: completions.slice(2) },
      scored,
      adv,
      3,
      c,
      rank1,
    );
    assert.equal(batch.zeroStdGroups, 1);
    assert.deepEqual(
      batch.kept.map((k) => k.reward),
      [1, 0, 0, 3],
    );
    assert.deepEqual(
      batch.kept.map((k) => k.keep),
      [0, 1, 0, 1],
    );
    assert.deepEqual(batch.keptPerRank, [2, 2]);
    assert.equal(batch.groups.length, 1);
    assert.deepEqual(
      batch.groups[0]!.map((r) => [r.example.id, r.advantage, r.keep]),
      [
        ['c', -1.5, 0],
        ['c', 1.5, 1],
      ],
    );
    // P = 1: only the first group with signal is kept.
    const one = emptyBatch();
    keepGroups(one, { examples, from: 0, prompts, completions }, scored, adv, 1, c, oneProcess);
    assert.deepEqual(
      one.groups.map((g) => g[0]!.example.id),
      ['a'],
    );
    // dynamic_sampling off: the flat group is kept too (with zero advantages).
    const off = emptyBatch();
    keepGroups(
      off,
      { examples, from: 0, prompts, completions },
      scored,
      adv,
      3,
      cfg({ dynamic_sampling: 'off' }),
      oneProcess,
    );
    assert.deepEqual(
      off.groups.map((g) => g[0]!.example.id),
      ['a', 'b', 'c'],
    );
    assert.equal(off.zeroStdGroups, 1);
  });

  describe('rollout (a real tiny model)', () => {
    const tokenizer = byteLevelTokenizer();
    const model = initModel(tinyQwen2({ initializer_range: 0.02 }), { seed: 4 });
    const task = (reward: (c: string) => number): Task => ({
      name: 't',
      splits: ['train'],
      load: async () => examples,
      prompt: (e) => `Say ${String(e.q)}:`,
      reward: (c) => ({ score: reward(c), reason: 'r' }),
      score: () => ({ correct: false, extracted: null, reason: 'r' }),
    });
    const queue = () => {
      let i = 0;
      return (n: number) => Array.from({ length: n }, () => examples[i++ % examples.length]!);
    };
    const letters = (c: string) => [...c].filter((ch) => ch >= 'a' && ch <= 'z').length / Math.max(1, c.length);

    it('samples G completions per prompt, seeded by the rng alone; advantages are reward − group mean', async () => {
      const c = cfg({ num_generations: 4, max_completion_length: 6 });
      const ctx = {
        model,
        tokenizer,
        task: task(letters),
        rewards: [{ name: 'task', fn: letters, weight: 1 }],
        cfg: c,
        dp: oneProcess,
      };
      const a = await rollout(ctx, 2, mulberry32(7), queue());
      const b = await rollout(ctx, 2, mulberry32(7), queue());
      assert.equal(a.groups.length, 2);
      assert.equal(a.generated, 8);
      assert.deepEqual(
        a.groups.flat().map((r) => r.completion.text),
        b.groups.flat().map((r) => r.completion.text),
      );
      for (const g of a.groups) {
        assert.equal(g.length, 4);
        const m = g.reduce((s, r) => s + r.reward, 0) / 4;
        for (const r of g) assert.ok(Math.abs(r.advantage - (r.reward - m)) < 1e-12);
      }
      const other = await rollout(ctx, 2, mulberry32(8), queue());
      assert.notDeepEqual(
        a.groups.flat().map((r) => r.completion.text),
        other.groups.flat().map((r) => r.completion.text),
      );
    });

    it('dynamic sampling: a reward with no variance keeps nothing; resample draws max_resample_rounds more rounds', async () => {
      const flat = () => 1;
      const run = (o: Record<string, unknown>) =>
        rollout(
          {
            model,
            tokenizer,
            task: task(flat),
            rewards: [{ name: 'task', fn: flat, weight: 1 }],
            cfg: cfg({ max_completion_length: 4, ...o }),
            dp: oneProcess,
          },
          2,
          mulberry32(1),
          queue(),
        );
      const dropped = await run({ dynamic_sampling: 'drop' });
      assert.equal(dropped.groups.length, 0);
      assert.equal(dropped.zeroStdGroups, 2);
      const resampled = await run({ dynamic_sampling: 'resample', max_resample_rounds: 2 });
      assert.equal(resampled.generated, 3 * 2 * 2);
      assert.equal(resampled.zeroStdGroups, 6);
      const off = await run({ dynamic_sampling: 'off' });
      assert.equal(off.groups.length, 2);
    });
  });

  describe('update (float64, fixed rollouts)', () => {
    const rows = (): Rollout[] =>
      [
        { p: [5, 6, 7], c: [10, 11, 12, 13], adv: 1.0, keep: 1 },
        { p: [5, 6], c: [20, 21], adv: -0.5, keep: 1 },
        { p: [8], c: [30, 31, 32], adv: 0.25, keep: 0 },
        { p: [5, 6, 7, 8], c: [40], adv: -2, keep: 1 },
      ].map((r, i) => ({
        example: examples[i % 3]!,
        promptIds: r.p,
        completion: completion('x', r.c),
        reward: 0,
        advantage: r.adv,
        keep: r.keep,
      }));
    const summaries = (rs: Rollout[]) =>
      rs.map((r) => ({ reward: 0, length: r.completion.tokenIds.length, truncated: false, keep: r.keep }));
    const paramsAfter = (o: Record<string, unknown>, rs: Rollout[]) => {
      const model = initModel(tinyQwen2(), { seed: 11, dtype: 'float64' });
      const c = cfg({ learning_rate: 1e-2, max_grad_norm: 0, ...o });
      const opt = makeOptimizer(model, c);
      const amp = <T>(fn: () => T) => fn();
      const stats = update(
        { model, opt, ref: null, refIsBase: false, cfg: c, dp: oneProcess, pad: 0, amp },
        rs,
        summaries(rs),
        [rs.length],
        c.learning_rate,
      );
      const values = torch.noGrad(() => model.parameters().map((p) => p.toArray()));
      for (const p of model.parameters()) p.dispose();
      return { stats, values };
    };

    it('dapo: the loss is −Σ keep·A·len / Σ keep·len on the first pass, whatever the micro-batch size; the step is the same', () => {
      const rs = rows();
      const expected = -(1.0 * 4 + -0.5 * 2 + -2 * 1) / (4 + 2 + 1);
      const whole = paramsAfter({ loss_type: 'dapo', per_device_train_batch_size: 4 }, rs);
      const split = paramsAfter({ loss_type: 'dapo', per_device_train_batch_size: 1 }, rs);
      assert.ok(Math.abs(whole.stats.loss - expected) < 1e-12, `${whole.stats.loss} vs ${expected}`);
      assert.ok(Math.abs(split.stats.loss - expected) < 1e-12, `${split.stats.loss} vs ${expected}`);
      assert.equal(whole.stats.tokens, 7);
      assert.ok(whole.stats.gradNorm > 0);
      let maxDiff = 0;
      whole.values.forEach((w, i) => {
        w.forEach((x, j) => {
          maxDiff = Math.max(maxDiff, Math.abs(x - split.values[i]![j]!));
        });
      });
      assert.ok(maxDiff < 1e-10, `parameters differ by ${maxDiff}`);
    });

    it('no loss token on any rank: no optimizer step, the weights stay as they were', () => {
      const rs = rows().map((r) => ({ ...r, keep: 0 }));
      // weight decay would move every weight if a step were taken
      const before = paramsAfter({ weight_decay: 0.1 }, []).values;
      const after = paramsAfter({ weight_decay: 0.1 }, rs);
      assert.equal(after.stats.gradNorm, 0);
      assert.equal(after.stats.loss, 0);
      assert.deepEqual(after.values, before);
    });
  });

  it('metrics: TRL names over the kept completions; frac_reward_zero_std over every sampled group', () => {
    const batch = emptyBatch();
    batch.kept = [
      { reward: 1, length: 4, truncated: false, keep: 1 },
      { reward: 0, length: 2, truncated: true, keep: 1 },
    ];
    batch.generated = 6;
    batch.wellFormed = 2;
    batch.zeroStdGroups = 2;
    batch.perFunction = { task: [1, 0, 1, 1, 0, 0] };
    batch.reasonCounts = { correct: 3, wrong: 3 };
    batch.timing = { generate: 3000, score: 1000 };
    const row = stepMetrics(
      batch,
      { loss: 0.5, clipLow: 1, clipHigh: 2, klSum: 0, tokens: 6, entropySum: 3, gradNorm: 0.7 },
      { step: 3, epoch: 1.23456, learningRate: 1e-3, numGenerations: 2, beta: 0, trainMs: 1000, elapsed: 9 },
    );
    assert.equal(row.step, 3);
    assert.equal(row.epoch, 1.2346);
    assert.equal(row.reward, 0.5);
    assert.ok(Math.abs((row.reward_std as number) - Math.SQRT1_2) < 1e-12);
    assert.equal(row.frac_reward_zero_std, 2 / 3);
    assert.equal(row['completions/mean_length'], 3);
    assert.equal(row['completions/clipped_ratio'], 0.5);
    assert.equal(row['completions/well_formed_ratio'], 1 / 3, 'over every sampled completion');
    assert.equal(row.clip_ratio, 0.5);
    assert.equal(row.entropy, 0.5);
    assert.equal(row['time/generate_share'], 0.6);
    assert.equal(row['rewards/task/mean'], 0.5);
    assert.equal(row['reasons/correct'], 3);
    assert.equal(row.groups_used, 1);
    assert.equal(row.kl, undefined);
  });
});
