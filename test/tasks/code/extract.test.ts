// The paper's code extraction rules, one case per rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractEvalCode, extractRewardCode, pyStrip } from '../../../src/tasks/code/index.js';

const A = '```python\ndef a():\n    return 1\n```';
const B = '```python\ndef b():\n    return 2\n```';
const PLAIN = '```\ndef c():\n    return 3\n```';

test('extract (reward): first python block wins', () => {
  assert.equal(extractRewardCode(` ${A} then ${B} `), 'def a():\n    return 1');
});
test('extract (reward): else the first plain block', () => {
  assert.equal(extractRewardCode(`${PLAIN}\n\`\`\`\nsecond\n\`\`\``), 'def c():\n    return 3');
});
test('extract (reward): else the stripped text', () => {
  assert.equal(extractRewardCode('\n  def d(): return 4  \n'), 'def d(): return 4');
});
test('extract (reward): a python block beats an earlier plain block', () => {
  assert.equal(extractRewardCode(`${PLAIN} ${B}`), 'def b():\n    return 2');
});

test('extract (eval): inside <answer>, the last python block', () => {
  assert.equal(extractEvalCode(`think ${PLAIN} </think> <answer> ${A} ${B} </answer>`), 'def b():\n    return 2');
});
test('extract (eval): inside <answer>, else the last plain block', () => {
  assert.equal(extractEvalCode(`<answer>\`\`\`\nfirst\n\`\`\` ${PLAIN}</answer>`), 'def c():\n    return 3');
});
test('extract (eval): inside <answer>, else the answer text', () => {
  assert.equal(extractEvalCode('x </think><answer>\n def e(): pass \n</answer>'), 'def e(): pass');
});
test('extract (eval): the first <answer> counts, not a later one', () => {
  assert.equal(extractEvalCode('<answer>one</answer> <answer>two</answer>'), 'one');
});
test('extract (eval): without <answer>, the last python block of the whole text', () => {
  assert.equal(extractEvalCode(`${A}\nmore\n${B}\ntrailing`), 'def b():\n    return 2');
});
test('extract (eval): without <answer> or blocks, the stripped text', () => {
  assert.equal(extractEvalCode('  def f():\n    return 0\n\n'), 'def f():\n    return 0');
});
test('extract: strip follows Python (\\x1c-\\x1f and \\x85 are whitespace, \\ufeff is not)', () => {
  assert.equal(pyStrip('\x1c\x85 a \x1f'), 'a');
  assert.equal(pyStrip('\ufeffa'), '\ufeffa');
});
