// math-lite and mcq-lite as Tasks: counts, determinism, split errors, the paper's rewards on every
// test item (gold in the paper's format → +2, a wrong answer → the wrong-answer reward), the
// evaluation rules, both prompt styles, and the registry entries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createMathLiteTask,
  createMcqLiteTask,
  LETTERS,
  mathLiteTask,
  mcqLiteTask,
  SHORT_PROMPTS,
} from '../../../src/tasks/lite/index.js';
import { MATH_REWARDS } from '../../../src/tasks/math/index.js';
import { MCQ_REWARDS } from '../../../src/tasks/mcq/index.js';
import { fillTemplate, formatOptions, PAPER_PROMPTS } from '../../../src/tasks/prompts.js';
import { listTasks, resolveTask } from '../../../src/tasks/registry.js';

test('math-lite and mcq-lite: ≥ 100 train and ≥ 300 test rows, deterministic, stable ids, limit, bad splits', async () => {
  for (const [task, fresh] of [
    [mathLiteTask, createMathLiteTask()],
    [mcqLiteTask, createMcqLiteTask()],
  ] as const) {
    const tr = await task.load('train');
    const te = await task.load('test');
    assert.ok(tr.length >= 100 && te.length >= 300, `${task.name}: ${tr.length} / ${te.length}`);
    assert.deepEqual(await fresh.load('test'), te, `${task.name}: a new task object loads the same rows`);
    assert.deepEqual(new Set(te.map((e) => e.id)).size, te.length);
    const trainIds = new Set(tr.map((e) => e.id));
    assert.ok(
      te.every((e) => !trainIds.has(e.id)),
      `${task.name}: train and test share an id`,
    );
    assert.deepEqual(await task.load('test', { limit: 5 }), te.slice(0, 5));
    assert.notDeepEqual((await task.load('test', { seed: 2 })).slice(0, 3), te.slice(0, 3));
    const va = await task.load('validation');
    assert.equal(va.length, 50, `${task.name}: validation items`);
    assert.ok(
      va.every((e) => !trainIds.has(e.id) && !te.some((t) => t.id === e.id)),
      `${task.name}: validation shares an id with train or test`,
    );
    await assert.rejects(task.load('dev'), new RegExp(`${task.name}: unknown split 'dev'`));
    await assert.rejects(task.load('test', { seed: 1.5 }), /seed must be an integer/);
    await assert.rejects(task.load('test', { limit: -1 }), /limit must be a non-negative integer/);
    // mutating a returned row list does not change the next load
    te.pop();
    assert.equal((await task.load('test')).length, te.length + 1);
  }
});

test('math-lite: every test item rewards its gold answer +2 in the paper format, a wrong one −0.5', async () => {
  const rows = await mathLiteTask.load('test');
  for (const e of rows) {
    const right = await mathLiteTask.reward(`${e.solution}.</think> <answer>\\boxed{${e.answer}}</answer>`, e);
    assert.deepEqual(right, { score: MATH_REWARDS.correct, reason: 'correct' }, e.id);
    const wrong = await mathLiteTask.reward(
      `${e.solution}.</think> <answer>\\boxed{${Number(e.answer) + 1}}</answer>`,
      e,
    );
    assert.deepEqual(wrong, { score: MATH_REWARDS.wrong, reason: 'wrong' }, e.id);
  }
  const e = rows[0]!;
  assert.deepEqual(await mathLiteTask.reward(`x</think> <answer>${e.answer}</answer>`, e), {
    score: -1,
    reason: 'no_boxed',
  });
  assert.equal((await mathLiteTask.reward(`The answer is \\boxed{${e.answer}}.`, e)).score, -2);
});

test('math-lite: evaluation parses the whole output like MATH-500 (plain-text corpus answers count)', async () => {
  const rows = await mathLiteTask.load('test', { limit: 40 });
  for (const e of rows) {
    const plain = await mathLiteTask.score(` ${e.solution}. The answer is ${e.answer}.`, e);
    assert.equal(plain.correct, true, `${e.id}: ${JSON.stringify(plain)}`);
    const boxed = await mathLiteTask.score(`${e.solution}. The answer is \\boxed{${e.answer}}.`, e);
    assert.equal(boxed.correct, true, e.id);
    const wrong = await mathLiteTask.score(`The answer is \\boxed{${Number(e.answer) + 3}}.`, e);
    assert.equal(wrong.correct, false, e.id);
  }
});

test('mcq-lite: every test item rewards its gold letter +2 in the paper format, a wrong one −0.5', async () => {
  const rows = await mcqLiteTask.load('test');
  for (const e of rows) {
    const right = await mcqLiteTask.reward(
      ` It is ${e.options[e.answerIndex]}.</think><answer> \\boxed{${e.answer}} </answer>`,
      e,
    );
    assert.deepEqual(right, { score: MCQ_REWARDS.correct, reason: 'correct' }, e.id);
    const other = LETTERS[(e.answerIndex + 1) % 10]!;
    const wrong = await mcqLiteTask.reward(` hmm </think><answer> \\boxed{${other}} </answer>`, e);
    assert.deepEqual(wrong, { score: MCQ_REWARDS.wrong, reason: 'wrong' }, e.id);
    assert.equal((await mcqLiteTask.score(`The answer is ${e.answer}.`, e)).correct, true);
    assert.equal((await mcqLiteTask.score(`The answer is ${other}.`, e)).correct, false);
  }
  const e = rows[0]!;
  assert.equal((await mcqLiteTask.reward(`\\boxed{${e.answer}}`, e)).score, -2);
  const none = await mcqLiteTask.score('No idea.', e);
  assert.equal(none.reason, 'random_guess');
  assert.deepEqual(await mcqLiteTask.score('No idea.', e), none, 'the guess is seeded');
  const strict = createMcqLiteTask({ strict: true });
  assert.deepEqual(await strict.score('No idea.', e), { correct: false, extracted: null, reason: 'none_strict' });
});

test('prompts: short by default (the paper sentences kept verbatim), paper style = the paper templates', async () => {
  const [m] = await mathLiteTask.load('test', { limit: 1 });
  const [q] = await mcqLiteTask.load('test', { limit: 1 });
  const short = mathLiteTask.prompt(m!, { mode: 'train' });
  assert.equal(short, fillTemplate(SHORT_PROMPTS.math, { prompt: m!.problem }));
  assert.equal(mathLiteTask.prompt(m!, { mode: 'eval' }), short, 'one short template for both modes');
  assert.ok(short.endsWith(`User: ${m!.problem}\nAssistant: <think>`));
  const paper = createMathLiteTask({ promptStyle: 'paper' });
  assert.equal(paper.prompt(m!, { mode: 'train' }), fillTemplate(PAPER_PROMPTS.math.train, { prompt: m!.problem }));
  assert.equal(paper.prompt(m!, { mode: 'eval' }), fillTemplate(PAPER_PROMPTS.math.eval, { prompt: m!.problem }));
  const mcqPaper = createMcqLiteTask({ promptStyle: 'paper' }).prompt(q!, { mode: 'eval' });
  assert.equal(
    mcqPaper,
    fillTemplate(PAPER_PROMPTS.mmluPro.eval, {
      category: q!.category,
      question: q!.question,
      options: formatOptions(q!.options),
    }),
  );
  const mcqShort = mcqLiteTask.prompt(q!, { mode: 'eval' });
  assert.ok(
    mcqShort.includes(`User: The following is a multiple choice question about ${q!.category}. Think step by step`),
  );
  assert.ok(mcqShort.endsWith(`J. ${q!.options[9]}\nAssistant: <think>`));
  // Each short template is shorter and made of the paper's own sentences (a sentence may stop early).
  for (const [s, p] of [
    [SHORT_PROMPTS.math, PAPER_PROMPTS.math.train],
    [SHORT_PROMPTS.code, PAPER_PROMPTS.code.train],
    [SHORT_PROMPTS.mcq, PAPER_PROMPTS.mmluPro.train],
  ] as const) {
    assert.ok(s.length < p.length);
    for (const sentence of s.split(/(?<=\.)\s|\n/).filter((x) => x.length > 20 && !x.includes('{{')))
      assert.ok(
        p.includes(sentence.replace(/^User: /, '').replace(/\.$/, '')),
        `not in the paper's template: ${sentence}`,
      );
  }
  assert.throws(
    () => createMathLiteTask({ promptStyle: 'long' as never }),
    /unknown prompt style 'long' \(expected short or paper\)/,
  );
});

test('registry: math-lite, code-lite and mcq-lite resolve with their own domain labels', async () => {
  const names = listTasks().map((t) => t.name);
  for (const n of ['math-lite', 'code-lite', 'mcq-lite']) assert.ok(names.includes(n), n);
  const math = await resolveTask('math-lite');
  assert.equal(math.domain, 'math-lite');
  const rows = await math.load();
  assert.equal(rows.length, 300);
  assert.match(math.category(rows[0]!), /^[123]-op$/);
  const mcq = await resolveTask('mcq-lite');
  assert.equal(mcq.domain, 'mcq-lite');
  const q = (await mcq.load())[0]!;
  assert.ok(['geography', 'people', 'animals'].includes(mcq.category(q)));
  const code = await resolveTask('code-lite');
  assert.equal(code.domain, 'code-lite');
  assert.equal((await code.load()).length, 300);
  await code.close?.();
  await assert.rejects(
    resolveTask('math-lite:x'),
    /math-lite: unknown split 'x' \(train, validation, test; test when none is given\)/,
  );
  // ':validation' evaluates the validation split under its own selector, same name and domain.
  for (const n of ['math-lite', 'mcq-lite', 'code-lite']) {
    const v = await resolveTask(`${n}:validation`);
    assert.deepEqual([v.selector, v.name, v.domain], [`${n}:validation`, n, n]);
    const rows = await v.load();
    assert.equal(rows.length, 50);
    const test = new Set((await (await resolveTask(n)).load()).map((e) => e.id));
    assert.ok(
      rows.every((e) => !test.has(e.id)),
      `${n}:validation holds a test item`,
    );
    await v.close?.();
  }
});
