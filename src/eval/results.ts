// The results folder of one evaluation (what `kindling eval --out DIR` writes and `kindling
// report` reads):
//   DIR/samples.jsonl   one line per cell (records.ts), append-only, the cache
//   DIR/run.json        the protocol and the models' folders (checked when a run resumes)
//   DIR/results.json    the aggregate (this file's EvalResults), rewritten at the end of each run
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison, TaskResult } from './aggregate.js';
import type { EvalProtocol } from './protocol.js';

export const RESULTS_FORMAT = 'kindling-eval/1';

export interface EvalResults {
  format: typeof RESULTS_FORMAT;
  created: string;
  /** RLVR step for periodic evaluations written by a trainer, else null. */
  step: number | null;
  protocol: EvalProtocol;
  models: { label: string; dir: string | null }[];
  tasks: { selector: string; name: string; domain: string; overall: 'micro' | 'macro'; examples: number }[];
  results: TaskResult[];
  comparisons: Comparison[];
  /** Set by `kindling pool-evals`: the per-seed folders pooled (seed i's trial t is trial i·T + t here). */
  pooled_from?: { dir: string; seed: number }[];
}

export interface RunInfo {
  format: 'kindling-eval-run/1';
  protocol: EvalProtocol;
  /** label → absolute model folder (null for a model given in memory, e.g. by a trainer). */
  models: Record<string, string | null>;
}

export const samplesFile = (dir: string) => join(dir, 'samples.jsonl');
export const resultsFile = (dir: string) => join(dir, 'results.json');
export const runFile = (dir: string) => join(dir, 'run.json');

/** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(
    tmp,
    `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  renameSync(tmp, file);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
}

export function readRunInfo(dir: string): RunInfo | null {
  const f = runFile(dir);
  if (!existsSync(f)) return null;
  const v = readJson(f) as RunInfo;
  if (v?.format !== 'kindling-eval-run/1') throw new Error(`${f}: field 'format' must be 'kindling-eval-run/1'`);
  if (!v.protocol || typeof v.protocol !== 'object') throw new Error(`${f}: field 'protocol' is missing`);
  if (!v.models || typeof v.models !== 'object') throw new Error(`${f}: field 'models' is missing`);
  return v;
}

/** Reads and checks DIR/results.json (or a results.json path). Errors name the file and field. */
export function readResults(dirOrFile: string): EvalResults {
  const f = dirOrFile.endsWith('.json') ? dirOrFile : resultsFile(dirOrFile);
  const v = readJson(f) as Record<string, unknown>;
  if (v?.format !== RESULTS_FORMAT)
    throw new Error(`${f}: field 'format' must be '${RESULTS_FORMAT}', got ${JSON.stringify(v?.format)}`);
  for (const field of ['models', 'tasks', 'results', 'comparisons'])
    if (!Array.isArray(v[field])) throw new Error(`${f}: field '${field}' must be a list`);
  (v.results as unknown[]).forEach((r, i) => {
    const x = r as Record<string, unknown>;
    for (const field of ['model', 'task', 'name', 'domain'])
      if (typeof x?.[field] !== 'string') throw new Error(`${f}: results[${i}].${field} must be a string`);
    for (const field of ['score', 'accuracy', 'length'])
      if (
        typeof (x[field] as Record<string, unknown>)?.mean !== 'number' &&
        (x[field] as Record<string, unknown>)?.mean !== null
      )
        throw new Error(`${f}: results[${i}].${field}.mean must be a number`);
  });
  if (v.step !== null && v.step !== undefined && !Number.isInteger(v.step))
    throw new Error(`${f}: field 'step' must be an integer or null`);
  return { ...(v as unknown as EvalResults), step: (v.step as number | undefined) ?? null };
}
