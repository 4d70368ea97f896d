// The paper's K&K reward and Logic-RL's variant on hand-written edge cases, and the task object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kkTask, logicRlReward, paperReward, scoreAnswer } from '../../../src/tasks/kk/index.js';
import { fillTemplate, PAPER_PROMPTS } from '../../../src/tasks/prompts.js';

const GOLD = '(1) Zoey is a knight\n(2) Oliver is a knave\n(3) Ethan is a knight';
const good =
  'Some reasoning here.\n</think> <answer> (1) Zoey is a knight\n(2) Oliver is a knave\n(3) Ethan is a knight </answer>';
const r = (c: string) => paperReward(c, GOLD);

describe("the paper's K&K reward", () => {
  it('+2 for the right map, in any order, any case, with surrounding whitespace', () => {
    assert.deepEqual(r(good), { score: 2, reason: 'correct' });
    assert.equal(r(`${good}\n  \n`).score, 2, 'trailing whitespace after </answer>');
    assert.equal(
      r('x</think>\n\n<answer>\n(3) Ethan is a knight\n(1) Zoey is a knight\n(2) Oliver is a knave\n</answer>').score,
      2,
      'different order',
    );
    assert.equal(
      r('x</think><answer>(1) ZOEY is a KNIGHT\n(2) oliver is a Knave\n(3) Ethan is a knight   </answer>').score,
      2,
      'other cases',
    );
    assert.equal(
      r('x</think><answer>  (1) Zoey is a knight  \n\n(2) Oliver is a knave\n   \n(3) Ethan is a knight</answer>')
        .score,
      2,
      'blank and padded lines',
    );
  });

  it('−2 when the format gate fails', () => {
    assert.deepEqual(r(`a</think> b ${good}`), { score: -2, reason: 'format_multiple_think_close' });
    assert.deepEqual(r('reasoning </think> (1) Zoey is a knight'), { score: -2, reason: 'format_no_answer_open' });
    assert.deepEqual(r('reasoning <answer> (1) Zoey is a knight </answer>'), {
      score: -2,
      reason: 'format_no_think_close',
    });
    assert.deepEqual(r('x</think> <answer> (1) Zoey is a knight'), { score: -2, reason: 'format_no_answer_close' });
    assert.deepEqual(r(`${good} trailing text`), { score: -2, reason: 'format_bad_shape' });
    assert.deepEqual(
      r('</think> <answer> (1) Zoey is a knight\n(2) Oliver is a knave\n(3) Ethan is a knight </answer>'),
      { score: -2, reason: 'format_bad_shape' },
      'nothing before </think>',
    );
  });

  it('−1 for an unknown name or a role that is neither knight nor knave', () => {
    assert.deepEqual(
      r(
        'x</think><answer>(1) Zoey is a knight\n(2) Oliver is a knave\n(3) Ethan is a knight\n(4) Mia is a knave</answer>',
      ),
      { score: -1, reason: 'unknown_name' },
    );
    assert.deepEqual(r('x</think><answer>(1) Zoey is a knight\n(2) Oliver is a liar\n(3) Ethan is a knight</answer>'), {
      score: -1,
      reason: 'invalid_role',
    });
    // The name is the second word of a line: "Zoey: knight" puts "knight" in the name slot.
    assert.equal(r('x</think><answer>Zoey: knight</answer>').score, -1);
  });

  it('−0.5 for a wrong, incomplete or sloppily written answer', () => {
    assert.deepEqual(r('x</think><answer>(1) Zoey is a knave\n(2) Oliver is a knave\n(3) Ethan is a knight</answer>'), {
      score: -0.5,
      reason: 'wrong_answer',
    });
    assert.equal(
      r('x</think><answer>(1) Zoey is a knight\n(2) Oliver is a knave</answer>').score,
      -0.5,
      'a person missing',
    );
    assert.equal(
      r('x</think><answer>(1) Zoey is a knight.\n(2) Oliver is a knave.\n(3) Ethan is a knight.</answer>').score,
      -0.5,
      'a trailing period makes the role "knight."',
    );
    // Without the "(k)" tag the second word is "is", which is not a name.
    assert.deepEqual(r('x</think><answer>Zoey is a knight, Oliver is a knave, Ethan is a knight</answer>'), {
      score: -1,
      reason: 'unknown_name',
    });
  });

  it('evaluation reads the last <answer> block without the format gate', () => {
    assert.deepEqual(
      scoreAnswer(`no think close <answer>(1) Zoey is a knave</answer> then ${good.replace('</think>', '')}`, GOLD),
      {
        correct: true,
        extracted: '(1) Zoey is a knight\n(2) Oliver is a knave\n(3) Ethan is a knight',
        reason: 'correct',
      },
    );
    assert.deepEqual(scoreAnswer('no answer at all', GOLD), { correct: false, extracted: null, reason: 'no_answer' });
  });
});

describe("Logic-RL's K&K reward", () => {
  const l = (c: string, o = {}) => logicRlReward(c, GOLD, o);
  it('format ±1 plus answer +2 / −1.5 / −2', () => {
    assert.deepEqual(l(good), { score: 3, reason: 'correct' });
    assert.deepEqual(l(good.replace('Zoey is a knight', 'Zoey is a knave')), { score: -0.5, reason: 'wrong_answer' });
    assert.deepEqual(
      l(good.replace('(3) Ethan is a knight', '(3) Ethan is a knight, a knight indeed')),
      { score: -1, reason: 'unparsed_answer' },
      'role count must equal the number of people',
    );
    assert.deepEqual(
      l(good.replace('Ethan is a knight', 'Ethan: knight')),
      { score: -1, reason: 'unparsed_answer' },
      'needs "<name> is a <role>"',
    );
    assert.deepEqual(l(`a</think>${good}`), { score: -3, reason: 'format_tag_count' });
    assert.deepEqual(l('x<answer>(1) Zoey is a knight</answer></think>'), { score: -3, reason: 'format_tag_order' });
    assert.deepEqual(l(`<think>${good}`, { opened: '' }), { score: 3, reason: 'correct' });
    assert.deepEqual(
      l(`<think>${good}`),
      { score: -3, reason: 'format_tag_count' },
      'two <think> once the prompt’s is counted',
    );
  });
  it('full-text mode splits at the assistant header like Logic-RL', () => {
    assert.deepEqual(l(`User: quiz\nAssistant: <think>${good}`, { fullText: true }), { score: 3, reason: 'correct' });
    assert.equal(l(`<think>${good}`, { fullText: true }).score, -1, 'no header: format may pass but no answer is read');
  });
});

describe('kkTask', () => {
  it('uses the paper prompt verbatim and the paper reward', () => {
    const ex = { id: 'x', quiz: 'QUIZ TEXT', solution_text_format: GOLD, people: 3 };
    const prompt = kkTask.prompt(ex, { mode: 'train' });
    assert.equal(prompt, fillTemplate(PAPER_PROMPTS.kk.trainAndTeacher, { prompt: 'QUIZ TEXT' }));
    assert.ok(prompt.endsWith('    QUIZ TEXT\n    Assistant: <think>\n    '));
    assert.equal(kkTask.prompt(ex, { mode: 'eval' }), prompt);
    assert.deepEqual(kkTask.reward(good, ex), { score: 2, reason: 'correct' });
    assert.deepEqual(kkTask.score(good, ex), {
      correct: true,
      extracted: '(1) Zoey is a knight\n(2) Oliver is a knave\n(3) Ethan is a knight',
      reason: 'correct',
    });
    assert.deepEqual(kkTask.evalStop, ['Question:', 'Assistant:', 'User:']);
  });
  it('loads the train split with stable ids and refuses a missing split clearly', async () => {
    const rows = await kkTask.load('train', { sizes: [3], limit: 2 });
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.id, 'kk-3ppl-train-100');
    assert.equal(rows[0]!.people, 3);
    await assert.rejects(
      kkTask.load('test', { sizes: [3] }),
      /K&K test split for 3 people not found at .*3ppl\/test\.parquet/,
    );
  });
});
