// MATH-500 against itself: every solution's last \boxed{} is equivalent to the row's answer, and
// an answer paired with another problem's answer is not — unless the two really are equal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastBoxed, loadMath500, verifyMath } from '../../../src/tasks/math/index.js';

test('math500: 500 rows load with problem, answer and solution', async () => {
  const rows = await loadMath500();
  assert.equal(rows.length, 500);
  assert.equal(new Set(rows.map((r) => r.id)).size, 500);
  assert.ok(rows.every((r) => r.problem && r.answer && r.solution));
  assert.equal((await loadMath500({ limit: 3 })).length, 3);
});

test("math500: every solution's last \\boxed{} is equivalent to the answer", async () => {
  const rows = await loadMath500();
  const failures: string[] = [];
  for (const r of rows) {
    const boxed = lastBoxed(r.solution!);
    if (boxed === null) {
      failures.push(`${r.id}: no \\boxed{} in the solution`);
      continue;
    }
    const v = verifyMath(r.answer, `\\boxed{${boxed}}`);
    if (!v.equivalent) failures.push(`${r.id}: ${r.answer} vs ${boxed} (${v.reason})`);
  }
  // no exceptions: all 500 agree (the three "\$…" dollar answers included)
  assert.deepEqual(failures, []);
});

test('math500: the whole solution text, parsed as a model output, is equivalent to the answer', async () => {
  const rows = await loadMath500();
  const misses = rows.filter((r) => !verifyMath(r.answer, r.solution!).equivalent).map((r) => `${r.id}: ${r.answer}`);
  assert.deepEqual(misses, []);
});

test("math500: an answer against another problem's answer is different unless they really are equal", async () => {
  const rows = await loadMath500();
  // pairs that are equal for a reason: identical answers, or "x = 5" against "5"
  const reallyEqual = (a: string, b: string) =>
    a.replace(/\s/g, '') === b.replace(/\s/g, '') || a.replace(/^[a-z]\s*=\s*/, '') === b.replace(/^[a-z]\s*=\s*/, '');
  const wrong: string[] = [];
  let compared = 0;
  for (const shift of [1, 137]) {
    rows.forEach((r, i) => {
      const other = rows[(i + shift) % rows.length]!;
      const v = verifyMath(r.answer, `\\boxed{${other.answer}}`);
      compared++;
      if (v.equivalent !== reallyEqual(r.answer, other.answer))
        wrong.push(`${r.answer} vs ${other.answer}: ${v.equivalent} (${v.reason})`);
    });
  }
  assert.equal(compared, 1000);
  assert.deepEqual(wrong, []);
});
