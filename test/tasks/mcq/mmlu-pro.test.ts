// MMLU-Pro: the real parquet loads (12,032 rows, 14 categories); the per-category split is
// disjoint; prompts, rewards and evaluation follow the paper; the random guess is seeded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createMmluProTask,
  MMLU_PRO_CATEGORIES,
  mmluProFile,
  mmluProTask,
  randomGuess,
  readMmluPro,
  splitByCategory,
} from '../../../src/tasks/mcq/index.js';
import { fillTemplate, formatOptions, PAPER_PROMPTS } from '../../../src/tasks/prompts.js';

const rowsPromise = readMmluPro(mmluProFile());

test('mmlu-pro: 12,032 test rows load in 14 categories with a gold letter among the options', async () => {
  const rows = await rowsPromise;
  assert.equal(rows.length, 12032);
  assert.deepEqual([...new Set(rows.map((r) => r.category))].sort(), [...MMLU_PRO_CATEGORIES]);
  assert.equal(new Set(rows.map((r) => r.id)).size, 12032);
  for (const r of rows) {
    assert.ok(r.options.length >= 3 && r.options.length <= 10, r.id);
    assert.ok(!r.options.includes('N/A'), r.id);
    assert.equal(r.answer, String.fromCharCode(65 + r.answerIndex), r.id);
    assert.ok(r.answerIndex < r.options.length, r.id);
  }
  assert.equal((await mmluProTask.load('all')).length, 12032);
});

test('mmlu-pro: the per-category split is disjoint, covers the category, and is seeded', async () => {
  const rows = await rowsPromise;
  const { train, test: held } = splitByCategory(rows, { trainPerCategory: 100, seed: 42 });
  const trainIds = new Set(train.map((r) => r.id));
  assert.equal(trainIds.size, 1400);
  assert.ok(held.every((r) => !trainIds.has(r.id)));
  assert.equal(train.length + held.length, rows.length);
  for (const c of MMLU_PRO_CATEGORIES) assert.equal(train.filter((r) => r.category === c).length, 100, c);
  // the paper's physics and history runs
  const physics = await mmluProTask.load('train', { categories: ['physics', 'history'] });
  const physicsTest = await mmluProTask.load('test', { categories: ['physics', 'history'] });
  assert.equal(physics.length, 200);
  assert.equal(physicsTest.length, 1299 + 381 - 200);
  assert.deepEqual(
    physics.map((r) => r.id),
    (await mmluProTask.load('train', { categories: ['physics', 'history'] })).map((r) => r.id),
  );
  const other = await mmluProTask.load('train', { categories: ['physics'], seed: 7 });
  assert.notDeepEqual(
    other.map((r) => r.id).sort(),
    physics
      .filter((r) => r.category === 'physics')
      .map((r) => r.id)
      .sort(),
  );
  await assert.rejects(mmluProTask.load('train', { categories: ['astrology'] }), /unknown categories astrology/);
});

test('mmlu-pro: prompts are the paper templates with options lettered', async () => {
  const [row] = await mmluProTask.load('all', { limit: 1 });
  const p = mmluProTask.prompt(row!, { mode: 'eval' });
  assert.equal(
    p,
    fillTemplate(PAPER_PROMPTS.mmluPro.eval, {
      category: row!.category,
      question: row!.question,
      options: formatOptions(row!.options),
    }),
  );
  assert.ok(p.includes(`A. ${row!.options[0]}\n`));
  assert.ok(mmluProTask.prompt(row!, { mode: 'train' }).includes('multiple choice questions (with answers)'));
});

test('mmlu-pro: rewards (format −2, right +2, wrong −0.5) and evaluation with the random-guess fallback', async () => {
  const ex = { id: 'q1', question: 'q', options: ['a', 'b', 'c', 'd'], answer: 'C', answerIndex: 2, category: 'math' };
  assert.deepEqual(mmluProTask.reward(' think </think> <answer> \\boxed{C} </answer>', ex), {
    score: 2,
    reason: 'correct',
  });
  assert.deepEqual(mmluProTask.reward(' think </think> <answer> B </answer>', ex), { score: -0.5, reason: 'wrong' });
  assert.equal((mmluProTask.reward('<answer> C </answer>', ex) as { score: number }).score, -2);
  assert.deepEqual(mmluProTask.score('so \\boxed{C}', ex), { correct: true, extracted: 'C', reason: 'boxed' });
  const official = createMmluProTask({ chain: 'official' });
  assert.deepEqual(official.score('the answer is (D)', ex), { correct: false, extracted: 'D', reason: 'answer_is' });
  // no letter: a seeded random guess, the same every time for the same response
  const g1 = mmluProTask.score('no idea', ex) as { correct: boolean; reason: string };
  assert.equal(g1.reason, 'random_guess');
  assert.deepEqual(mmluProTask.score('no idea', ex), g1);
  assert.deepEqual(createMmluProTask({ strict: true }).score('no idea', ex), {
    correct: false,
    extracted: null,
    reason: 'none_strict',
  });
  // the guess is uniform over the options
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[randomGuess(4, 0, `k${i}`)]!++;
  assert.ok(
    counts.every((c) => c > 850 && c < 1150),
    String(counts),
  );
  assert.throws(() => randomGuess(0, 0, 'x'), /positive integer/);
});
