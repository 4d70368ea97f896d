// Hand-written cases, one or more per normalisation, extraction and equivalence rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxedContents, extractAnswer, lastBoxed, normalizeLatex, verifyMath } from '../../../src/tasks/math/index.js';

test("math: last \\boxed{} / \\fbox{} with nested braces (the paper's reward rule)", () => {
  const cases: [string, string | null][] = [
    ['so \\boxed{1} and then \\boxed{\\frac{1}{2}}', '\\frac{1}{2}'],
    ['\\boxed{\\left\\{1, \\{2\\}\\right\\}}', '\\left\\{1, \\{2\\}\\right\\}'],
    ['\\fbox{7}', '7'],
    ['\\boxed{3', null],
    ['no box here', null],
    ['$\\boxed 5$ done', '5'],
  ];
  for (const [text, want] of cases) assert.equal(lastBoxed(text), want, text);
});

test('math: math-verify boxed step — the last box, boxes listed just before it, all boxes', () => {
  assert.equal(boxedContents('x: \\boxed{1}, \\boxed{2}', 'last'), '1,2');
  assert.equal(
    boxedContents('\\boxed{1} then a long detour of many words before we finally get \\boxed{2}', 'last'),
    '2',
  );
  assert.equal(
    boxedContents('\\boxed{1} then a long detour of many words before we finally get \\boxed{2}', 'all'),
    '1,2',
  );
  assert.equal(boxedContents('plain', 'last'), 'plain');
});

test('math: LaTeX normalisation, one case per rule', () => {
  const cases: [string, string][] = [
    ['\\left( 1, 2 \\right)', '( 1, 2 )'], // \left / \right
    ['\\dfrac{1}{2}', '\\frac{1}{2}'], // \dfrac
    ['\\tfrac{3}{4}', '\\frac{3}{4}'], // \tfrac
    ['\\frac12', '\\frac{1}{2}'], // \frac12
    ['\\frac1{x}', '\\frac{1}{x}'],
    ['\\sqrt3', '\\sqrt{3}'], // \sqrt3
    ['15\\mbox{ cm}^2', '15'], // trailing unit text with a power
    ['12 \\text{ inches}', '12'], // unit text
    ['5 meters', '5'], // unit word
    ['\\$32,\\!348', '32,348'], // \$ and \!
    ['\\mathrm{Navin}', '\\text{Navin}'], // \mathrm → \text
    ['10 percent', '10\\%'], // percent word
    ['.5', '\\frac{1}{2}'], // leading decimal point, then 0.5 → 1/2
    ['\\displaystyle x', 'x'],
    ['1 and 2', '1, 2'], // "and" joins a list
    ['3/4', '\\frac{3}{4}'], // a/b
  ];
  for (const [input, want] of cases) assert.equal(normalizeLatex(input), want, input);
});

test('math: extraction priorities — "final answer is" > \\boxed > "answer:" > plain, the last match wins', () => {
  const cases: [string, string | null][] = [
    ['We get $x=3$ and $y=4$. The final answer is $7$. I hope it is correct.', '7'],
    ['First $\\boxed{2}$ was wrong; the right one is $\\boxed{5}$.', '5'],
    ['Maybe $3$. Answer: $\\frac{1}{2}$ and more text', '\\frac{1}{2}'],
    // as in math-verify: the "answer:" number pattern reaches " $9" ($ read as currency) and ends later
    ['Maybe $3$. Answer: $\\frac{1}{2}$ and more text $9$', '9'],
    ['We have $a=1$, then $b = 2$, so $c=12$', 'c=12'],
    ['The total is 1,234 dollars.', '1234'],
    ['It is 12% of the whole', '12'],
    ['the answer is 5 and 6', '5'], // "answer … 5" (priority 200) beats the plain later 6 (300)
    ['nothing numeric here', null],
  ];
  for (const [text, want] of cases) assert.equal(extractAnswer(text).text, want, text);
});

// [gold, prediction, equivalent, why]
const EQUIVALENCE: [string, string, boolean, string][] = [
  // exact string and structure
  ['\\frac{14}{3}', '\\boxed{\\dfrac{14}{3}}', true, '\\dfrac normalised'],
  ['(3, -1)', '\\boxed{\\left(3,-1\\right)}', true, '\\left/\\right and spacing'],
  // integers
  ['42', 'The answer is 42.', true, 'plain number'],
  ['42', '\\boxed{43}', false, 'off by one'],
  ['42', '\\boxed{-42}', false, 'sign'],
  ['1000', 'The total is 1,000.', true, 'thousands separator'],
  // decimals rounded to 6 places
  ['\\frac{1}{3}', '\\boxed{0.333333}', true, '1/3 to 6 places'],
  ['\\frac{1}{3}', '\\boxed{0.33}', false, 'too few places'],
  ['\\sqrt{2}', '\\boxed{1.414214}', true, 'irrational vs 6-place decimal'],
  ['\\pi', '\\boxed{3.14}', false, 'π is not 3.14'],
  ['1.25', '\\boxed{\\frac{5}{4}}', true, 'decimal vs fraction'],
  ['5', '\\boxed{5.0}', true, 'integer vs decimal'],
  // fractions
  ['\\frac{9}{19}', '\\boxed{\\frac{18}{38}}', true, 'unreduced fraction'],
  ['\\frac{9}{19}', '\\boxed{\\frac{10}{19}}', false, 'different fraction'],
  ['2\\frac{1}{2}', '\\boxed{2.5}', true, 'mixed number'],
  // percentages
  ['10\\%', '\\boxed{0.1}', true, 'percent vs decimal'],
  ['10', '\\boxed{10\\%}', true, 'integer percent reads as the integer (math-verify)'],
  ['25', '\\boxed{0.25}', false, 'percent scale is a different number'],
  // scientific notation
  ['0.0005', '\\boxed{5 \\times 10^{-4}}', true, 'scientific notation'],
  ['0.0005', '\\boxed{5 \\times 10^{-3}}', false, 'wrong exponent'],
  ['880', '\\boxed{8.8\\cdot 10^{2}}', false, 'a decimal times 10^k is computed in binary floats: 880.0000000000001'],
  ['150', '\\boxed{1.5 \\times 10^{2}}', true, 'a product exact in binary floats'],
  ['2.2 \\times 10^{2}', '\\boxed{22 \\times 10^{1}}', false, 'the float side is 3e-14 off the exact side'],
  ['9.5 \\times 10^{-1}', '\\boxed{95 \\times 10^{-2}}', false, '0.9500000000000001 (floats) vs 19/20 (exact)'],
  ['6.4 \\times 10^{-5}', '\\boxed{64 \\times 10^{-6}}', true, "they differ by 1e-20: below evalf's chop"],
  ['\\frac{\\pi}{10}', '\\boxed{0.1\\pi}', true, 'a decimal coefficient of π'],
  // units and degrees
  ['30^\\circ', '\\boxed{30}', true, 'degrees dropped'],
  ['74', '\\boxed{74\\,^\\circ}', true, 'a thin space before the degree mark'],
  ['74', '\\boxed{74^{\\degree}}', true, 'braced \\degree'],
  ['74', '\\boxed{74°}', false, "a bare ° does not parse (math-verify's lexer)"],
  ['74', 'So the answer is $74°$.', true, 'the $74°$ fails, the number 74 after it is taken'],
  ['74', '\\boxed{74\\circ}', false, 'a bare \\circ does not parse'],
  ['99', '\\boxed{99\\,\\mathrm{kg}}', true, '\\, before a unit is a space, not a list comma'],
  ['864 \\mbox{ inches}^2', '\\boxed{864}', true, 'units dropped'],
  ['5', '\\boxed{5\\text{ cm}}', true, 'units dropped'],
  ['\\$36', '\\boxed{36}', true, 'dollar sign dropped'],
  // symbolic
  ['x^2+2x+1', '\\boxed{(x+1)^2}', true, 'factored vs expanded'],
  ['(x+1)^2', '\\boxed{x^2+2x+2}', false, 'wrong constant'],
  ['\\frac{\\sqrt{3}}{3}', '\\boxed{\\frac{1}{\\sqrt{3}}}', true, 'rationalised denominator'],
  ['3\\sqrt{13}', '\\boxed{\\sqrt{117}}', true, 'radical simplification'],
  ['\\sqrt{x^2}', '\\boxed{x}', false, 'not equal for negative x'],
  ['\\sin^2 x + \\cos^2 x', '\\boxed{1}', true, 'trig identity'],
  ['x+1', '\\boxed{y+1}', false, 'variables matter'],
  // relations
  ['x=5', '\\boxed{5}', true, 'assignment vs value'],
  ['5', '\\boxed{x=5}', true, 'prediction equation keeps its right side'],
  ['8x+8', '\\boxed{f^{\\prime}(x)=8x+8}', true, 'f^{\\prime}(x) = … keeps its right side'],
  ['f^{\\prime}(x)=8x+8', '\\boxed{8x+8}', true, 'f^{\\prime}(x) is symbols only: an assignment'],
  ['8x+8', '\\boxed{\\dot{f}(x)=8x+8}', true, 'an accented letter is one symbol'],
  ['\\hat{x}', '\\boxed{x}', false, '\\hat{x} is not x'],
  ['f^{\\prime}(x)=8x+8', "\\boxed{f'(x)=8x+8}", false, "f^{\\prime} is f to the power prime; f' is f"],
  ['y=2x+1', '\\boxed{2x+1=y}', true, 'flipped equation'],
  ['x+1=3', '\\boxed{x=2}', true, 'same solution'],
  ['x<2', '\\boxed{2>x}', true, 'flipped inequality'],
  ['x<2', '\\boxed{x\\le 2}', false, 'strict vs non-strict'],
  ['x>2', '\\boxed{(2,\\infty)}', true, 'inequality vs interval'],
  // sets, tuples, intervals
  ['\\{1,2,3\\}', '\\boxed{\\{3,1,2\\}}', true, 'set order ignored'],
  ['1,2', '\\boxed{2, 1}', true, 'a bare list is a set'],
  ['(1,2,3)', '\\boxed{(3,2,1)}', false, 'tuple order matters'],
  ['[1,2)', '\\boxed{[1,2)}', true, 'interval'],
  ['[1,2)', '\\boxed{[1,2]}', false, 'interval ends differ'],
  ['(0,9) \\cup (9,36)', '\\boxed{(9,36)\\cup(0,9)}', true, 'union order ignored'],
  ['3 \\pm 2\\sqrt{2}', '\\boxed{3+2\\sqrt{2}, 3-2\\sqrt{2}}', true, '± is two answers'],
  // matrices
  [
    '\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}',
    '\\boxed{\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix}}',
    true,
    'matrix',
  ],
  [
    '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}}',
    false,
    'matrix entries differ',
  ],
  // words
  ['\\text{Navin}', '\\boxed{Navin}', true, 'text answer'],
  ['\\text{(C)}', '\\boxed{C}', true, 'choice letter'],
  ['\\text{(C)}', '\\boxed{D}', false, 'other letter'],
  // no answer
  ['5', 'I do not know', false, 'nothing to extract'],
];

test('math: equivalence rules, one or more cases each (twice: the second pass reads cached scalars)', () => {
  const wrong: string[] = [];
  for (const pass of [1, 2])
    for (const [gold, pred, want, why] of EQUIVALENCE) {
      const v = verifyMath(gold, pred);
      if (v.equivalent !== want) wrong.push(`pass ${pass}, ${why}: ${gold} vs ${pred} → ${v.equivalent} (${v.reason})`);
    }
  assert.deepEqual(wrong, []);
});

test('math: verdicts say what was compared and which rule decided', () => {
  const v = verifyMath('\\frac{1}{3}', 'so the answer is $\\boxed{0.333333}$');
  assert.equal(v.equivalent, true);
  assert.equal(v.goldExtracted, '\\frac{1}{3}');
  assert.equal(v.predExtracted, '0.333333');
  assert.equal(v.reason, 'equal:float-6-places');
  assert.equal(verifyMath('5', 'no idea').reason, 'no_answer');
});

test('math: the knobs — float rounding ties go to the even digit (sympy), strict, set-relation comparison', () => {
  const two = { floatRounding: 2 };
  assert.equal(verifyMath('0.125', '\\boxed{0.12}', two).equivalent, true); // 0.125 → 0.12
  assert.equal(verifyMath('0.135', '\\boxed{0.14}', two).equivalent, true); // 0.135 → 0.14
  assert.equal(verifyMath('911.145', '\\boxed{911.149}', two).equivalent, false); // 911.14 vs 911.15
  assert.equal(verifyMath('911.145', '\\boxed{911.149}').equivalent, false);
  assert.equal(verifyMath('x+1', '\\boxed{y+1}', { strict: false }).equivalent, true);
  assert.equal(verifyMath('x+1', '\\boxed{y+1}').equivalent, false);
  assert.equal(verifyMath('(1,2)', '\\boxed{1<x<2}', { allowSetRelationComp: true }).equivalent, true);
  assert.equal(verifyMath('(1,2)', '\\boxed{1<x<2}').equivalent, false);
  assert.equal(verifyMath('12', 'The count is 12.', { extraction: ['latex'] }).equivalent, false);
  assert.throws(() => verifyMath('1', '1', { floatRounding: 16 }), /floatRounding must be an integer in \[0, 15\]/);
});
