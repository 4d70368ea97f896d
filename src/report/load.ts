// What `kindling report RUN_DIRS…` reads. Each folder may be any mix of:
//   an evaluation folder       DIR/results.json (+ samples.jsonl)      from `kindling eval --out DIR`
//   a training run             DIR/metrics.jsonl                         training curves
//                              DIR/eval/step-<N>/results.json            periodic evaluations (src/eval/periodic.ts)
// A folder with none of these is an error naming what was looked for.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { listPeriodicEvals } from '../eval/periodic.js';
import { type EvalResults, readResults, resultsFile, samplesFile } from '../eval/results.js';
import { readMetrics } from './metrics-file.js';

export { readMetrics };

export interface EvalFolder {
  dir: string;
  results: EvalResults;
  /** DIR/samples.jsonl when present. */
  samples: string | null;
}

export interface PeriodicPoint {
  /** The run folder's name. */
  run: string;
  /** The model label the trainer gave (e.g. `warmup+rlvr:math`); the run name when it gave none. */
  label: string;
  step: number;
  results: EvalResults;
}

export interface MetricsSeries {
  run: string;
  file: string;
  rows: Record<string, number>[];
}

export interface ReportInput {
  evals: EvalFolder[];
  periodic: PeriodicPoint[];
  metrics: MetricsSeries[];
}

export function loadReportInput(dirs: readonly string[]): ReportInput {
  if (dirs.length === 0) throw new Error('report: give at least one run or results folder');
  const input: ReportInput = { evals: [], periodic: [], metrics: [] };
  for (const d of dirs) {
    const dir = resolve(d);
    if (!existsSync(dir)) throw new Error(`${d}: no such folder`);
    let found = false;
    if (existsSync(resultsFile(dir))) {
      input.evals.push({
        dir,
        results: readResults(dir),
        samples: existsSync(samplesFile(dir)) ? samplesFile(dir) : null,
      });
      found = true;
    }
    const run = basename(dir);
    for (const p of listPeriodicEvals(dir)) {
      const results = readResults(p.dir);
      input.periodic.push({ run, label: results.models[0]?.label ?? run, step: results.step ?? p.step, results });
      found = true;
    }
    const metrics = resolve(dir, 'metrics.jsonl');
    if (existsSync(metrics)) {
      input.metrics.push({ run, file: metrics, rows: readMetrics(metrics) });
      found = true;
    }
    if (!found) throw new Error(`${d}: no results.json, eval/step-<N>/results.json or metrics.jsonl found`);
  }
  return input;
}
