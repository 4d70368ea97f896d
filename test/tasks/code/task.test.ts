// The HumanEval+ task through the common Task interface: the paper's prompts, rewards (format gate
// −2, correct +2, wrong −1) and evaluation scoring, with the real sandbox; plus plain HumanEval
// and the on-disk cache of expected outputs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SandboxPool } from '../../../src/sandbox/index.js';
import {
  type CodeProblem,
  clearGroundTruthMemory,
  createHumanEvalPlusTask,
  createHumanEvalTask,
  groundTruth,
  referenceProgram,
} from '../../../src/tasks/code/index.js';
import { fillTemplate, PAPER_PROMPTS } from '../../../src/tasks/prompts.js';

const pool = new SandboxPool({ workers: 2 });
const task = createHumanEvalPlusTask({ pool });
after(async () => {
  await task.close();
  await pool.close();
});

const all = await task.load('all');
const add = all.find((p) => p.task_id === 'HumanEval/53') as CodeProblem;
const block = (code: string) => '```python\n' + code + '\n```';
const answer = (code: string) => `Let me think. </think> <answer> ${block(code)} </answer>`;

test('task: prompts are the paper’s templates around the problem prompt', () => {
  for (const mode of ['train', 'eval'] as const) {
    const s = task.prompt(add, { mode });
    assert.equal(s, fillTemplate(PAPER_PROMPTS.code[mode], { prompt: add.prompt }));
    assert.ok(s.includes('def add(x: int, y: int):'));
    assert.ok(s.endsWith('Assistant: <think>'));
  }
  assert.deepEqual(task.evalStop, ['Question:', 'Assistant:', 'User:']);
  assert.equal(task.name, 'humanevalplus');
});

test('task: reward — format gate −2, passing code +2, wrong code −1', async () => {
  assert.deepEqual(await task.reward(block(referenceProgram(add)), add), {
    score: -2,
    reason: 'format_no_think_close',
  });
  assert.deepEqual(await task.reward(`a </think> b </think> <answer>x</answer>`, add), {
    score: -2,
    reason: 'format_multiple_think_close',
  });
  assert.deepEqual(await task.reward(answer(referenceProgram(add)), add), { score: 2, reason: 'correct' });
  assert.deepEqual(await task.reward(answer('def add(x, y):\n    return x - y'), add), {
    score: -1,
    reason: 'wrong_fail',
  });
  assert.deepEqual(await task.reward(answer('def add(x, y) return x'), add), { score: -1, reason: 'wrong_error' });
  // Reward extraction takes the first python block of the answer.
  assert.equal(
    (
      await task.reward(
        `t </think> <answer> ${block('def add(x, y):\n    return x + y')} ${block('def add(x, y):\n    return 0')} </answer>`,
        add,
      )
    ).score,
    2,
  );
});

test('task: score — whole output, last python block, no format needed', async () => {
  const good = await task.score(
    `I'd write ${block('def add(x, y):\n    return 0')} but better: ${block('def add(x, y):\n    return x + y')}`,
    add,
  );
  assert.deepEqual(good, { correct: true, extracted: 'def add(x, y):\n    return x + y', reason: 'correct' });
  const bad = await task.score('<answer>def add(x, y):\n    return x * y</answer>', add);
  assert.equal(bad.correct, false);
  assert.equal(bad.extracted, 'def add(x, y):\n    return x * y');
  assert.match(bad.reason, /^fail: base: input 1 of \d+: expected \d+, got \d+$/);
});

test('task: a program that loops forever scores wrong (timeout) and later samples are judged normally', async () => {
  const r = await task.reward(answer('def add(x, y):\n    while True:\n        pass'), add);
  assert.deepEqual(r, { score: -1, reason: 'wrong_timeout' });
  assert.equal((await task.reward(answer(referenceProgram(add)), add)).score, 2);
});

test('task: plain HumanEval is judged by its own test program', async () => {
  const he = createHumanEvalTask({ pool });
  const problems = await he.load('all');
  assert.equal(problems.length, 164);
  const p = problems.find((q) => q.task_id === 'HumanEval/53')!;
  const ok = await he.check(referenceProgram(p), p);
  assert.deepEqual(ok, {
    base_passed: true,
    plus_passed: null,
    passed: true,
    status: 'pass',
    base_status: 'pass',
    plus_status: null,
    detail: '',
  });
  const wrong = await he.check('def add(x, y):\n    return x - y', p);
  assert.equal(wrong.status, 'fail');
  assert.match(wrong.detail, /assertion failed/);
  const broken = await he.check('def add(x, y) return', p);
  assert.equal(broken.status, 'error');
  assert.match(broken.detail, /SyntaxError/);
  await he.close();
});

test('ground truth: expected outputs are cached on disk and read back without the sandbox', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-gt-'));
  const local = new SandboxPool({ workers: 1 });
  clearGroundTruthMemory();
  const first = await groundTruth(local, add, { cacheDir: dir });
  assert.equal(first.times.base.length, add.n_base);
  assert.equal(first.times.plus.length, add.n_plus);
  assert.equal(readdirSync(dir).length, 1);
  await local.close();
  clearGroundTruthMemory();
  // The pool is closed: the second read can only come from the disk cache.
  const second = await groundTruth(local, add, { cacheDir: dir });
  assert.deepEqual(second.times, first.times);
  assert.deepEqual(Buffer.from(second.expected), Buffer.from(first.expected));
  // A different reference solution is a different key.
  clearGroundTruthMemory();
  await assert.rejects(
    groundTruth(local, { ...add, canonical_solution: `${add.canonical_solution}\n` }, { cacheDir: dir }),
    /closed/,
  );
  assert.ok(existsSync(dir));
});
