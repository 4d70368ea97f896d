// Length-grouped slices of a micro-batch (less padding, same loss).
/**
 * A micro-batch split into slices of rows of similar length, so that each slice pads only to its own
 * longest row: GRPO completions (and SFT traces) differ widely in length, and one long row would
 * otherwise make every row cost as much. A new slice starts when padding would exceed `waste` of the
 * slice's real tokens (slices keep ≥ 4 rows: tiny forwards cost more in overhead than they save).
 * The trainers' losses are sums over rows/tokens, so the slices' losses add up to the micro-batch's.
 */
export function lengthSlices<R>(rows: readonly R[], length: (r: R) => number, waste = 0.25): R[][] {
  const sorted = [...rows].sort((a, b) => length(a) - length(b));
  const slices: R[][] = [];
  let cur: R[] = [];
  let real = 0;
  for (const r of sorted) {
    const L = length(r);
    if (cur.length >= 4 && (cur.length + 1) * L > (1 + waste) * (real + L)) {
      slices.push(cur);
      cur = [];
      real = 0;
    }
    cur.push(r);
    real += L;
  }
  if (cur.length) slices.push(cur);
  return slices;
}
