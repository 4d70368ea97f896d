// The paper's 50/114 HumanEval+ split: datasets' train_test_split(train_size=50, shuffle=True,
// seed=42), reproduced draw for draw and checked against Hugging Face datasets itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createHumanEvalPlusTask, numpyPermutation, trainTestSplit } from '../../../src/tasks/code/index.js';
import { PYTHON } from '../../peers.js';

function datasetsSplit(seed: number): { train: number[]; test: number[] } {
  const py = `
import json
from datasets import Dataset
ds = Dataset.from_dict({'i': list(range(164))})
s = ds.train_test_split(train_size=50, shuffle=True, seed=${seed})
print(json.dumps({'train': list(s['train']['i']), 'test': list(s['test']['i'])}))
`;
  const r = spawnSync(PYTHON, ['-c', py], { encoding: 'utf8', env: { ...process.env, HF_DATASETS_OFFLINE: '1' } });
  assert.equal(r.status, 0, `datasets peer failed (run scripts/setup.sh --peers): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('split: seed 42 gives the authors’ split, identical to Hugging Face datasets', () => {
  const ours = trainTestSplit(164, 50, 42);
  assert.deepEqual(ours, datasetsSplit(42));
  assert.equal(ours.train.length, 50);
  assert.equal(ours.test.length, 114);
  assert.deepEqual(ours.train.slice(0, 6), [106, 80, 69, 137, 1, 121]);
  assert.equal(new Set([...ours.train, ...ours.test]).size, 164, 'disjoint and complete');
});

test('split: other seeds also match datasets', () => {
  assert.deepEqual(trainTestSplit(164, 50, 7), datasetsSplit(7));
});

test('split: numpy permutation is a permutation and rejects bad arguments', () => {
  const p = numpyPermutation(1000, 3);
  assert.deepEqual(
    [...p].sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.throws(() => trainTestSplit(164, 0, 42), /train size/);
  assert.throws(() => trainTestSplit(164, 50, -1), /seed/);
});

test('split: the task loads train/test/all from the split', async () => {
  const task = createHumanEvalPlusTask();
  const train = await task.load('train');
  const testRows = await task.load('test');
  const all = await task.load('all');
  assert.equal(train.length, 50);
  assert.equal(testRows.length, 114);
  assert.equal(all.length, 164);
  assert.equal(train[0]!.task_id, 'HumanEval/106');
  assert.equal((await task.load('test', { limit: 5 })).length, 5);
  assert.equal((await task.load('train', { seed: 7 }))[0]!.task_id, `HumanEval/${trainTestSplit(164, 50, 7).train[0]}`);
  await assert.rejects(task.load('validation'), /unknown split 'validation'/);
  await task.close();
});
