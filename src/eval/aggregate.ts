// From cells to the numbers the paper reports, per (model, task):
//   accuracy per trial = fraction of the task's examples whose trial-t sample is correct;
//     reported as mean ± sample std over the trials (PAPER.md: "accuracy per trial over the whole
//     test set", then mean ± std);
//   per category the same, and the macro average = per trial, the mean of the category accuracies
//     (MMLU-Pro's headline number), then mean ± std over trials;
//   pass@k = mean over examples of the unbiased estimator with n = trials (k ≤ n);
//   completion length = per trial the mean completion tokens, then mean ± std over trials;
//   truncation rate = fraction of samples that ended at the token budget.
// Paired comparisons of two models on one task use per-example accuracy (mean over trials) and a
// paired t-interval on the differences (stratified by category for macro-averaged tasks; stats.ts).

import { cellKey } from './records.js';
import {
  type MeanStd,
  mean,
  meanStd,
  type PairedInterval,
  pairedTInterval,
  passAtK,
  reportedKs,
  stratifiedPairedInterval,
} from './stats.js';
import type { CellSummary } from './store.js';

export interface MeanStdTrials extends MeanStd {
  per_trial: number[];
}

export interface CategoryResult {
  category: string;
  examples: number;
  accuracy: MeanStdTrials;
}

export interface TaskResult {
  model: string;
  /** The selector evaluated (e.g. `mmlu-pro:history,physics`). */
  task: string;
  /** Registry name (cell key) and training domain. */
  name: string;
  domain: string;
  examples: number;
  trials: number;
  /** Cells found / cells expected (examples × trials). */
  cells: number;
  complete: boolean;
  overall: 'micro' | 'macro';
  /** Plain accuracy over examples. */
  accuracy: MeanStdTrials;
  /** Macro average over categories (null with one category). */
  macro: MeanStdTrials | null;
  /** The headline: `macro` when overall is macro and there are categories, else `accuracy`. */
  score: MeanStdTrials;
  categories: CategoryResult[];
  /** Unbiased pass@k for k = 1, 2, 4, … ≤ trials (over examples with every trial present). */
  pass_at_k: Record<string, number>;
  /** Completion tokens. */
  length: MeanStdTrials;
  truncation_rate: number;
  finish_reasons: Record<string, number>;
  /** Share of cells that pass the paper's format gate (their reward reason is not `format_*`). */
  well_formed_rate: number;
  /** Cells per training-reward reason (`format_no_think_close`, `no_boxed`, `correct`, …). */
  reward_reasons: Record<string, number>;
  /** Correct trials per example id, examples with every trial only (paired comparisons across folders). */
  per_example: Record<string, number>;
  /** Category of each example id, for macro-averaged tasks with several categories (stratified comparisons). */
  example_category?: Record<string, string>;
}

export interface TaskSelection {
  selector: string;
  name: string;
  domain: string;
  overall: 'micro' | 'macro';
  /** The examples evaluated, in order, with their categories. */
  examples: readonly { id: string; category: string }[];
}

const withTrials = (perTrial: number[]): MeanStdTrials => ({ ...meanStd(perTrial), per_trial: perTrial });

/** Aggregates one model on one task from a cell index (missing cells are left out of the means). */
export function aggregateTask(
  cells: ReadonlyMap<string, CellSummary>,
  model: string,
  sel: TaskSelection,
  trials: number,
): TaskResult {
  const accPerTrial: number[] = [];
  const lenPerTrial: number[] = [];
  const byCat = new Map<string, { examples: number; perTrial: number[][] }>();
  for (const e of sel.examples) {
    let c = byCat.get(e.category);
    if (!c) {
      c = { examples: 0, perTrial: Array.from({ length: trials }, () => []) };
      byCat.set(e.category, c);
    }
    c.examples++;
  }
  const finish: Record<string, number> = {};
  const rewardReasons: Record<string, number> = {};
  let wellFormed = 0;
  const perExample: Record<string, number> = {};
  const correctCounts: number[] = [];
  let found = 0;
  let truncated = 0;
  const trialCorrect: number[][] = Array.from({ length: trials }, () => []);
  const trialLength: number[][] = Array.from({ length: trials }, () => []);
  for (const e of sel.examples) {
    let c = 0;
    let seen = 0;
    for (let t = 0; t < trials; t++) {
      const cell = cells.get(cellKey(model, sel.name, e.id, t));
      if (!cell) continue;
      found++;
      seen++;
      const ok = cell.correct ? 1 : 0;
      c += ok;
      trialCorrect[t]!.push(ok);
      trialLength[t]!.push(cell.completion_tokens);
      byCat.get(e.category)!.perTrial[t]!.push(ok);
      finish[cell.finish_reason] = (finish[cell.finish_reason] ?? 0) + 1;
      if (cell.finish_reason === 'length') truncated++;
      rewardReasons[cell.reward_reason] = (rewardReasons[cell.reward_reason] ?? 0) + 1;
      if (!cell.reward_reason.startsWith('format_')) wellFormed++;
    }
    if (seen === trials) {
      perExample[e.id] = c;
      correctCounts.push(c);
    }
  }
  for (let t = 0; t < trials; t++) {
    if (trialCorrect[t]!.length === 0) continue;
    accPerTrial.push(mean(trialCorrect[t]!));
    lenPerTrial.push(mean(trialLength[t]!));
  }
  const categories: CategoryResult[] = [...byCat]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, c]) => ({
      category,
      examples: c.examples,
      accuracy: withTrials(c.perTrial.filter((xs) => xs.length > 0).map(mean)),
    }));
  // Macro: per trial, the mean over categories of that trial's category accuracy.
  let macro: MeanStdTrials | null = null;
  if (categories.length > 1) {
    const per: number[] = [];
    for (let t = 0; t < trials; t++) {
      const cats = [...byCat.values()].map((c) => c.perTrial[t]!).filter((xs) => xs.length > 0);
      if (cats.length) per.push(mean(cats.map(mean)));
    }
    macro = withTrials(per);
  }
  const accuracy = withTrials(accPerTrial);
  const pass: Record<string, number> = {};
  if (correctCounts.length)
    for (const k of reportedKs(trials)) pass[String(k)] = mean(correctCounts.map((c) => passAtK(trials, c, k)));
  return {
    model,
    task: sel.selector,
    name: sel.name,
    domain: sel.domain,
    examples: sel.examples.length,
    trials,
    cells: found,
    complete: found === sel.examples.length * trials,
    overall: sel.overall,
    accuracy,
    macro,
    score: sel.overall === 'macro' && macro ? macro : accuracy,
    categories,
    pass_at_k: pass,
    length: withTrials(lenPerTrial),
    truncation_rate: found ? truncated / found : Number.NaN,
    finish_reasons: finish,
    well_formed_rate: found ? wellFormed / found : Number.NaN,
    reward_reasons: rewardReasons,
    per_example: perExample,
    ...(sel.overall === 'macro' && categories.length > 1
      ? { example_category: Object.fromEntries(sel.examples.map((e) => [e.id, e.category])) }
      : {}),
  };
}

export interface Comparison extends PairedInterval {
  task: string;
  /** Difference is b − a, in accuracy (fraction). */
  a: string;
  b: string;
}

/**
 * Paired comparison of two results on the same task (examples both have), b − a, on the task's
 * headline: per-example accuracy over trials, paired t-interval; for a macro-averaged task, the
 * stratified version (one stratum per category).
 */
export function compareResults(a: TaskResult, b: TaskResult, confidence = 0.95): Comparison {
  const ids = Object.keys(a.per_example).filter((id) => id in b.per_example);
  const acc = (r: TaskResult, id: string) => r.per_example[id]! / r.trials;
  const cats = a.overall === 'macro' ? (a.example_category ?? b.example_category) : undefined;
  if (cats) {
    const groups = new Map<string, { a: number[]; b: number[] }>();
    for (const id of ids) {
      const c = cats[id] ?? '';
      let g = groups.get(c);
      if (!g) {
        g = { a: [], b: [] };
        groups.set(c, g);
      }
      g.a.push(acc(a, id));
      g.b.push(acc(b, id));
    }
    return { task: a.task, a: a.model, b: b.model, ...stratifiedPairedInterval([...groups.values()], confidence) };
  }
  return {
    task: a.task,
    a: a.model,
    b: b.model,
    ...pairedTInterval(
      ids.map((id) => acc(a, id)),
      ids.map((id) => acc(b, id)),
      confidence,
    ),
  };
}

/** Every pair (earlier model = a, later = b) per task. */
export function allComparisons(results: readonly TaskResult[], confidence = 0.95): Comparison[] {
  const out: Comparison[] = [];
  const tasks = [...new Set(results.map((r) => r.task))];
  for (const task of tasks) {
    const rs = results.filter((r) => r.task === task);
    for (let i = 0; i < rs.length; i++)
      for (let j = i + 1; j < rs.length; j++) out.push(compareResults(rs[i]!, rs[j]!, confidence));
  }
  return out;
}
