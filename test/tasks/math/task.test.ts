// mathTask: the paper's prompts, rewards (format −2, no box −1, correct +2, wrong −0.5) and
// evaluation (the whole output, no format needed).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMathTask, MATH_REWARDS, mathTask } from '../../../src/tasks/math/index.js';
import { PAPER_PROMPTS } from '../../../src/tasks/prompts.js';

const ex = { id: 't1', problem: 'What is $2+2$?', answer: '4' };

test('mathTask: prompts are the paper templates with the problem filled in', async () => {
  const [row] = await mathTask.load('test', { limit: 1 });
  const train = mathTask.prompt(row!, { mode: 'train' });
  assert.equal(train, PAPER_PROMPTS.math.train.replace('{{prompt}}', row!.problem));
  assert.ok(mathTask.prompt(ex, { mode: 'eval' }).endsWith('What is $2+2$?\nAssistant: <think>\n'));
  assert.deepEqual(mathTask.evalStop, ['Question:', 'Assistant:', 'User:']);
});

test('mathTask: rewards follow the paper', async () => {
  const r = (c: string) => mathTask.reward(c, ex);
  assert.deepEqual(await r(' 2+2=4 </think> <answer> \\boxed{4} </answer>'), {
    score: MATH_REWARDS.correct,
    reason: 'correct',
  });
  assert.deepEqual(await r(' ok </think> <answer> \\boxed{\\dfrac{8}{2}} </answer>'), { score: 2, reason: 'correct' });
  assert.deepEqual(await r(' hmm </think> <answer> \\boxed{5} </answer>'), { score: -0.5, reason: 'wrong' });
  assert.deepEqual(await r(' hmm </think> <answer> 4 </answer>'), { score: -1, reason: 'no_boxed' });
  assert.equal((await r('no tags, \\boxed{4}')).score, -2);
  assert.equal((await r(' a </think> <answer> \\boxed{4} </answer> </answer>')).score, -2);
  // the box must be inside <answer>: one in the reasoning does not count
  assert.deepEqual(await r(' \\boxed{4} </think> <answer> four </answer>'), { score: -1, reason: 'no_boxed' });
});

test('mathTask: evaluation reads the whole output, format or not', async () => {
  const s = await mathTask.score('We compute 2+2. The final answer is $4$. I hope it is correct.', ex);
  assert.equal(s.correct, true);
  assert.equal(s.extracted, '4');
  const w = await mathTask.score('So it is \\boxed{5}', ex);
  assert.deepEqual([w.correct, w.extracted, w.reason], [false, '5', 'different']);
  const none = await mathTask.score('I cannot tell.', ex);
  assert.equal(none.correct, false);
});

test('mathTask: loads a MATH-format file; bad rows name file, line and field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-math-'));
  const good = join(dir, 'good.jsonl');
  writeFileSync(
    good,
    `${JSON.stringify({ problem: 'p', answer: '1' })}\n${JSON.stringify({ problem: 'q', answer: '2', unique_id: 'u2' })}\n`,
  );
  const rows = await mathTask.load('train', { file: good });
  assert.deepEqual(
    rows.map((r) => r.id),
    ['line-1', 'u2'],
  );
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(
    bad,
    `${JSON.stringify({ problem: 'p', answer: '1' })}\n${JSON.stringify({ problem: 'q', answer: 2 })}\n`,
  );
  await assert.rejects(mathTask.load('test', { file: bad }), /bad\.jsonl:2: field 'answer' must be a string/);
  await assert.rejects(mathTask.load('train'), /unknown split 'train'/);
  await assert.rejects(createMathTask().load('test', { dataDir: dir }), /MATH-500 not found/);
});

test("createMathTask: math-verify's knobs reach reward and score; bad knobs fail at creation", async () => {
  const half = { id: 't2', problem: 'p', answer: '0.125' };
  const answer = ' x </think> <answer> \\boxed{0.12} </answer>';
  assert.equal((await mathTask.reward(answer, half)).score, MATH_REWARDS.wrong);
  assert.equal((await createMathTask({ floatRounding: 2 }).reward(answer, half)).score, MATH_REWARDS.correct);
  const rename = { id: 't3', problem: 'p', answer: 'x+1' };
  assert.equal((await mathTask.score('\\boxed{y+1}', rename)).correct, false);
  assert.equal((await createMathTask({ strict: false }).score('\\boxed{y+1}', rename)).correct, true);
  const interval = { id: 't4', problem: 'p', answer: '(1,2)' };
  assert.equal((await createMathTask({ allowSetRelationComp: true }).score('\\boxed{1<x<2}', interval)).correct, true);
  // extraction targets apply to score(); reward() always grades the boxed answer
  const latexOnly = createMathTask({ extraction: ['latex'] });
  assert.equal((await latexOnly.score('The count is 4.', ex)).correct, false);
  assert.equal((await latexOnly.reward(' x </think> <answer> \\boxed{4} </answer>', ex)).score, MATH_REWARDS.correct);
  assert.throws(() => createMathTask({ floatRounding: -1 }), /floatRounding must be an integer in \[0, 15\], got -1/);
  assert.throws(() => createMathTask({ extraction: [] }), /extraction must list 'latex' and\/or 'expr'/);
});
