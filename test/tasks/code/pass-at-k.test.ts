// The unbiased pass@k estimator, against its closed form and against evalplus's implementation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { meanPassAtK, passAtK } from '../../../src/tasks/code/index.js';
import { PYTHON } from '../../peers.js';

const comb = (n: number, k: number): number => {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
};

test('pass@k: equals 1 − C(n−c, k)/C(n, k), with the edge cases', () => {
  for (const [n, c, k] of [
    [10, 3, 1],
    [10, 3, 5],
    [20, 0, 10],
    [20, 20, 1],
    [7, 1, 7],
  ] as const) {
    const expected = n - c < k ? 1 : 1 - comb(n - c, k) / comb(n, k);
    assert.ok(Math.abs(passAtK(n, c, k) - expected) < 1e-12, `${n} ${c} ${k}`);
  }
  assert.equal(passAtK(4, 1, 1), 0.25);
  assert.equal(passAtK(5, 0, 3), 0);
  assert.equal(passAtK(5, 3, 3), 1, 'n − c < k');
  assert.throws(() => passAtK(3, 4, 1), /0 ≤ c ≤ n/);
  assert.throws(() => passAtK(3, 1, 4), /1 ≤ k ≤ n/);
  assert.equal(
    meanPassAtK(
      [
        [4, 1],
        [4, 3],
      ],
      1,
    ),
    0.5,
  );
});

test('pass@k: matches evalplus.eval.estimate_pass_at_k', () => {
  const cases = [];
  for (const n of [1, 4, 10, 200])
    for (const c of [0, 1, Math.floor(n / 2), n])
      for (const k of [1, 3, 10, 100]) if (k <= n && c <= n) cases.push([n, c, k]);
  const py = `
import json, sys
from evalplus.eval import estimate_pass_at_k
cases = json.loads(sys.stdin.read())
print(json.dumps([float(estimate_pass_at_k([n], [c], k)[0]) for n, c, k in cases]))
`;
  const r = spawnSync(PYTHON, ['-c', py], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, `evalplus peer failed (run scripts/setup.sh --peers): ${r.stderr}`);
  const ref = JSON.parse(r.stdout) as number[];
  for (const [i, [n, c, k]] of cases.entries())
    assert.ok(Math.abs(passAtK(n!, c!, k!) - ref[i]!) < 1e-12, `${n} ${c} ${k}`);
});
