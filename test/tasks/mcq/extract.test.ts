// Letter extraction, cases per rule of both chains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractLetter } from '../../../src/tasks/mcq/index.js';

test('mcq paper chain: \\boxed{X} → <answer> X → last standalone letter', () => {
  const cases: [string, string | null, string][] = [
    ['so <answer> \\boxed{C} </answer>', 'C', 'boxed'],
    ['\\boxed{\\text{D}} is it', 'D', 'boxed'],
    ['\\boxed{ B }', 'B', 'boxed'],
    ['first \\boxed{A} then \\boxed{B}', 'A', 'boxed'], // the first box (re.search), as in the paper's code
    ['\\boxed{K} and <answer> E. because </answer>', 'E', 'answer_tag'], // K is not a letter A–J
    ['<answer>F</answer>', 'F', 'answer_tag'],
    ['<answer> G. Paris </answer>', 'G', 'answer_tag'],
    ['I pick B, no wait, (H) is right', 'H', 'last_letter'],
    ['A\nthen on a new line J', 'J', 'last_letter'], // dot matches newline
    ['Answer is a dog', null, 'none'], // lower case and words do not count
    ['ÉA1 BC', null, 'none'], // letters glued to other letters or digits are not standalone
  ];
  for (const [text, letter, rule] of cases) assert.deepEqual(extractLetter(text, 'paper'), { letter, rule }, text);
});

test('mcq official chain: "answer is (X)" → "Answer: X" → last standalone letter', () => {
  const cases: [string, string | null, string][] = [
    ['Thus the answer is (B). Or maybe the answer is (C).', 'B', 'answer_is'],
    ['the answer is D', 'D', 'answer_is'],
    ['Answer: E and later Answer: F\nAnswer: G', 'F', 'answer_colon'], // last on the first line that has one
    ['final answer: I', 'I', 'answer_colon'],
    ['\\boxed{C}', 'C', 'last_letter'],
    ['the options A and J', 'J', 'last_letter'],
    ['nothing', null, 'none'],
  ];
  for (const [text, letter, rule] of cases) assert.deepEqual(extractLetter(text, 'official'), { letter, rule }, text);
});
