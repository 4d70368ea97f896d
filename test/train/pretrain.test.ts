import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, saveModel } from '../../src/model/index.js';
import { REPO_ROOT, sharedDataDir } from '../../src/paths.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runPretrain } from '../../src/train/pretrain.js';
import { PretrainConfigSchema } from '../../src/train/pretrain-config.js';
import { tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-pretrain-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'init');
const tok = byteLevelTokenizer();
// Real text: MATH-500 problems, one document each.
const docs = readFileSync(join(sharedDataDir(), 'math500', 'test.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .slice(0, 200)
  .map((l) => JSON.parse(l).problem as string);
const cfg = (o: Record<string, unknown> = {}) =>
  resolveConfig(PretrainConfigSchema, undefined, {
    learning_rate: 3e-3,
    warmup_steps: 5,
    max_steps: 30,
    per_device_train_batch_size: 8,
    seq_length: 64,
    eval_steps: 15,
    save_steps: 10,
    eval_split: 0.05,
    ...o,
  });

before(() => {
  const m = initModel(tinyQwen2(), { seed: 1 });
  saveModel(m, base, { tokenizer: tok });
});

describe('pretraining', () => {
  it('loss falls on a real corpus; eval loss on held-out documents', async () => {
    const r = await runPretrain(
      { model: base, documents: docs, out: join(tmp, 'run'), config: cfg(), progress: false, log: () => {} },
      tok,
    );
    assert.equal(r.steps, 30);
    assert.ok(r.losses[29]! < r.losses[0]! - 1.5, `loss ${r.losses[0]} → ${r.losses[29]}`);
    assert.ok(r.evalLoss !== null && r.evalLoss < r.losses[0]!);
  });

  it('gradient_checkpointing and chunked_loss train the same run (losses equal to float32 rounding)', async () => {
    const run = (out: string, o: Record<string, unknown>) =>
      runPretrain(
        {
          model: base,
          documents: docs,
          out: join(tmp, out),
          config: cfg({ max_steps: 4, ...o }),
          progress: false,
          log: () => {},
        },
        tok,
      );
    const plain = await run('mem-plain', {});
    const saving = await run('mem-saving', { gradient_checkpointing: true, chunked_loss: true, loss_chunk_size: 16 });
    saving.losses.forEach((l, i) =>
      assert.ok(Math.abs(l - plain.losses[i]!) <= 1e-5 * plain.losses[i]!, `step ${i + 1}: ${l} vs ${plain.losses[i]}`),
    );
  });

  it('resumes exactly from a checkpoint', async () => {
    const full = await runPretrain(
      {
        model: base,
        documents: docs,
        out: join(tmp, 'full'),
        config: cfg({ max_steps: 14 }),
        progress: false,
        log: () => {},
      },
      tok,
    );
    const out = join(tmp, 'part');
    await runPretrain(
      {
        model: base,
        documents: docs,
        out,
        config: cfg({ max_steps: 14 }),
        stopAfterSteps: 12,
        progress: false,
        log: () => {},
      },
      tok,
    );
    const rest = await runPretrain(
      {
        model: base,
        documents: docs,
        out,
        config: cfg({ max_steps: 14 }),
        resume: true,
        progress: false,
        log: () => {},
      },
      tok,
    );
    assert.equal(rest.losses.length, 4);
    rest.losses.forEach((l, i) => assert.ok(Math.abs(l - full.losses[10 + i]!) < 1e-6, `step ${11 + i}`));
  });

  it('the CLI pretrains a model made by `kindling model init` on a corpus file', () => {
    const corpus = join(tmp, 'corpus.txt');
    writeFileSync(corpus, docs.join('\n\n'));
    const cfgFile = join(tmp, 'tiny.json');
    writeFileSync(
      cfgFile,
      JSON.stringify(
        tinyQwen2({
          hidden_size: 32,
          intermediate_size: 64,
          num_hidden_layers: 1,
          num_attention_heads: 2,
          num_key_value_heads: 1,
          vocab_size: 384,
          max_position_embeddings: 128,
        }),
      ),
    );
    const k = (args: string[]) =>
      spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kindling.js'), ...args], { encoding: 'utf8' });
    const init = k([
      'model',
      'init',
      '--config',
      cfgFile,
      '--train-tokenizer',
      corpus,
      '--vocab',
      '384',
      '--out',
      join(tmp, 'cli-init'),
    ]);
    assert.equal(init.status, 0, init.stderr);
    const r = k([
      'pretrain',
      '--model',
      join(tmp, 'cli-init'),
      '--corpus',
      corpus,
      '--out',
      join(tmp, 'cli-run'),
      '--max_steps',
      '3',
      '--seq_length',
      '32',
      '--per_device_train_batch_size',
      '4',
      '--no-progress',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readFileSync(join(tmp, 'cli-run', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      3,
    );
  });
});
