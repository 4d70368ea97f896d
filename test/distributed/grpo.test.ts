import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, saveModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { tinyQwen2 } from '../tiny-model.js';
import { runLetters } from './grpo-rank.js';
import { HERE, startRanks } from './spawn.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-dist-grpo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'base');

before(() => {
  const m = initModel(tinyQwen2({ initializer_range: 0.02 }), { seed: 4 });
  saveModel(m, base, { tokenizer: byteLevelTokenizer() });
  for (const p of m.parameters()) p.dispose();
});

/** Runs the same GRPO config as 2 ranks and as 1 process; returns both metric histories. */
async function both(name: string, config: Record<string, unknown>) {
  const ranks = await startRanks(2, [join(HERE, 'grpo-rank.js'), base, join(tmp, `${name}-2`), JSON.stringify(config)]);
  const exits = await Promise.all(ranks.map((r) => r.exit));
  for (const e of exits) assert.equal(e.code, 0, e.stderr);
  const two = JSON.parse(exits[0]!.stdout.trim()) as Record<string, number>[];
  const one = (await runLetters(base, join(tmp, `${name}-1`), config)).metrics;
  return { one, two, twoRank1: JSON.parse(exits[1]!.stdout.trim()) as Record<string, number>[] };
}

const KEYS = [
  'reward',
  'reward_std',
  'frac_reward_zero_std',
  'completions/mean_length',
  'completions/min_length',
  'completions/max_length',
  'completions/clipped_ratio',
  'loss',
  'clip_ratio',
  'entropy',
  'grad_norm',
  'groups_used',
  'rewards/task/mean',
];

function assertSameSteps(one: Record<string, number>[], two: Record<string, number>[], what: string) {
  assert.equal(two.length, one.length, `${what}: steps`);
  one.forEach((m, i) => {
    for (const k of KEYS) {
      const [a, b] = [m[k]!, two[i]![k]!];
      assert.ok(
        Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a)),
        `${what}: step ${i + 1} ${k} ${a} (1 process) vs ${b} (2 ranks)`,
      );
    }
  });
}

describe('data-parallel GRPO (2 ranks, Gloo)', () => {
  it('step metrics equal a one-process run at the same seeds; only rank 0 writes', async () => {
    // 5 prompts per step: rank 0 gets 3, rank 1 gets 2 (whole groups); samples logged every step.
    const { one, two, twoRank1 } = await both('dapo', { prompts_per_step: 5, max_steps: 3, log_completions_steps: 1 });
    assertSameSteps(one, two, 'paper recipe (dapo)');
    assert.ok(
      one.some((m) => m.grad_norm! > 0),
      'the updates were not empty',
    );
    assertSameSteps(one, twoRank1, 'rank 1 sees the same reduced metrics');
    const metricsRows = readFileSync(join(tmp, 'dapo-2', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(metricsRows.length, 3, 'one metrics row per step');
    // samples.jsonl: every rank's completions, written once, in one-process order.
    const strip = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const s = JSON.parse(l);
          return [s.step, s.example_id, s.completion];
        });
    assert.deepEqual(strip(join(tmp, 'dapo-2', 'samples.jsonl')), strip(join(tmp, 'dapo-1', 'samples.jsonl')));
  });

  it('also with batch-scaled advantages, per-sequence loss, μ = 2 with KL, and resampled flat groups', async () => {
    const { one, two } = await both('mixed', {
      prompts_per_step: 3,
      max_steps: 3,
      scale_rewards: 'batch',
      loss_type: 'grpo',
      num_iterations: 2,
      beta: 0.05,
      per_device_train_batch_size: 4,
      dynamic_sampling: 'resample',
    });
    assertSameSteps(one, two, 'grpo loss, μ = 2, β = 0.05, resample');
  });

  it('more ranks than prompts: the idle rank still joins every collective', async () => {
    const { one, two } = await both('idle', { prompts_per_step: 1, max_steps: 2 });
    assertSameSteps(one, two, 'one prompt per step');
  });
});
