// `kindling launch -- grpo` through the CLI: 2 ranks on one node (--nproc 2), and the same job as
// two single-rank "nodes" (--nnodes 2 --node-rank 0|1 --master 127.0.0.1:PORT, two launch
// processes), each compared step by step with one `kindling grpo` process on the same settings;
// and the multi-node flags' errors. A tiny random model earns the same (format) reward on every
// completion, so these steps have no gradient: what is compared is that the layouts form one job
// that samples exactly as one process does (entropy, lengths, rewards per step). That the gradient
// averages like one process is test/distributed/grpo.test.ts's (ranks started directly, a learnable task).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readMetrics } from '../../src/report/load.js';
import { kindling } from '../cli/run.js';
import { tinyModelDir } from '../eval/helpers.js';
import { freePort, KINDLING, start } from './spawn.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-launch-grpo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const model = tinyModelDir(tmp, 'tiny', 5);
const train = join(tmp, 'math.jsonl');
writeFileSync(
  train,
  Array.from({ length: 8 }, (_, i) =>
    JSON.stringify({ problem: `What is ${i}+${i}?`, answer: String(2 * i), unique_id: `m${i}` }),
  ).join('\n'),
);
const grpo = (out: string) => [
  'grpo',
  '--model',
  model,
  '--task',
  'math',
  '--train',
  train,
  '--out',
  out,
  '--max_steps',
  '2',
  '--prompts_per_step',
  '4',
  '--num_generations',
  '4',
  '--per_device_train_batch_size',
  '16',
  '--max_completion_length',
  '8',
  '--temperature',
  '1',
  '--learning_rate',
  '1e-3',
  '--save_steps',
  '1000',
  '--log_completions_steps',
  '0',
  '--no-progress',
];
const metrics = (dir: string) => readMetrics(join(dir, 'metrics.jsonl'));
const KEYS = ['reward', 'reward_std', 'completions/mean_length', 'loss', 'entropy', 'grad_norm'];
function assertSame(a: Record<string, number>[], b: Record<string, number>[], what: string) {
  assert.deepEqual(
    b.map((r) => r.step),
    a.map((r) => r.step),
    `${what}: steps`,
  );
  a.forEach((r, i) => {
    for (const k of KEYS)
      assert.ok(
        Math.abs(r[k]! - b[i]![k]!) <= 1e-5 * Math.max(1, Math.abs(r[k]!)),
        `${what}: step ${r.step} ${k}: ${r[k]} vs ${b[i]![k]}`,
      );
  });
}

describe('kindling launch -- grpo', () => {
  const one = join(tmp, 'one');

  it('--nproc 2 trains like one process, rank 0 alone writing and speaking', () => {
    const r1 = kindling(grpo(one));
    assert.equal(r1.status, 0, r1.stderr.slice(-2000));
    const two = join(tmp, 'two');
    const r = kindling(['launch', '--nproc', '2', '--timeout', '60', '--', ...grpo(two)]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /^kindling launch: started 2 rank\(s\) of 2: rank 0 pid \d+, rank 1 pid \d+/m);
    assert.equal(metrics(one).length, 2);
    assertSame(metrics(one), metrics(two), '--nproc 2 vs 1 process');
  });

  it('--nnodes 2 --node-rank 0|1 --master ADDR:PORT: two launch processes form one job', async () => {
    const port = await freePort();
    const out = join(tmp, 'nodes');
    const nodes = [0, 1].map((n) =>
      start([
        KINDLING,
        'launch',
        '--nproc',
        '1',
        '--nnodes',
        '2',
        '--node-rank',
        String(n),
        '--master',
        `127.0.0.1:${port}`,
        '--timeout',
        '60',
        '--',
        ...grpo(out),
      ]),
    );
    const exits = await Promise.all(nodes.map((n) => n.exit));
    exits.forEach((e, n) => assert.equal(e.code, 0, `node ${n}: ${e.stderr.slice(-2000)}`));
    assert.match(exits[0]!.stderr, /rank 0 pid \d+/);
    assert.match(exits[1]!.stderr, /rank 1 pid \d+/);
    assertSame(metrics(one), metrics(out), '2 nodes × 1 rank vs 1 process');
  });

  it('bad multi-node flags are named', () => {
    const noMaster = kindling(['launch', '--nproc', '1', '--nnodes', '2', '--', 'grpo']);
    assert.notEqual(noMaster.status, 0);
    assert.match(noMaster.stderr, /--master ADDR:PORT is required with --nnodes > 1/);
    const badRank = kindling([
      'launch',
      '--nproc',
      '1',
      '--nnodes',
      '2',
      '--node-rank',
      '2',
      '--master',
      '127.0.0.1:1',
      '--',
      'grpo',
    ]);
    assert.match(badRank.stderr, /--node-rank 2 must be less than --nnodes 2/);
    const badMaster = kindling(['launch', '--nproc', '1', '--master', 'nowhere', '--', 'grpo']);
    assert.match(badMaster.stderr, /--master must be ADDR:PORT \(e\.g\. 10\.0\.0\.1:29500\), got 'nowhere'/);
  });
});
