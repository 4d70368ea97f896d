// A plain-text table of an evaluation's results (printed by `kindling eval`).
import type { TaskResult } from './aggregate.js';
import type { EvalResults } from './results.js';

export const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : (100 * x).toFixed(digits);

/** "43.8 ± 1.2" in percent. */
export const pctPm = (m: { mean: number | null; std: number | null }): string => `${pct(m.mean)} ± ${pct(m.std)}`;

export const num = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);

/** Rows of strings → aligned columns. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i]! - [...c].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function row(r: TaskResult): string[] {
  const pass = Object.entries(r.pass_at_k)
    .map(([k, v]) => `@${k} ${pct(v)}`)
    .join(' ');
  return [
    r.model,
    r.task,
    `${pctPm(r.score)}${r.overall === 'macro' && r.macro ? ' (macro)' : ''}`,
    pass,
    `${num(r.length.mean)} ± ${num(r.length.std)}`,
    pct(r.truncation_rate),
    r.complete ? '' : `incomplete ${r.cells}/${r.examples * r.trials}`,
  ];
}

export function resultsTable(res: EvalResults): string {
  const head = ['model', 'task', 'accuracy %', 'pass@k %', 'length (tokens)', 'truncated %', ''];
  return alignColumns([head, ...res.results.map(row)]);
}

export function comparisonsTable(res: EvalResults): string {
  if (res.comparisons.length === 0) return '';
  const head = [
    'task',
    'b − a',
    'Δ points',
    `${Math.round((res.comparisons[0]!.confidence ?? 0.95) * 100)}% CI (paired t)`,
    'p',
    'n',
  ];
  return alignColumns([
    head,
    ...res.comparisons.map((c) => [
      c.task,
      `${c.b} − ${c.a}`,
      pct(c.diff),
      `[${pct(c.low)}, ${pct(c.high)}]`,
      c.pValue === null || Number.isNaN(c.pValue) ? '—' : c.pValue < 0.001 ? '<0.001' : c.pValue.toFixed(3),
      String(c.n),
    ]),
  ]);
}
