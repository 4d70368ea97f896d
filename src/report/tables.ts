// The report's tables as plain data (rendered to HTML by html.ts and to Markdown by markdown.ts).
import { type Comparison, compareResults, type TaskResult } from '../eval/aggregate.js';
import { num, pct } from '../eval/summary.js';
import type { ResultIndex } from './roles.js';

export interface Cell {
  score: string;
  length: string;
  title: string;
}

type Matrix = { tasks: string[]; rows: { model: string; cells: (Cell | null)[] }[] };

/** Model × task cells of the index, `null` where a model was not evaluated on a task (or `cell` says so). */
function matrix(index: ResultIndex, cell: (r: TaskResult) => Cell | null): Matrix {
  const tasks = index.tasks();
  const rows = index.models().map((model) => ({
    model,
    cells: tasks.map((t) => {
      const r = index.get(model, t);
      return r ? cell(r) : null;
    }),
  }));
  return { tasks, rows };
}

/** Model × task: "mean ± std" of the headline score (percent) and the completion length. */
export function resultsMatrix(index: ResultIndex): Matrix {
  return matrix(index, (r) => {
    const pass = Object.entries(r.pass_at_k)
      .map(([k, v]) => `pass@${k} ${pct(v)}%`)
      .join(', ');
    return {
      score: `${pct(r.score.mean)} ± ${pct(r.score.std)}`,
      length: `${num(r.length.mean)} ± ${num(r.length.std)}`,
      title: `${r.examples} examples × ${r.trials} trials${r.overall === 'macro' && r.macro ? ', macro average over categories' : ''}; ${pass}; truncated ${pct(r.truncation_rate)}%${r.complete ? '' : `; INCOMPLETE: ${r.cells} of ${r.examples * r.trials} cells`}`,
    };
  });
}

/** Share of cells by training-reward reason (rounded percent), for a cell's hover text. */
const reasonsText = (reasons: Record<string, number>, n: number) =>
  Object.entries(reasons)
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `${k} ${pct(v / n)}%`)
    .join(', ');

export const FORMAT_CAPTION =
  "Share of the evaluation's samples (%) that pass the paper's format gate (</think> then one <answer>…</answer>, else reward −2); for math tasks, in brackets, the share whose answer also holds a \\boxed{}. The base model's row is what RLVR from the base can reward at all.";

/**
 * Model × task: the share of samples that pass the paper's format gate (`</think>` then one
 * `<answer>…</answer>`), and for math tasks the share whose answer holds a `\boxed{}` — what
 * RLVR from a model can reward at all. Results written before these fields existed show "—".
 */
export function formatMatrix(index: ResultIndex): Matrix {
  const m = matrix(index, (r) => {
    if (r.well_formed_rate === undefined || !Number.isFinite(r.well_formed_rate)) return null;
    const n = Object.values(r.reward_reasons).reduce((a, b) => a + b, 0);
    // math and math-lite: the answer must also hold a \boxed{} to be graded
    const boxed = r.domain.startsWith('math')
      ? ` (boxed ${pct(r.well_formed_rate - (r.reward_reasons.no_boxed ?? 0) / n)}%)`
      : '';
    return { score: `${pct(r.well_formed_rate)}%${boxed}`, length: '', title: reasonsText(r.reward_reasons, n) };
  });
  return { tasks: m.tasks, rows: m.rows.filter((r) => r.cells.some((c) => c !== null)) };
}

/** Paired comparisons: every model against the base model when there is one, else every pair. */
export function comparisonRows(index: ResultIndex): Comparison[] {
  const models = index.models();
  const base = models.find((m) => m === 'base');
  const out: Comparison[] = [];
  for (const task of index.tasks()) {
    const rs = models.map((m) => index.get(m, task)).filter((r) => r !== undefined);
    if (base) {
      const b = index.get(base, task);
      if (b) for (const r of rs) if (r.model !== base) out.push(compareResults(b, r));
    } else
      for (let i = 0; i < rs.length; i++)
        for (let j = i + 1; j < rs.length; j++) out.push(compareResults(rs[i]!, rs[j]!));
  }
  return out;
}

export function formatComparison(c: Comparison): {
  task: string;
  pair: string;
  diff: string;
  ci: string;
  p: string;
  n: string;
  method: string;
} {
  return {
    task: c.task,
    pair: `${c.b} − ${c.a}`,
    diff: c.diff === null || Number.isNaN(c.diff) ? '—' : `${c.diff >= 0 ? '+' : ''}${pct(c.diff)}`,
    ci: Number.isFinite(c.low) ? `[${pct(c.low)}, ${pct(c.high)}]` : '—',
    p: !Number.isFinite(c.pValue) ? '—' : c.pValue < 0.001 ? '<0.001' : c.pValue.toFixed(3),
    n: String(c.n),
    method: c.method,
  };
}

export interface CategoryRow {
  model: string;
  task: string;
  category: string;
  examples: number;
  score: string;
}

export function categoryRows(index: ResultIndex): CategoryRow[] {
  return index
    .all()
    .filter((r) => r.categories.length > 1)
    .flatMap((r) =>
      r.categories.map((c) => ({
        model: r.model,
        task: r.task,
        category: c.category,
        examples: c.examples,
        score: `${pct(c.accuracy.mean)} ± ${pct(c.accuracy.std)}`,
      })),
    );
}
