import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, saveModel } from '../../src/model/index.js';
import { loadSafetensors } from '../../src/model/safetensors.js';
import { sharedDataDir } from '../../src/paths.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';
import { KINDLING, start, startRanks, waitFor } from './spawn.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-dist-sft-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'base');
const traces = join(tmp, 'traces.jsonl');

// Same global batch whatever the world size: 2 rows per micro-batch, 4 micro-batches per step.
const settings = (out: string, extra: string[] = []) => [
  'sft',
  '--model',
  base,
  '--data',
  traces,
  '--out',
  out,
  '--no-progress',
  '--learning_rate',
  '3e-3',
  '--per_device_train_batch_size',
  '2',
  '--gradient_accumulation_steps',
  '4',
  '--max_length',
  '1280',
  '--max_steps',
  '4',
  '--save_steps',
  '2',
  '--threads',
  '1',
  ...extra,
];

type Row = { step: number; loss: number; grad_norm: number; tokens_per_s: number };
const metrics = (run: string): Row[] =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);

function assertSameTraining(a: Row[], b: Row[], what: string) {
  assert.deepEqual(
    b.map((r) => r.step),
    a.map((r) => r.step),
    `${what}: steps`,
  );
  a.forEach((r, i) => {
    assert.ok(
      Math.abs(r.loss - b[i]!.loss) <= 1e-5 * Math.abs(r.loss),
      `${what}: step ${r.step} loss ${r.loss} vs ${b[i]!.loss}`,
    );
    assert.ok(
      Math.abs(r.grad_norm - b[i]!.grad_norm) <= 1e-4 * r.grad_norm,
      `${what}: step ${r.step} grad_norm ${r.grad_norm} vs ${b[i]!.grad_norm}`,
    );
  });
}

async function kindling(args: string[], env: NodeJS.ProcessEnv = {}) {
  const e = await start([KINDLING, ...args], env).exit;
  assert.equal(e.code, 0, `kindling ${args.join(' ')}\n${e.stderr}`);
  return e;
}

before(async () => {
  const m = initModel(tinyQwen2({ max_position_embeddings: 1536 }), { seed: 3 });
  saveModel(m, base, { tokenizer: byteLevelTokenizer() });
  for (const p of m.parameters()) p.dispose();
  // Real warmup data: symbolic-teacher traces for 16 Logic-RL K&K puzzles.
  const kk = join(sharedDataDir(), 'kk', 'logic-rl', '3ppl', 'train.parquet');
  await kindling([
    'kk',
    'teach',
    '--in',
    kk,
    '--samples-per-puzzle',
    '1',
    '--limit',
    '16',
    '--verbosity',
    'low',
    '--out',
    traces,
  ]);
});

describe('data-parallel SFT (kindling launch, 2 ranks, Gloo)', () => {
  const one = join(tmp, 'one');
  const two = join(tmp, 'two');

  it('trains like one process with the same global batch; only rank 0 writes', async () => {
    await kindling(settings(one));
    const launched = await kindling(['launch', '--nproc', '2', '--timeout', '60', '--', ...settings(two)]);
    assertSameTraining(metrics(one), metrics(two), '2 ranks vs 1 process');
    assert.equal(metrics(two).length, 4, 'one metrics row per step (rank 1 writes none)');
    assert.match(launched.stderr, /^kindling launch: started 2 rank\(s\) of 2: rank 0 pid \d+, rank 1 pid \d+/m);
    assert.match(launched.stderr, /^\[rank 0\] sft: 4 steps, final loss/m);
    assert.doesNotMatch(launched.stderr, /^\[rank 1\]/m, 'rank 1 stays quiet');
    assert.ok(existsSync(join(two, 'checkpoints', 'step-2')) && existsSync(join(two, 'checkpoints', 'step-4')));
    // The replicas ended identical to the one-process model (up to float summation order).
    torch.scope(() => {
      const a = loadSafetensors(join(one, 'model', 'model.safetensors'));
      const b = loadSafetensors(join(two, 'model', 'model.safetensors'));
      for (const [name, t] of a) assert.ok(t.allclose(b.get(name)!, 1e-4, 1e-6), `${name} differs`);
    });
  });

  it('resumes with a different world size: 2 ranks → 1 process and 1 process → 2 ranks', async () => {
    for (const [from, to, how] of [
      [two, join(tmp, 'two-then-one'), 'one'],
      [one, join(tmp, 'one-then-two'), 'two'],
    ] as const) {
      cpSync(from, to, { recursive: true });
      rmSync(join(to, 'checkpoints', 'step-4'), { recursive: true }); // as if killed after step 3
      rmSync(join(to, 'model'), { recursive: true });
      if (how === 'one') await kindling([...settings(to), '--resume']);
      else await kindling(['launch', '--nproc', '2', '--timeout', '60', '--', ...settings(to), '--resume']);
      assertSameTraining(
        metrics(one),
        metrics(to),
        `resumed from step 2 of ${from === one ? '1 process' : '2 ranks'} with ${how}`,
      );
    }
  });

  it('a killed rank makes the other exit with an error within the timeout, not hang', async () => {
    const out = join(tmp, 'killed');
    const ranks = await startRanks(
      2,
      [KINDLING, ...settings(out, ['--max_steps', '100000', '--save_steps', '100000', '--logging_steps', '1'])],
      { timeoutMs: 20_000 },
    );
    await waitForFile(join(out, 'metrics.jsonl'));
    ranks[1]!.child.kill('SIGKILL');
    const e0 = await ranks[0]!.exit; // start() would SIGKILL it after 120 s
    assert.equal(e0.signal, null, 'rank 0 exited by itself');
    assert.equal(e0.code, 1);
    assert.match(e0.stderr, /kindling: (allReduce|broadcast|allGather) failed on rank 0 of 2 \(gloo\): /);
  });

  it('kindling launch stops the group when one rank dies and names it', async () => {
    const out = join(tmp, 'launch-killed');
    const launch = start([
      KINDLING,
      'launch',
      '--nproc',
      '2',
      '--timeout',
      '60',
      '--',
      ...settings(out, ['--max_steps', '100000', '--save_steps', '100000']),
    ]);
    await waitFor(launch, /rank 1 pid (\d+)/);
    const pids = [...launch.stderr().matchAll(/rank (\d) pid (\d+)/g)].map((m) => Number(m[2]));
    await waitForFile(join(out, 'metrics.jsonl'));
    process.kill(pids[1]!, 'SIGKILL');
    const e = await launch.exit;
    assert.equal(e.code, 1, e.stderr);
    assert.match(e.stderr, /kindling launch: rank 1 \(pid \d+\) was killed by SIGKILL/);
    assert.match(
      e.stderr,
      /kindling launch: failed — rank 1 was killed by SIGKILL(; then rank 0 exited with code 1)? \(/,
    );
    assert.throws(() => process.kill(pids[0]!, 0), /ESRCH/, 'rank 0 is gone too');
  });
});

function waitForFile(path: string, limitMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (existsSync(path) && readFileSync(path, 'utf8').includes('\n')) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - t0 > limitMs) {
        clearInterval(poll);
        reject(new Error(`${path} did not appear within ${limitMs} ms`));
      }
    }, 50);
  });
}
