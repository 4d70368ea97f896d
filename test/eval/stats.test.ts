import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  meanStd,
  pairedTInterval,
  passAtK,
  reportedKs,
  stratifiedPairedInterval,
  studentTCdf,
  studentTQuantile,
} from '../../src/eval/stats.js';
import { runPeer } from '../peers.js';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** 1 − C(n−c, k)/C(n, k) by counting subsets: the definition the product form must equal. */
function passAtKByCounting(n: number, c: number, k: number): number {
  const binom = (a: number, b: number): number => {
    if (b < 0 || b > a) return 0;
    let r = 1;
    for (let i = 1; i <= b; i++) r = (r * (a - b + i)) / i;
    return r;
  };
  return 1 - binom(n - c, k) / binom(n, k);
}

describe('statistics', () => {
  it('mean ± sample std (n − 1)', () => {
    const r = meanStd([2 / 3, 1 / 3, 1 / 3, 2 / 3]);
    close(r.mean, 0.5, 1e-12, 'mean');
    close(r.std, Math.sqrt(1 / 27), 1e-12, 'std');
    assert.equal(meanStd([0.4]).std, 0);
  });

  it('unbiased pass@k equals 1 − C(n−c,k)/C(n,k) for every n ≤ 12', () => {
    for (let n = 1; n <= 12; n++)
      for (let c = 0; c <= n; c++)
        for (let k = 1; k <= n; k++) close(passAtK(n, c, k), passAtKByCounting(n, c, k), 1e-12, `n=${n} c=${c} k=${k}`);
    assert.equal(passAtK(4, 1, 1), 0.25);
    close(passAtK(4, 1, 2), 0.5, 1e-12, 'pass@2 of 1/4');
    assert.equal(passAtK(4, 0, 4), 0);
    assert.throws(() => passAtK(4, 5, 1), /0 ≤ c ≤ n/);
    assert.deepEqual(reportedKs(4), [1, 2, 4]);
    assert.deepEqual(reportedKs(10), [1, 2, 4, 8, 10]);
  });

  it('pass@k agrees with evalplus.eval.estimate_pass_at_k (the Python peer)', () => {
    const rows = JSON.parse(runPeer('eval_pass_at_k.py', [])) as [number, number, number, number][];
    assert.equal(rows.length, 728); // Σ_{n≤12} n·(n+1) cases
    for (const [n, c, k, v] of rows) close(passAtK(n, c, k), v, 1e-12, `n=${n} c=${c} k=${k}`);
  });

  it('Student t quantiles match the tables', () => {
    // two-sided 95% critical values (t tables / scipy.stats.t.ppf(0.975, df))
    const table: [number, number][] = [
      [1, 12.706204736],
      [2, 4.30265273],
      [9, 2.262157163],
      [30, 2.042272456],
      [1000, 1.962339095],
    ];
    for (const [df, t] of table) close(studentTQuantile(0.975, df), t, 1e-6, `t(0.975, ${df})`);
    close(studentTCdf(2, 2), 0.5 + 1 / Math.sqrt(6), 1e-12, 'closed form CDF for df = 2');
    close(studentTQuantile(0.025, 9), -2.262157163, 1e-6, 'lower tail');
  });

  it('paired t-interval on per-example differences', () => {
    // differences 0.25, 0.25, 0: mean 1/6, sd √(1/48), se 1/12, t(0.975, 2) = 4.302653
    const r = pairedTInterval([0.75, 0, 0.75], [1, 0.25, 0.75]);
    close(r.diff, 1 / 6, 1e-12, 'diff');
    close(r.low, 1 / 6 - 4.30265273 / 12, 1e-6, 'low');
    close(r.high, 1 / 6 + 4.30265273 / 12, 1e-6, 'high');
    close(r.pValue, 2 * (1 - (0.5 + 1 / Math.sqrt(6))), 1e-9, 'p (t = 2, df = 2)');
    const same = pairedTInterval([0.5, 0.5], [0.5, 0.5]);
    assert.deepEqual([same.diff, same.low, same.high, same.pValue], [0, 0, 0, 1]);
  });

  it('the stratified interval reduces to the paired one with one category, and weights categories equally', () => {
    const a = [0.75, 0, 0.75, 0.5];
    const b = [1, 0.25, 0.75, 1];
    const one = stratifiedPairedInterval([{ a, b }]);
    const plain = pairedTInterval(a, b);
    close(one.low, plain.low, 1e-9, 'low');
    close(one.high, plain.high, 1e-9, 'high');
    // two categories of 1 and 3 examples: the macro difference is the mean of category means
    const two = stratifiedPairedInterval([
      { a: [0], b: [1] },
      { a: [0.5, 0.5, 0.5], b: [0.5, 0.75, 0.25] },
    ]);
    close(two.diff, (1 + 0) / 2, 1e-12, 'macro diff');
  });
});
