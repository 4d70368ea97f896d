// `kindling grpo --task math|code|mcq` through the CLI on a tiny random model: math from a --train
// file of MATH rows, code (HumanEval+'s train split, rewards judged in the sandbox) and mcq:physics
// (MMLU-Pro's physics train part) from their own rows, one or two real steps each. The math run
// also writes TensorBoard event files, read back with the `tensorboard` package's own reader
// (test/peers/tensorboard_read.py) and compared with metrics.jsonl.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readMetrics } from '../../src/report/load.js';
import { tinyModelDir } from '../eval/helpers.js';
import { runPeer } from '../peers.js';
import { kindling } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-grpo-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const model = tinyModelDir(tmp, 'tiny', 3);
const SMALL = [
  '--prompts_per_step',
  '2',
  '--num_generations',
  '2',
  '--per_device_train_batch_size',
  '4',
  '--max_completion_length',
  '8',
  '--learning_rate',
  '1e-3',
  '--save_steps',
  '1000',
  '--log_completions_steps',
  '0',
  '--no-progress',
];
const metrics = (dir: string) => readMetrics(join(dir, 'metrics.jsonl'));

function grpo(task: string, out: string, more: string[]): void {
  const r = kindling(['grpo', '--model', model, '--task', task, '--out', out, ...SMALL, ...more]);
  assert.equal(r.status, 0, r.stderr.slice(-3000));
}

describe('kindling grpo --task', () => {
  it('math --train FILE (MATH rows): trains on those rows and mirrors metrics.jsonl to TensorBoard', () => {
    const train = join(tmp, 'math.jsonl');
    writeFileSync(
      train,
      [
        [1, 1],
        [2, 3],
        [3, 4],
        [5, 5],
      ]
        .map(([a, b], i) =>
          JSON.stringify({ problem: `What is ${a}+${b}?`, answer: String(a! + b!), unique_id: `m${i}` }),
        )
        .join('\n'),
    );
    const out = join(tmp, 'math');
    grpo('math', out, ['--train', train, '--max_steps', '2', '--tensorboard', 'true']);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.deepEqual([cfg.task, cfg.train_rows, cfg.tensorboard], ['math', 4, true]);
    const rows = metrics(out);
    assert.deepEqual(
      rows.map((r) => r.step),
      [1, 2],
    );
    // TensorBoard's own reader: every numeric metric of every row, at its step, as float32
    const logdir = join(out, 'tensorboard');
    assert.equal(readdirSync(logdir).filter((f) => f.startsWith('events.out.tfevents.')).length, 1);
    const tb = JSON.parse(runPeer('tensorboard_read.py', [logdir])) as {
      tags: Record<string, [number, number][]>;
      file_version: number;
    };
    assert.equal(tb.file_version, 2, "the first event is the file version, 'brain.Event:2'");
    const expected: Record<string, [number, number][]> = {};
    for (const r of rows)
      for (const [k, v] of Object.entries(r))
        if (typeof v === 'number' && Number.isFinite(v)) (expected[k] ??= []).push([r.step!, Math.fround(v)]);
    assert.ok(
      expected.reward && expected.loss && expected['completions/mean_length'],
      'the run logged the usual metrics',
    );
    assert.deepEqual(tb.tags, expected);
  });

  it('code (HumanEval+ train split, sandboxed rewards) and mcq:physics (MMLU-Pro physics) train on their own rows', () => {
    for (const [task, domainRows] of [
      ['code', 2],
      ['mcq:physics', 2],
    ] as const) {
      const out = join(tmp, task.replace(':', '-'));
      grpo(task, out, ['--limit', String(domainRows), '--max_steps', '1']);
      const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
      assert.equal(cfg.train_rows, domainRows, task);
      const [row] = metrics(out);
      assert.equal(row!.step, 1, task);
      assert.ok(Number.isFinite(row!.reward) && Number.isFinite(row!.loss), `${task}: ${JSON.stringify(row)}`);
      assert.ok(readdirSync(join(out, 'model')).includes('model.safetensors'), `${task}: the trained model is saved`);
    }
  });
});
