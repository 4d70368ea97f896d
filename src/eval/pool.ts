// Pools results folders of repeated runs — the same models and tasks evaluated once per seed — into
// one folder, with every seed's trials as extra trials: seed i's trial t becomes trial i·T + t. The
// aggregate is then computed exactly as `kindling eval` computes it (aggregateTask), so accuracy is
// the mean over seeds × trials, its std the spread of those runs, and paired comparisons pair each
// example over all of them. This is what `kindling run --seeds`'s report shows.
//
// For a model trained once per seed (RLVR with seed s) the pooled "trials" of a label are samples of
// different models; the label still names the procedure, which is what the seeds average over.
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { aggregateTask, allComparisons, type TaskResult, type TaskSelection } from './aggregate.js';
import { cellKey } from './records.js';
import { type EvalResults, RESULTS_FORMAT, readResults, resultsFile, samplesFile, writeJsonAtomic } from './results.js';
import { type CellSummary, readRecords, summarize } from './store.js';

export interface PoolOptions {
  /** Results folders, one per seed, in seed order. */
  dirs: readonly string[];
  /** The pooled folder (samples.jsonl + results.json), replaced if present. */
  out: string;
}

export interface PoolSummary {
  results: EvalResults;
  samples: number;
  out: string;
}

export async function poolResults(o: PoolOptions): Promise<PoolSummary> {
  if (o.dirs.length < 1) throw new Error('pool: give at least one results folder');
  const all = o.dirs.map((d) => {
    const dir = resolve(d);
    if (!existsSync(resultsFile(dir))) throw new Error(`${d}: no results.json (not a kindling eval folder)`);
    if (!existsSync(samplesFile(dir))) throw new Error(`${d}: no samples.jsonl to pool`);
    return { dir, given: d, results: readResults(dir) };
  });
  const first = all[0]!;
  const T = first.results.protocol.trials;
  // Pooling only makes sense for the same evaluation repeated: same models, tasks, protocol but the seed.
  const lists = (r: EvalResults) => ({ models: r.models.map((m) => m.label), tasks: r.tasks.map((t) => t.selector) });
  const want = lists(first.results);
  for (const f of all.slice(1)) {
    const r = f.results;
    const got = lists(r);
    for (const k of ['models', 'tasks'] as const)
      if (got[k].join('\u0000') !== want[k].join('\u0000'))
        throw new Error(`${f.given}: ${k} ${got[k].join(', ')} differ from ${first.given}'s (${want[k].join(', ')})`);
    for (const k of Object.keys(first.results.protocol) as (keyof EvalResults['protocol'])[])
      if (k !== 'seed' && JSON.stringify(r.protocol[k]) !== JSON.stringify(first.results.protocol[k]))
        throw new Error(
          `${f.given}: protocol field '${k}' is ${JSON.stringify(r.protocol[k])}, ${first.given} has ${JSON.stringify(first.results.protocol[k])}`,
        );
  }
  for (const f of all)
    for (const r of f.results.results)
      if (!r.complete)
        throw new Error(
          `${f.given}: ${r.model} on ${r.task} is incomplete (${r.cells} of ${r.examples * r.trials} samples); finish that evaluation first`,
        );

  const out = resolve(o.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const cells = new Map<string, CellSummary>();
  const categories = new Map<string, Map<string, string>>(); // task name → example id → category
  // Streamed line by line: a benchmark's samples × seeds need not fit in one string.
  const fd = openSync(samplesFile(out), 'w');
  let samples = 0;
  try {
    for (const [i, f] of all.entries()) {
      for await (const rec of readRecords(samplesFile(f.dir))) {
        if (rec.trial >= T) continue; // cells of a larger earlier run that this protocol does not count
        const r = { ...rec, trial: i * T + rec.trial };
        cells.set(cellKey(r.model, r.task, r.example_id, r.trial), summarize(r));
        let byId = categories.get(r.task);
        if (!byId) categories.set(r.task, (byId = new Map()));
        if (!byId.has(r.example_id)) byId.set(r.example_id, r.category);
        writeSync(fd, `${JSON.stringify(r)}\n`);
        samples++;
      }
    }
  } finally {
    closeSync(fd);
  }

  const trials = T * all.length;
  const results: TaskResult[] = [];
  for (const task of first.results.tasks) {
    // The examples evaluated are those of the task's results (complete, so per_example lists them all).
    const ids = Object.keys(first.results.results.find((r) => r.task === task.selector)?.per_example ?? {});
    const byId = categories.get(task.name) ?? new Map<string, string>();
    const sel: TaskSelection = {
      selector: task.selector,
      name: task.name,
      domain: task.domain,
      overall: task.overall,
      examples: ids.map((id) => ({ id, category: byId.get(id) ?? 'all' })),
    };
    for (const label of want.models) results.push(aggregateTask(cells, label, sel, trials));
  }
  const pooled: EvalResults = {
    format: RESULTS_FORMAT,
    created: new Date().toISOString(),
    step: first.results.step,
    protocol: { ...first.results.protocol, trials },
    models: first.results.models,
    tasks: first.results.tasks,
    results,
    comparisons: allComparisons(results),
    pooled_from: all.map((f) => ({ dir: f.dir, seed: f.results.protocol.seed })),
  };
  writeJsonAtomic(resultsFile(out), pooled);
  return { results: pooled, samples, out };
}
