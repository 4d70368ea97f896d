// Mean and sample standard deviation, shared by every layer (GRPO's advantages and metrics,
// evaluation's tables and intervals): one formula, one summation order, so the same numbers agree
// to the bit wherever they are computed. src/eval/stats.ts re-exports them with the rest.

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (Bessel's n − 1, like pandas and Python's statistics.stdev); 0 for n = 1. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return xs.length === 1 ? 0 : Number.NaN;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}
