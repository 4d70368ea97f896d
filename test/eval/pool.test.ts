// Pooling an evaluation repeated over seeds: every seed's trials become extra trials and the
// aggregate equals what the samples say; folders that are not the same evaluation are refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runEval } from '../../src/eval/harness.js';
import { hash32 } from '../../src/eval/plan.js';
import { poolResults } from '../../src/eval/pool.js';
import { REPO_ROOT } from '../../src/paths.js';
import { makeReport } from '../../src/report/report.js';
import type { TaskEntry } from '../../src/tasks/registry.js';
import type { Task } from '../../src/tasks/types.js';
import { arithmeticEntry, tinySource } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'kindling-pool-'));
after(() => rmSync(root, { recursive: true, force: true }));

// The arithmetic prompts, scored "correct" when a hash of the completion is even: a random model then
// lands near 50 %, so pooled accuracies are not all zeros.
function parityEntry(): TaskEntry {
  const base = arithmeticEntry(10);
  const task = base.task as Task;
  return {
    ...base,
    task: {
      ...task,
      score: (c: string) => ({ correct: hash32(c) % 2 === 0, extracted: c.slice(0, 1), reason: 'parity' }),
    } as Task,
  };
}

const source = tinySource(11);
const evalSeed = (name: string, seed: number, trials = 3) =>
  runEval({
    out: join(root, name),
    models: [
      { label: 'a', source },
      { label: 'b', source: tinySource(12) },
    ],
    tasks: [parityEntry()],
    batchPrompts: 5,
    protocol: { trials, seed, maxNewTokens: 4 },
  });

const lines = (dir: string) =>
  readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('pool-evals', () => {
  it('seeds become extra trials; accuracy, per-example counts and comparisons follow the samples', async () => {
    const s0 = await evalSeed('s0', 0);
    const s1 = await evalSeed('s1', 1000);
    const r = await poolResults({ dirs: [join(root, 's0'), join(root, 's1')], out: join(root, 'pooled') });
    assert.equal(r.results.protocol.trials, 6);
    assert.equal(r.samples, 2 * 2 * 10 * 3);
    assert.deepEqual(
      r.results.pooled_from?.map((p) => p.seed),
      [0, 1000],
    );
    const pooled = lines(join(root, 'pooled'));
    assert.equal(
      new Set(pooled.map((x) => `${x.model}|${x.example_id}|${x.trial}`)).size,
      pooled.length,
      'no cell twice',
    );
    for (const model of ['a', 'b']) {
      const got = r.results.results.find((x) => x.model === model)!;
      const per = (res: typeof s0) => res.results.results.find((x) => x.model === model)!;
      // trials 0–2 are seed 0's, 3–5 seed 1's, in order
      assert.deepEqual(got.accuracy.per_trial, [...per(s0).accuracy.per_trial, ...per(s1).accuracy.per_trial]);
      assert.deepEqual(got.length.per_trial, [...per(s0).length.per_trial, ...per(s1).length.per_trial]);
      // recomputed from the pooled samples themselves
      const mine = pooled.filter((x) => x.model === model);
      const correct = mine.filter((x) => x.correct).length;
      assert.ok(Math.abs(got.accuracy.mean - correct / mine.length) < 1e-12);
      assert.ok(correct > 0 && correct < mine.length, 'the parity score varies');
      for (const [id, c] of Object.entries(got.per_example))
        assert.equal(c, (per(s0).per_example[id] ?? 0) + (per(s1).per_example[id] ?? 0), id);
      assert.equal(got.complete, true);
      assert.ok(Math.abs(got.pass_at_k['1']! - got.accuracy.mean) < 1e-12, 'pass@1 over 6 trials = accuracy');
    }
    assert.equal(r.results.comparisons.length, 1, 'a vs b, paired over examples with 6 trials each');
    assert.equal(r.results.comparisons[0]!.n, 10);
    // a report of the pooled folder says its trials are seeds × trials
    const rep = await makeReport({ dirs: [join(root, 'pooled')], out: join(root, 'report.html'), png: false });
    assert.ok(
      rep.notes.some((n) => n.includes('Pooled over seeds 0, 1000 (pooled)') && n.includes('seeds × trials')),
      rep.notes.join('\n'),
    );
    assert.match(readFileSync(rep.html, 'utf8'), /Pooled over seeds 0, 1000 \(pooled\)/);
  });

  it('refuses folders that are not the same evaluation, naming the folder and the difference', async () => {
    await evalSeed('t4', 2000, 4);
    await assert.rejects(
      poolResults({ dirs: [join(root, 's0'), join(root, 't4')], out: join(root, 'bad') }),
      /t4: protocol field 'trials' is 4, .*s0 has 3/,
    );
    await assert.rejects(
      poolResults({ dirs: [join(root, 's0'), join(root, 'nothing-here')], out: join(root, 'bad') }),
      /nothing-here: no results.json/,
    );
  });

  it('the CLI pools and prints one line per model and task', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'kindling.js'),
        'pool-evals',
        join(root, 's0'),
        join(root, 's1'),
        '--out',
        join(root, 'cli'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /120 samples from 2 folders, 6 trials per example/);
    assert.match(r.stdout, /\n {2}a {2}arith {2}\d+\.\d ± \d+\.\d %/);
    const bad = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), 'pool-evals', join(root, 's0')], {
      encoding: 'utf8',
    });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--out/);
  });
});
