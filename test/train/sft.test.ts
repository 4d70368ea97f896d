import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, loadModel, saveModel } from '../../src/model/index.js';
import { REPO_ROOT } from '../../src/paths.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { resolveConfig } from '../../src/train/config-load.js';
import { runSft, sftLossSum } from '../../src/train/sft.js';
import { SftConfigSchema } from '../../src/train/sft-config.js';
import { readSftRows, tokenizeSft } from '../../src/train/sft-data.js';
import { runPeer } from '../peers.js';
import { tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-sft-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const tok = byteLevelTokenizer();
const base = join(tmp, 'base');
const data = join(tmp, 'traces.jsonl');
const cfg = (o: Record<string, unknown> = {}) =>
  resolveConfig(SftConfigSchema, undefined, {
    learning_rate: 3e-3,
    per_device_train_batch_size: 2,
    gradient_accumulation_steps: 2,
    save_steps: 1000,
    ...o,
  });

const TRACES = [
  { prompt: 'Q: 2+3? Assistant: <think>\n', completion: 'add them: 5</think> <answer>5</answer>' },
  { prompt: 'Q: 7-4? Assistant: <think>\n', completion: 'subtract: 3</think> <answer>3</answer>' },
  {
    prompt: 'Q: who is a knight? Assistant: <think>\n',
    completion: 'Zoey lies, so Zoey is a knave</think> <answer>(1) Zoey is a knave</answer>',
  },
  { prompt: 'Q: 6*2? Assistant: <think>\n', completion: 'multiply: 12</think> <answer>12</answer>' },
  { prompt: 'Q: 9-9? Assistant: <think>\n', completion: 'nothing left: 0</think> <answer>0</answer>' },
  { prompt: 'Q: 1+1? Assistant: <think>\n', completion: 'one and one: 2</think> <answer>2</answer>' },
];

before(() => {
  const m = initModel(tinyQwen2({ max_position_embeddings: 512 }), { seed: 2 });
  saveModel(m, base, { tokenizer: tok });
  for (const p of m.parameters()) p.dispose();
  writeFileSync(data, TRACES.map((t) => JSON.stringify(t)).join('\n') + '\n');
});

describe('SFT', () => {
  it("one batch's loss equals transformers' completion-only cross-entropy", () => {
    const model = loadModel(base);
    const ex = tokenizeSft(readSftRows(data, null).slice(0, 3), tok, cfg()).examples;
    const tokens = ex.reduce((n, r) => n + r.loss.reduce((a, b) => a + b, 0), 0);
    const ours = torch.noGrad(() => torch.scope(() => sftLossSum(model, ex, 0).item())) / tokens;
    const theirs = JSON.parse(
      runPeer(
        'hf_sft_loss.py',
        [],
        JSON.stringify({ model: base, ids: ex.map((e) => e.ids), loss: ex.map((e) => e.loss) }),
      ),
    ).loss;
    assert.ok(Math.abs(ours - theirs) < 1e-5 * Math.abs(theirs), `kindling ${ours}, transformers ${theirs}`);
  });

  it('the mask boundary is exact: the masked-in tokens decode to completion + EOS', () => {
    for (const e of tokenizeSft(readSftRows(data, null), tok, cfg()).examples) {
      const i = e.loss.indexOf(1);
      const row = TRACES.find((t) => tok.decode(e.ids.slice(0, i)) === t.prompt)!;
      assert.ok(row, 'prompt part decodes to the prompt');
      assert.equal(tok.decode(e.ids.slice(i)), `${row.completion}<|endoftext|>`);
      assert.ok(e.loss.slice(i).every((x) => x === 1));
    }
    // text rows split at the response template, the paper's way
    const textFile = join(tmp, 'text.jsonl');
    writeFileSync(textFile, JSON.stringify({ text: `${TRACES[0]!.prompt}${TRACES[0]!.completion}` }) + '\n');
    const [r] = readSftRows(textFile, ' Assistant: <think>\n');
    assert.equal(r!.prompt, TRACES[0]!.prompt);
    assert.equal(r!.completion, TRACES[0]!.completion);
  });

  it('prompt positions get zero gradient, completion positions do not', () => {
    const model = loadModel(base);
    const [e] = tokenizeSft(readSftRows(data, null).slice(0, 1), tok, cfg()).examples;
    const boundary = e!.loss.indexOf(1); // first target token; position boundary-1 predicts it
    torch.scope(() => {
      const ids = torch.tensor([e!.ids.slice(0, -1)], { dtype: 'int64' });
      const h = torch
        .noGrad(() => model.hidden(ids))
        .detach()
        .requiresGrad_();
      const logits = torch.nn.functional.linear(h, model.lmHead).logSoftmax(-1);
      const targets = torch.tensor([e!.ids.slice(1)], { dtype: 'int64' });
      const mask = torch.tensor([e!.loss.slice(1)]);
      logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1).mul(mask).sum().neg().backward();
      const g = h.grad!.select(0, 0).abs().sum(-1).toArray();
      g.slice(0, boundary - 1).forEach((x, i) => assert.equal(x, 0, `prompt position ${i}`));
      g.slice(boundary - 1).forEach((x, i) => assert.ok(x > 0, `completion position ${boundary - 1 + i}`));
    });
  });

  it('a tiny model overfits a handful of traces; eval loss is computed on held-out rows', async () => {
    const out = join(tmp, 'overfit');
    const r = await runSft({
      model: base,
      data,
      out,
      config: cfg({
        max_steps: 40,
        eval_split: 0.2,
        eval_steps: 20,
        lr_scheduler_type: 'constant',
        per_device_train_batch_size: 5,
        gradient_accumulation_steps: 1,
      }),
      progress: false,
      log: () => {},
    });
    assert.ok(
      r.losses[r.losses.length - 1]! < r.losses[0]! * 0.3,
      `loss ${r.losses[0]} → ${r.losses[r.losses.length - 1]}`,
    );
    assert.ok(r.evalLoss !== null && Number.isFinite(r.evalLoss));
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(rows.length, 40);
    assert.ok(rows.filter((x) => 'eval_loss' in x).length === 2);
    for (const k of ['step', 'epoch', 'loss', 'grad_norm', 'learning_rate', 'tokens_per_s', 'elapsed'])
      assert.ok(k in rows[0], k);
    const final = loadModel(r.modelDir);
    assert.equal(final.config.architecture, 'Qwen2ForCausalLM');
  });

  it('bf16 mixed precision: learns with float32 master weights; a bfloat16 dtype with bf16 is refused', async () => {
    const out = join(tmp, 'bf16');
    const c = cfg({
      max_steps: 25,
      lr_scheduler_type: 'constant',
      per_device_train_batch_size: 6,
      gradient_accumulation_steps: 1,
      bf16: true,
    });
    const r = await runSft({ model: base, data, out, config: c, progress: false, log: () => {} });
    assert.ok(r.losses[24]! < r.losses[0]! * 0.5, `loss ${r.losses[0]} → ${r.losses[24]}`);
    // the forward really ran in bfloat16: the first loss differs from float32's by rounding, not more
    const f32 = await runSft({
      model: base,
      data,
      out: join(tmp, 'f32'),
      config: cfg({ ...c, bf16: false, max_steps: 1 }),
      progress: false,
      log: () => {},
    });
    const rel = Math.abs(r.losses[0]! - f32.losses[0]!) / f32.losses[0]!;
    assert.ok(rel > 1e-6 && rel < 2e-2, `bf16 vs float32 first loss: relative difference ${rel}`);
    // the saved weights are the float32 master copy, not bf16-rounded
    const saved = loadModel(r.modelDir);
    assert.equal(saved.dtype, 'float32');
    const w = saved.p('model.layers.0.mlp.up_proj.weight').flatten().toArray() as number[];
    const bf16Exact = w.filter((x) => (new Uint32Array(new Float32Array([x]).buffer)[0]! & 0xffff) === 0).length;
    assert.ok(bf16Exact < w.length / 2, 'weights were updated in float32');
    await assert.rejects(
      runSft({
        model: base,
        data,
        out: join(tmp, 'bf16-bad'),
        config: cfg({ bf16: true, dtype: 'bfloat16' }),
        progress: false,
        log: () => {},
      }),
      /bf16: true keeps float32 master weights and needs dtype: float32 \(got dtype: bfloat16\)/,
    );
  });

  it('kill at step k, resume: the next losses equal an uninterrupted run', async () => {
    const c = cfg({ max_steps: 6, save_steps: 2, warmup_steps: 2, lr_scheduler_type: 'cosine', weight_decay: 0.1 });
    const full = await runSft({ model: base, data, out: join(tmp, 'full'), config: c, progress: false, log: () => {} });
    const out = join(tmp, 'resumed');
    const first = await runSft({
      model: base,
      data,
      out,
      config: c,
      stopAfterSteps: 3,
      progress: false,
      log: () => {},
    });
    assert.equal(first.stopped, true); // step 3 ran but was never saved: resume starts from step 2
    const second = await runSft({ model: base, data, out, config: c, resume: true, progress: false, log: () => {} });
    assert.equal(second.steps, 6);
    assert.equal(second.losses.length, 4);
    second.losses.forEach((l, i) =>
      assert.ok(
        Math.abs(l - full.losses[2 + i]!) < 1e-6,
        `step ${3 + i}: resumed ${l}, uninterrupted ${full.losses[2 + i]}`,
      ),
    );
    const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6], 'metrics of the interrupted step are not duplicated');
  });

  it('bad settings and malformed rows are reported with the field or line', () => {
    assert.throws(
      () => resolveConfig(SftConfigSchema, undefined, { learning_rate: -1 }),
      /--learning_rate: .*(greater than 0|>0)/i,
    );
    assert.throws(
      () => resolveConfig(SftConfigSchema, undefined, { lr_scheduler_type: 'wobbly' }),
      /--lr_scheduler_type/,
    );
    assert.throws(() => resolveConfig(SftConfigSchema, undefined, { learning_rte: 1 }), /learning_rte/);
    const yaml = join(tmp, 'bad.yaml');
    writeFileSync(yaml, 'learning_rate: 1e-4\nper_device_train_batch_size: 0\n');
    assert.throws(() => resolveConfig(SftConfigSchema, yaml, {}), /bad\.yaml: field 'per_device_train_batch_size'/);
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify(TRACES[0])}\n{"prompt": "x", "completion": 3}\n`);
    assert.throws(() => readSftRows(bad, null), /bad\.jsonl:2: field 'completion' must be a string/);
    writeFileSync(bad, `${JSON.stringify(TRACES[0])}\n{oops\n`);
    assert.throws(() => readSftRows(bad, null), /bad\.jsonl:2: not valid JSON/);
  });

  it('the CLI runs with a YAML config and --key value overrides', () => {
    const yaml = join(tmp, 'cli.yaml');
    writeFileSync(yaml, 'learning_rate: 1.0e-3\nmax_steps: 3\nper_device_train_batch_size: 3\n');
    const out = join(tmp, 'cli-run');
    const sft = (...flags: string[]) =>
      spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'bin/kindling.js'), 'sft', '--model', base, '--data', data, '--out', out, ...flags],
        { encoding: 'utf8' },
      );
    const r = sft('--config', yaml, '--max_steps', '2', '--no-progress');
    assert.equal(r.status, 0, r.stderr);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 2);
    const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.equal(saved.learning_rate, 1e-3);
    const bad = sft('--warmup_steps', '-3');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--warmup_steps/);
  });
});

describe('SFT interruption', () => {
  it('Ctrl-C finishes the step, saves a checkpoint, exits 130; --resume continues from it', async () => {
    const { spawn } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const out = join(tmp, 'sigint');
    const args = [
      join(REPO_ROOT, 'bin/kindling.js'),
      'sft',
      '--model',
      base,
      '--data',
      data,
      '--out',
      out,
      '--max_steps',
      '400',
      '--per_device_train_batch_size',
      '2',
      '--learning_rate',
      '1e-4',
      '--save_steps',
      '1000',
      '--no-progress',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const metrics = join(out, 'metrics.jsonl');
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    // Poll for the first logged step, with a deadline and an early exit that fail instead of hanging.
    await new Promise<void>((resolve, reject) => {
      const stop = () => {
        clearInterval(t);
        clearTimeout(deadline);
      };
      const deadline = setTimeout(() => {
        stop();
        child.kill('SIGKILL');
        reject(new Error(`no metrics.jsonl row within 120 s; stderr: ${stderr}`));
      }, 120_000);
      child.once('exit', (c) => {
        stop();
        reject(new Error(`kindling sft exited (${c}) before it logged a step; stderr: ${stderr}`));
      });
      const t = setInterval(() => {
        if (existsSync(metrics) && readFileSync(metrics, 'utf8').trim()) {
          stop();
          child.kill('SIGINT');
          resolve();
        }
      }, 50);
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 130);
    const steps = readFileSync(metrics, 'utf8').trim().split('\n').length;
    assert.ok(steps < 400, `stopped early (${steps} steps)`);
    assert.ok(
      existsSync(join(out, 'checkpoints', `step-${steps}`, 'trainer_state.json')),
      'checkpoint of the interrupted step',
    );
    const resumed = spawnSync(
      process.execPath,
      [
        ...args.slice(0, -9),
        '--max_steps',
        String(steps + 2),
        '--per_device_train_batch_size',
        '2',
        '--learning_rate',
        '1e-4',
        '--save_steps',
        '1000',
        '--no-progress',
        '--resume',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming from .*step-${steps}`));
  });
});
