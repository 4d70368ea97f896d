// The samples embedded in the report's browser: a seeded uniform subset of each (model, task)'s
// cells (reservoir sampling while streaming samples.jsonl, so a big results folder is never held
// in memory), prompts stored once, long completions cut.

import { readRecords } from '../eval/store.js';
import { mulberry32 } from '../util/random.js';
import type { EvalFolder } from './load.js';

export interface BrowserSample {
  model: string;
  task: string;
  id: string;
  trial: number;
  category: string;
  correct: boolean;
  extracted: string | null;
  gold: string | null;
  /** Index into BrowserData.prompts. */
  p: number;
  completion: string;
  tokens: number;
  finish: string;
  reward: number;
  reason: string;
}

export interface BrowserData {
  prompts: string[];
  samples: BrowserSample[];
  /** Samples available / embedded. */
  total: number;
  maxChars: number;
}

export interface BrowserOptions {
  /** At most this many samples in the page (default 2,000), shared evenly by (model, task). */
  maxSamples?: number;
  /** Completions longer than this are cut (default 12,000 characters). */
  maxChars?: number;
  seed?: number;
}

const cutText = (s: string, max: number) =>
  s.length > max ? `${s.slice(0, max)}\n… [${s.length - max} more characters cut for the report]` : s;

export async function collectSamples(evals: readonly EvalFolder[], o: BrowserOptions = {}): Promise<BrowserData> {
  const maxSamples = o.maxSamples ?? 2000;
  const maxChars = o.maxChars ?? 12000;
  const rand = mulberry32(o.seed ?? 0);
  // Strata from the results (known before streaming); cells of other pairs share one extra stratum.
  const strata = new Set<string>();
  for (const e of evals) for (const r of e.results.results) strata.add(`${r.model}\u0000${r.name}`);
  const quota = Math.max(1, Math.floor(maxSamples / Math.max(1, strata.size)));
  const reservoirs = new Map<string, { seen: number; keep: BrowserSample[]; prompts: string[] }>();
  let total = 0;
  const seenCells = new Set<string>();
  for (const e of evals) {
    if (!e.samples) continue;
    for await (const r of readRecords(e.samples)) {
      const cell = `${r.model}\u0000${r.task}\u0000${r.example_id}\u0000${r.trial}`;
      if (seenCells.has(cell)) continue; // the same cell in two folders: the first counts
      seenCells.add(cell);
      total++;
      const k = `${r.model}\u0000${r.task}`;
      let res = reservoirs.get(k);
      if (!res) {
        res = { seen: 0, keep: [], prompts: [] };
        reservoirs.set(k, res);
      }
      res.seen++;
      const sample: BrowserSample = {
        model: r.model,
        task: r.task,
        id: r.example_id,
        trial: r.trial,
        category: r.category,
        correct: r.correct,
        extracted: r.extracted === null ? null : cutText(r.extracted, 2000),
        gold: r.gold === null ? null : cutText(r.gold, 2000),
        p: -1,
        completion: cutText(r.completion, maxChars),
        tokens: r.completion_tokens,
        finish: r.finish_reason,
        reward: r.reward,
        reason: r.score_reason,
      };
      if (res.keep.length < quota) {
        res.keep.push(sample);
        res.prompts.push(r.prompt);
      } else {
        const j = Math.floor(rand() * res.seen);
        if (j < quota) {
          res.keep[j] = sample;
          res.prompts[j] = r.prompt;
        }
      }
    }
  }
  const prompts: string[] = [];
  const promptIndex = new Map<string, number>();
  const samples: BrowserSample[] = [];
  for (const res of reservoirs.values())
    res.keep.forEach((s, i) => {
      const text = res.prompts[i]!;
      let p = promptIndex.get(text);
      if (p === undefined) {
        p = prompts.length;
        prompts.push(text);
        promptIndex.set(text, p);
      }
      samples.push({ ...s, p });
    });
  samples.sort(
    (a, b) =>
      a.task.localeCompare(b.task) || a.id.localeCompare(b.id) || a.model.localeCompare(b.model) || a.trial - b.trial,
  );
  return { prompts, samples, total, maxChars };
}
