// Differential test against Hugging Face math-verify (the real package, in .venv): thousands of
// (gold, prediction) pairs from MATH-500 and rewrites of them, judged by both in one batch each.
// Agreement must be ≥ 98 %, and every disagreement must be listed, with the reason we differ, in
// fixtures/mathverify-disagreements.json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyMath } from '../../../src/tasks/math/index.js';
import { Disagreements } from './disagreements.js';
import { mathVerifyBatch } from './oracle.js';
import { buildPairs } from './pairs.js';

test('math: agreement with math-verify on ≥ 2,000 MATH-500 pairs is ≥ 98 %, every disagreement listed', () => {
  const pairs = buildPairs();
  assert.ok(pairs.length >= 2000, `only ${pairs.length} pairs`);
  const kinds = new Set(pairs.map((p) => p.kind));
  for (const k of [
    'eq:boxed',
    'eq:dfrac',
    'eq:decimal',
    'eq:percent',
    'eq:units',
    'eq:reordered-set',
    'eq:factored',
    'ne:off-by-one-up',
    'ne:sign',
    'ne:unit-scale',
  ])
    assert.ok(kinds.has(k), `no pairs of kind ${k}`);

  const oracle = mathVerifyBatch(pairs);
  const listed = new Disagreements('mathverify-disagreements.json');
  let agree = 0;
  let bothTrue = 0;
  let bothFalse = 0;
  for (const p of pairs) {
    const ours = verifyMath(p.gold, p.pred).equivalent;
    const theirs = oracle.get(p.id)!.equivalent;
    if (ours === theirs) {
      agree++;
      if (ours) bothTrue++;
      else bothFalse++;
      continue;
    }
    listed.add(p, theirs, ours);
  }
  listed.reportStale();
  const rate = agree / pairs.length;
  console.log(
    `math-verify agreement: ${agree}/${pairs.length} = ${(100 * rate).toFixed(2)} % (both equal ${bothTrue}, both different ${bothFalse})`,
  );
  // both verdicts must be well represented, or agreement would be cheap
  assert.ok(bothTrue > 1000 && bothFalse > 1000, `unbalanced pairs: ${bothTrue} equal, ${bothFalse} different`);
  assert.deepEqual(listed.unlisted, [], 'disagreements missing from the fixture');
  assert.ok(rate >= 0.98, `agreement ${(100 * rate).toFixed(2)} % < 98 %`);
});
