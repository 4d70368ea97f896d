// Differential test against Hugging Face math-verify (the real package, in .venv): thousands of
// (gold, prediction) pairs from MATH-500 and rewrites of them, judged by both in one batch each.
// Agreement must be ≥ 98 %, and every disagreement must be listed, with the reason we differ, in
// fixtures/mathverify-disagreements.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';
import { verifyMath } from '../../../src/tasks/math/index.js';
import { mathVerifyBatch } from './oracle.js';
import { buildPairs } from './pairs.js';

interface Listed {
  id: string;
  gold: string;
  pred: string;
  math_verify: boolean;
  kindling: boolean;
  reason: string;
}

const FIXTURE = join(REPO_ROOT, 'test', 'tasks', 'math', 'fixtures', 'mathverify-disagreements.json');

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
  const listed = new Map((JSON.parse(readFileSync(FIXTURE, 'utf8')) as Listed[]).map((d) => [d.id, d]));
  let agree = 0;
  const unlisted: string[] = [];
  const seen = new Set<string>();
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
    seen.add(p.id);
    const d = listed.get(p.id);
    if (
      !d ||
      d.gold !== p.gold ||
      d.pred !== p.pred ||
      d.math_verify !== theirs ||
      d.kindling !== ours ||
      !d.reason.trim()
    )
      unlisted.push(JSON.stringify({ id: p.id, gold: p.gold, pred: p.pred, math_verify: theirs, kindling: ours }));
  }
  const stale = [...listed.keys()].filter((id) => !seen.has(id));
  if (stale.length) console.log(`fixture entries that now agree (remove them): ${stale.join(', ')}`);
  const rate = agree / pairs.length;
  console.log(
    `math-verify agreement: ${agree}/${pairs.length} = ${(100 * rate).toFixed(2)} % (both equal ${bothTrue}, both different ${bothFalse})`,
  );
  // both verdicts must be well represented, or agreement would be cheap
  assert.ok(bothTrue > 1000 && bothFalse > 1000, `unbalanced pairs: ${bothTrue} equal, ${bothFalse} different`);
  assert.deepEqual(unlisted, [], 'disagreements missing from the fixture');
  assert.ok(rate >= 0.98, `agreement ${(100 * rate).toFixed(2)} % < 98 %`);
});
