// The report's tables as plain data (rendered to HTML by html.ts and to Markdown by markdown.ts).
import { type Comparison, compareResults } from '../eval/aggregate.js';
import { num, pct } from '../eval/summary.js';
import type { ResultIndex } from './roles.js';

export interface Cell {
  score: string;
  length: string;
  title: string;
}

/** Model × task: "mean ± std" of the headline score (percent) and the completion length. */
export function resultsMatrix(index: ResultIndex): {
  tasks: string[];
  rows: { model: string; cells: (Cell | null)[] }[];
} {
  const tasks = index.tasks();
  const rows = index.models().map((model) => ({
    model,
    cells: tasks.map((t) => {
      const r = index.get(model, t);
      if (!r) return null;
      const pass = Object.entries(r.pass_at_k)
        .map(([k, v]) => `pass@${k} ${pct(v)}%`)
        .join(', ');
      return {
        score: `${pct(r.score.mean)} ± ${pct(r.score.std)}`,
        length: `${num(r.length.mean)} ± ${num(r.length.std)}`,
        title: `${r.examples} examples × ${r.trials} trials${r.overall === 'macro' && r.macro ? ', macro average over categories' : ''}; ${pass}; truncated ${pct(r.truncation_rate)}%${r.complete ? '' : `; INCOMPLETE: ${r.cells} of ${r.examples * r.trials} cells`}`,
      };
    }),
  }));
  return { tasks, rows };
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
