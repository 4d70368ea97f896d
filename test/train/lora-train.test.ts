// LoRA training runs: an SFT run killed and resumed equals the uninterrupted one (adapter checkpoints),
// and GRPO with LoRA (checkpointed, chunked) learns the letters task the GRPO tests use.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, saveModel } from '../../src/model/index.js';
import type { Task } from '../../src/tasks/types.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runGrpo } from '../../src/train/grpo.js';
import { GrpoConfigSchema } from '../../src/train/grpo-config.js';
import { runSft } from '../../src/train/sft.js';
import { SftConfigSchema } from '../../src/train/sft-config.js';
import { lettersGrpoSettings, tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-lora-train-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'base');
// GRPO's base: with LoRA the tied head and the final norm stay frozen, so the logits can only move
// as far as the head's scale allows. At the usual 0.02 init no final hidden state gives the 26
// letters more than 10 % of the mass (the todo this test was: reward 0.06 → 0.07); at 0.2, as in a
// trained model's head, a hidden state exists that gives them 99.9 %.
const grpoBase = join(tmp, 'grpo-base');
const data = join(tmp, 'traces.jsonl');
const lora = { use_peft: true, lora_r: 8, lora_alpha: 16, lora_dropout: 0.1 };

before(() => {
  const m = initModel(tinyQwen2({ max_position_embeddings: 512 }), { seed: 2 });
  saveModel(m, base, { tokenizer: byteLevelTokenizer() });
  for (const p of m.parameters()) p.dispose();
  const g = initModel(tinyQwen2({ initializer_range: 0.2 }), { seed: 4 });
  saveModel(g, grpoBase, { tokenizer: byteLevelTokenizer() });
  for (const p of g.parameters()) p.dispose();
  const rows = Array.from({ length: 6 }, (_, i) => ({ prompt: `Q: ${i}+${i}? `, completion: `it is ${2 * i}, done` }));
  writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
});

describe('LoRA training', () => {
  it('SFT with LoRA: kill at step 3, resume; the next losses equal an uninterrupted run; output is an adapter', async () => {
    const c = resolveConfig(SftConfigSchema, undefined, {
      ...lora,
      learning_rate: 1e-2,
      per_device_train_batch_size: 2,
      max_steps: 6,
      save_steps: 2,
    });
    const quiet = { progress: false, log: () => {} };
    const full = await runSft({ model: base, data, out: join(tmp, 'full'), config: c, ...quiet });
    assert.ok(
      existsSync(join(full.modelDir, 'adapter_model.safetensors')),
      'the final output is a PEFT adapter folder',
    );
    assert.ok(!existsSync(join(full.modelDir, 'model.safetensors')), 'the base is not copied');
    assert.ok(full.losses[5]! < full.losses[0]!, `loss falls: ${full.losses}`);
    const out = join(tmp, 'resumed');
    const first = await runSft({ model: base, data, out, config: c, stopAfterSteps: 3, ...quiet });
    assert.equal(first.stopped, true);
    const second = await runSft({ model: base, data, out, config: c, resume: true, ...quiet });
    assert.equal(second.losses.length, 4, 'steps 3–6 run again from the step-2 checkpoint');
    second.losses.forEach((l, i) => assert.equal(l, full.losses[2 + i], `step ${3 + i}`));
  });

  it('modules_to_save is refused with the field named (full-weight modules are not supported)', () => {
    assert.throws(
      () => resolveConfig(SftConfigSchema, undefined, { ...lora, modules_to_save: ['lm_head'] }),
      /modules_to_save: modules_to_save is not supported/,
    );
    resolveConfig(GrpoConfigSchema, undefined, { ...lora, modules_to_save: [] });
  });

  it('GRPO with LoRA learns the letters task', async () => {
    const letters: Task = {
      name: 'letters',
      splits: ['train'],
      load: async () => Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, q: `Say something ${i}:` })),
      prompt: (e) => String(e.q),
      reward: (c) => {
        const bytes = [...Buffer.from(c)];
        return {
          score: bytes.length ? bytes.filter((b) => b >= 97 && b <= 122).length / bytes.length : 0,
          reason: 'l',
        };
      },
      score: (c) => ({ correct: /^[a-z]+$/.test(c), extracted: c, reason: 'l' }),
    };
    const config = resolveConfig(GrpoConfigSchema, undefined, {
      ...lettersGrpoSettings,
      ...lora,
      lora_r: 16,
      learning_rate: 3e-2, // LoRA without regret: ~10× the full fine-tuning rate
      num_generations: 8,
      per_device_train_batch_size: 16,
      max_steps: 12,
      // The memory options on: the update runs checkpointed (dropout masks replayed) and chunked.
      gradient_checkpointing: true,
      chunked_loss: true,
      loss_chunk_size: 4,
    });
    const r = await runGrpo({
      model: grpoBase,
      task: letters,
      train: await letters.load('train'),
      out: join(tmp, 'grpo'),
      config,
      progress: false,
      log: () => {},
    });
    const rewards = r.metrics.map((m) => m.reward!);
    // Step 1 samples from the base (B = 0); later steps from the updated adapter, merged for sampling.
    const last = rewards.slice(-5).reduce((a, b) => a + b, 0) / 5;
    assert.ok(
      rewards[0]! < 0.2 && last > 0.8,
      `mean reward ${rewards[0]!.toFixed(3)} → ${last.toFixed(3)} (last 5 steps)`,
    );
    assert.ok(existsSync(join(r.modelDir, 'adapter_config.json')));
  });

  it('GRPO with LoRA and β > 0: the reference is the base (the adapter set aside), so KL starts at 0 and grows', async () => {
    const letters: Task = {
      name: 'letters',
      splits: ['train'],
      load: async () => Array.from({ length: 4 }, (_, i) => ({ id: `q${i}`, q: `Say ${i}:` })),
      prompt: (e) => String(e.q),
      reward: (c) => ({ score: [...Buffer.from(c)].filter((b) => b >= 97 && b <= 122).length, reason: 'l' }),
      score: (c) => ({ correct: /^[a-z]+$/.test(c), extracted: c, reason: 'l' }),
    };
    const config = resolveConfig(GrpoConfigSchema, undefined, {
      ...lettersGrpoSettings,
      ...lora,
      lora_dropout: 0, // the update's dropout alone would make KL > 0 against any reference
      beta: 0.1,
      learning_rate: 3e-2,
      num_generations: 4,
      per_device_train_batch_size: 16,
      max_steps: 3,
    });
    const r = await runGrpo({
      model: grpoBase,
      task: letters,
      train: await letters.load('train'),
      out: join(tmp, 'grpo-kl'),
      config,
      progress: false,
      log: () => {},
    });
    const kl = r.metrics.map((m) => m.kl!);
    assert.ok(Math.abs(kl[0]!) < 1e-6, `step 1: the policy is the base (B = 0): kl ${kl[0]}`);
    assert.ok(kl[2]! > 1e-4, `step 3: the adapter has moved the policy away from the base: kl ${kl}`);
  });
});
