import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, saveModel } from '../../src/model/index.js';
import type { Example, Task } from '../../src/tasks/types.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runGrpo } from '../../src/train/grpo.js';
import { GrpoConfigSchema } from '../../src/train/grpo-config.js';
import { lettersGrpoSettings, tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-grpo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'base');

/** A task a tiny random model can learn in a minute: write lowercase letters. Reward = fraction of a–z bytes. */
const letters: Task = {
  name: 'letters',
  splits: ['train'],
  load: async () => Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, q: `Say something ${i}:` })),
  prompt: (e) => String(e.q),
  reward: (c) => {
    const bytes = [...Buffer.from(c)];
    return {
      score: bytes.length ? bytes.filter((b) => b >= 97 && b <= 122).length / bytes.length : 0,
      reason: 'letters',
    };
  },
  score: (c) => ({ correct: /^[a-z]+$/.test(c), extracted: c, reason: 'letters' }),
};

const cfg = (o: Record<string, unknown> = {}) =>
  resolveConfig(GrpoConfigSchema, undefined, {
    ...lettersGrpoSettings,
    num_generations: 8,
    per_device_train_batch_size: 16,
    max_steps: 40,
    ...o,
  });

let train: Example[];
before(async () => {
  const m = initModel(tinyQwen2({ initializer_range: 0.02 }), { seed: 4 });
  saveModel(m, base, { tokenizer: byteLevelTokenizer() });
  for (const p of m.parameters()) p.dispose();
  train = await letters.load('train');
});

describe('GRPO trainer', () => {
  it('mean reward rises clearly on a learnable task (paper recipe: dapo, no std scaling, β = 0)', async () => {
    const r = await runGrpo({
      model: base,
      task: letters,
      train,
      out: join(tmp, 'learn'),
      config: cfg(),
      progress: false,
      log: () => {},
    });
    const rewards = r.metrics.map((m) => m.reward!);
    const first = rewards.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
    const lastFive = rewards.slice(-5).reduce((a, b) => a + b, 0) / 5;
    assert.ok(
      lastFive > first + 0.25 && lastFive > 2 * first,
      `mean reward ${first.toFixed(3)} → ${lastFive.toFixed(3)}`,
    );
    const row = JSON.parse(
      readFileSync(join(tmp, 'learn', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')[0]!,
    );
    for (const k of [
      'reward',
      'reward_std',
      'frac_reward_zero_std',
      'completions/mean_length',
      'completions/min_length',
      'completions/max_length',
      'completions/clipped_ratio',
      'completions/well_formed_ratio',
      'completions/novel_word_ratio',
      'clip_ratio',
      'entropy',
      'grad_norm',
      'learning_rate',
      'time/generate',
      'time/score',
      'time/train',
      'rewards/task/mean',
    ])
      assert.ok(k in row, `metric ${k}`);
  });

  it('resume after a kill continues identically (same prompts, same seeds)', async () => {
    const c = cfg({ max_steps: 5, save_steps: 2, num_iterations: 2, beta: 0.05, log_completions_steps: 1 });
    const full = await runGrpo({
      model: base,
      task: letters,
      train,
      out: join(tmp, 'full'),
      config: c,
      progress: false,
      log: () => {},
    });
    const out = join(tmp, 'resumed');
    const killed = await runGrpo({
      model: base,
      task: letters,
      train,
      out,
      config: c,
      stopAfterSteps: 3,
      progress: false,
      log: () => {},
    });
    assert.equal(killed.stopped, true);
    const resumed = await runGrpo({
      model: base,
      task: letters,
      train,
      out,
      config: c,
      resume: true,
      progress: false,
      log: () => {},
    });
    assert.equal(resumed.metrics.length, 3, 'steps 3–5 run again from the step-2 checkpoint');
    resumed.metrics.forEach((m, i) => {
      const f = full.metrics[2 + i]!;
      assert.ok(Math.abs(m.reward! - f.reward!) < 1e-9, `step ${3 + i} reward ${m.reward} vs ${f.reward}`);
      assert.ok(Math.abs(m.loss! - f.loss!) < 1e-6, `step ${3 + i} loss ${m.loss} vs ${f.loss}`);
      assert.equal(m['completions/mean_length'], f['completions/mean_length']);
    });
  });

  it('reward functions that throw or time out are reported, score the lowest reward, and do not stop the run', async () => {
    const lines: string[] = [];
    const r = await runGrpo({
      model: base,
      task: letters,
      train,
      out: join(tmp, 'faulty'),
      progress: false,
      log: (l) => lines.push(l),
      config: cfg({ max_steps: 2, reward_timeout: 0.2, reward_weights: { task: 1, flaky: 0.5, slow: 0.5 } }),
      rewards: [
        {
          name: 'flaky',
          weight: 1,
          fn: (c) => {
            if (c.length % 2) throw new Error('verifier crashed');
            return 1;
          },
        },
        { name: 'slow', weight: 1, fn: () => new Promise((res) => setTimeout(() => res(1), 5000)) },
      ],
    });
    assert.equal(r.steps, 2);
    assert.ok(
      r.metrics.every((m) => m['rewards/failures']! >= 32),
      'every slow call failed',
    );
    assert.equal(r.metrics[0]!['rewards/slow/mean'], -2);
    assert.ok(lines.some((l) => /timed out after 0.2 s/.test(l) || /verifier crashed/.test(l)));
  });

  it('dynamic sampling drops zero-variance groups', async () => {
    const constant: Task = { ...letters, reward: () => ({ score: 1, reason: 'same' }) };
    const r = await runGrpo({
      model: base,
      task: constant,
      train,
      out: join(tmp, 'flat'),
      progress: false,
      log: () => {},
      config: cfg({ max_steps: 2, dynamic_sampling: 'drop' }),
    });
    for (const m of r.metrics) {
      assert.equal(m.frac_reward_zero_std, 1);
      assert.equal(m.groups_used, 0);
      assert.equal(m.loss, 0);
    }
  });

  it('masked truncated completions drop out of the loss (checked against the logged rollouts) and change the update', async () => {
    // Stop strings end about half the completions early, the others hit max_completion_length.
    // One step, μ = 1, β = 0, dapo: the ratio is exactly 1, so the loss is −Σ keepᵢ·Aᵢ·Lᵢ / Σ keepᵢ·Lᵢ.
    const stop = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
    const one = (mask: boolean) =>
      runGrpo({
        model: base,
        task: letters,
        train,
        out: join(tmp, `mask-${mask}`),
        progress: false,
        log: () => {},
        config: cfg({
          max_steps: 1,
          max_completion_length: 6,
          log_completions_steps: 1,
          mask_truncated_completions: mask,
          stop,
        }),
      });
    type Sample = { completion: string; advantage: number; finish_reason: string; tokens: number };
    const samples = (dir: string): Sample[] =>
      readFileSync(join(dir, 'samples.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const lossOf = (xs: Sample[], mask: boolean) => {
      const keep = (x: Sample) => (mask && x.finish_reason === 'length' ? 0 : 1);
      const den = xs.reduce((n, x) => n + keep(x) * x.tokens, 0);
      return xs.reduce((n, x) => n - keep(x) * x.advantage * x.tokens, 0) / den;
    };

    const masked = await one(true);
    const plain = await one(false);
    const sm = samples(join(tmp, 'mask-true'));
    const sp = samples(join(tmp, 'mask-false'));
    assert.deepEqual(
      sm.map((x) => x.completion),
      sp.map((x) => x.completion),
      'the same rollouts',
    );
    const truncated = sm.filter((x) => x.finish_reason === 'length');
    assert.ok(truncated.length >= 4 && truncated.length <= sm.length - 4, `${truncated.length}/${sm.length} truncated`);
    assert.ok(
      truncated.some((x) => Math.abs(x.advantage) > 0.05),
      'some truncated rows carry a non-zero advantage',
    );
    const lm = masked.metrics[0]!.loss!;
    const lp = plain.metrics[0]!.loss!;
    assert.ok(Math.abs(lm - lossOf(sm, true)) < 1e-5, `masked loss ${lm} vs ${lossOf(sm, true)}`);
    assert.ok(Math.abs(lp - lossOf(sp, false)) < 1e-5, `unmasked loss ${lp} vs ${lossOf(sp, false)}`);
    assert.ok(Math.abs(lm - lp) > 1e-3, `masking changes the loss (${lm} vs ${lp})`);
    assert.notEqual(masked.metrics[0]!.grad_norm, plain.metrics[0]!.grad_norm);
    assert.ok(masked.metrics[0]!.grad_norm! > 0, 'the untruncated rows still give a gradient');

    // the step moves the weights in both runs, differently (the gradient differs, not only its logged value)
    const weights = (dir: string) => readFileSync(join(dir, 'model.safetensors'));
    assert.ok(!weights(masked.modelDir).equals(weights(base)));
    assert.ok(!weights(masked.modelDir).equals(weights(plain.modelDir)));
  });
});

describe('GRPO CLI and presets', () => {
  it('the paper, demo and LoRA presets validate', async () => {
    const { SftConfigSchema } = await import('../../src/train/sft-config.js');
    const { REPO_ROOT } = await import('../../src/paths.js');
    const paper = resolveConfig(GrpoConfigSchema, join(REPO_ROOT, 'configs/grpo/paper.yaml'), {});
    assert.equal(paper.beta, 0);
    assert.equal(paper.num_generations, 10);
    assert.equal(paper.loss_type, 'dapo');
    assert.equal(paper.scale_rewards, 'none');
    resolveConfig(GrpoConfigSchema, join(REPO_ROOT, 'configs/grpo/demo.yaml'), {});
    assert.equal(resolveConfig(SftConfigSchema, join(REPO_ROOT, 'configs/sft/paper.yaml'), {}).learning_rate, 1e-6);
    resolveConfig(SftConfigSchema, join(REPO_ROOT, 'configs/sft/demo.yaml'), {});
    for (const [schema, file] of [
      [SftConfigSchema, 'configs/sft/lora.yaml'],
      [GrpoConfigSchema, 'configs/grpo/lora.yaml'],
    ] as const) {
      const c = resolveConfig(schema, join(REPO_ROOT, file), {});
      assert.ok(c.use_peft && c.gradient_checkpointing && c.chunked_loss, file);
    }
  });

  it('gradient_accumulation_steps is refused for GRPO with a message naming it, not ignored', () => {
    assert.equal(resolveConfig(GrpoConfigSchema, undefined, {}).gradient_accumulation_steps, 1);
    assert.throws(
      () => resolveConfig(GrpoConfigSchema, undefined, { gradient_accumulation_steps: 4 }),
      /--gradient_accumulation_steps: GRPO does not take gradient_accumulation_steps.*per_device_train_batch_size.*\(got 4\)/,
    );
  });

  it('kindling grpo runs a K&K step from the command line with periodic evaluation', async () => {
    const { spawnSync } = await import('node:child_process');
    const { REPO_ROOT } = await import('../../src/paths.js');
    const out = join(tmp, 'cli');
    const r = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'bin/kindling.js'),
        'grpo',
        '--model',
        base,
        '--task',
        'kk',
        '--out',
        out,
        '--limit',
        '4',
        '--max_steps',
        '1',
        '--prompts_per_step',
        '2',
        '--num_generations',
        '2',
        '--max_completion_length',
        '4',
        '--no-progress',
        '--eval-tasks',
        'kk:3',
        '--eval_limit',
        '2',
        '--eval-max-new-tokens',
        '3',
        '--eval-batch-size',
        '1',
        '--seed',
        '7',
        '--max_prompt_length',
        '200',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(rows[rows.length - 1].step, 1);
    assert.equal(rows[rows.length - 1].reward, -2, 'a random model never closes </think>');
    assert.ok(
      Object.keys(rows[0]).some((k) => k.startsWith('eval/')),
      'step-0 evaluation logged',
    );
    // the periodic evaluations use the protocol asked for, with the run's seed
    const step0 = JSON.parse(readFileSync(join(out, 'eval', 'step-0', 'results.json'), 'utf8'));
    assert.equal(step0.protocol.maxNewTokens, 3);
    assert.equal(step0.protocol.seed, 7);
    assert.ok(step0.results[0].length.mean <= 3, 'completions capped at 3 tokens');
  });
});
