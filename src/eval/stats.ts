// The statistics the paper's tables and our comparisons need, written out so each formula is
// visible and tested: mean, sample std, unbiased pass@k, Student-t quantiles and the paired
// t-interval used to compare two models on the same examples.

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 when there is one value. */
  std: number;
}

import { mean, sampleStd } from '../util/stats.js';

export { mean, sampleStd };

export function meanStd(xs: readonly number[]): MeanStd {
  return { mean: mean(xs), std: sampleStd(xs) };
}

/**
 * Unbiased pass@k for one problem with n samples of which c are correct (Chen et al. 2021):
 * 1 − C(n−c, k) / C(n, k) = 1 − ∏_{i=n−c+1}^{n} (1 − k/i), and 1 when n − c < k.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || c < 0 || c > n || k < 1 || k > n)
    throw new RangeError(`passAtK needs integers 0 ≤ c ≤ n and 1 ≤ k ≤ n, got n=${n} c=${c} k=${k}`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** The k values reported for n samples per problem: 1, 2, 4, … up to n, and n itself. */
export function reportedKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k <= n; k *= 2) ks.push(k);
  if (n >= 1 && ks[ks.length - 1] !== n) ks.push(n);
  return ks;
}

// ---- Student's t distribution (for the paired confidence interval)

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with df degrees of freedom (bisection on the CDF; |error| < 1e-10). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PairedInterval {
  /** Number of paired examples. */
  n: number;
  /** Mean of the per-example differences (b − a). */
  diff: number;
  low: number;
  high: number;
  confidence: number;
  /** Two-sided p-value of "mean difference = 0" (paired t-test); 1 when every difference is 0. */
  pValue: number;
  method: 'paired-t' | 'paired-t-stratified';
}

/**
 * Paired t-interval on per-example differences d_i = b_i − a_i (here: per-example accuracy over
 * trials): d̄ ± t_{n−1, (1+conf)/2} · s_d / √n. Pairing removes the between-example variance
 * (some problems are hard for every model), which is what makes "warmup helps" detectable on a
 * few hundred problems.
 */
export function pairedTInterval(a: readonly number[], b: readonly number[], confidence = 0.95): PairedInterval {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  const d = a.map((x, i) => b[i]! - x);
  const diff = mean(d);
  if (n < 2) return { n, diff, low: Number.NaN, high: Number.NaN, confidence, pValue: Number.NaN, method: 'paired-t' };
  const se = sampleStd(d) / Math.sqrt(n);
  if (se === 0) return { n, diff, low: diff, high: diff, confidence, pValue: diff === 0 ? 1 : 0, method: 'paired-t' };
  const t = studentTQuantile((1 + confidence) / 2, n - 1);
  const stat = diff / se;
  const pValue = 2 * (1 - studentTCdf(Math.abs(stat), n - 1));
  return { n, diff, low: diff - t * se, high: diff + t * se, confidence, pValue, method: 'paired-t' };
}

/**
 * The same for a macro average over categories: the difference of macro averages is
 * (1/K) Σ_k d̄_k, its standard error √(Σ_k s_k²/n_k) / K, and the t quantile uses the
 * Welch–Satterthwaite degrees of freedom (Σ_k w_k)² / Σ_k w_k²/(n_k − 1), w_k = s_k²/n_k.
 * Categories with one example add their difference but no variance.
 */
export function stratifiedPairedInterval(
  groups: readonly { a: readonly number[]; b: readonly number[] }[],
  confidence = 0.95,
): PairedInterval {
  const used = groups.filter((g) => g.a.length > 0);
  const K = used.length;
  const n = used.reduce((s, g) => s + g.a.length, 0);
  if (K === 0)
    return {
      n,
      diff: Number.NaN,
      low: Number.NaN,
      high: Number.NaN,
      confidence,
      pValue: Number.NaN,
      method: 'paired-t-stratified',
    };
  let sum = 0;
  let w = 0;
  let denom = 0;
  for (const g of used) {
    if (g.a.length !== g.b.length)
      throw new RangeError(`paired samples differ in length: ${g.a.length} vs ${g.b.length}`);
    const d = g.a.map((x, i) => g.b[i]! - x);
    sum += mean(d);
    if (d.length >= 2) {
      const wk = sampleStd(d) ** 2 / d.length;
      w += wk;
      denom += (wk * wk) / (d.length - 1);
    }
  }
  const diff = sum / K;
  const se = Math.sqrt(w) / K;
  if (se === 0 || denom === 0)
    return {
      n,
      diff,
      low: se === 0 && n >= 2 ? diff : Number.NaN,
      high: se === 0 && n >= 2 ? diff : Number.NaN,
      confidence,
      pValue: se === 0 && n >= 2 ? (diff === 0 ? 1 : 0) : Number.NaN,
      method: 'paired-t-stratified',
    };
  const df = (w * w) / denom;
  const t = studentTQuantile((1 + confidence) / 2, df);
  const pValue = 2 * (1 - studentTCdf(Math.abs(diff / se), df));
  return { n, diff, low: diff - t * se, high: diff + t * se, confidence, pValue, method: 'paired-t-stratified' };
}
