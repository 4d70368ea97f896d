// The unbiased pass@k estimator (Chen et al. 2021, as in evalplus and human-eval):
// with n samples of which c pass, pass@k = 1 − C(n−c, k) / C(n, k), computed as a stable product.

export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n)
    throw new Error(`pass@k needs integers 1 ≤ k ≤ n and 0 ≤ c ≤ n, got n=${n} c=${c} k=${k}`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over problems, each given as [n, c]. */
export function meanPassAtK(counts: readonly (readonly [number, number])[], k: number): number {
  if (counts.length === 0) throw new Error('pass@k over zero problems');
  return counts.reduce((s, [n, c]) => s + passAtK(n, c, k), 0) / counts.length;
}
