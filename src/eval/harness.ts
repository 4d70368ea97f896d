// The evaluation harness: models × tasks × examples × trials, with the paper's protocol.
// Every finished cell is appended to DIR/samples.jsonl at once (one write per batch), so a run
// that is interrupted and started again computes only the cells it had not finished. The harness
// knows tasks only through TaskEntry (src/tasks/registry.ts) and the Task interface.
import { resolve } from 'node:path';
import type { TextCodec } from '../generate/index.js';
import { tokenizerFolder } from '../model/adapter-io.js';
import type { CausalLM } from '../model/decoder.js';
import { loadModel } from '../model/load.js';
import type { TaskEntry } from '../tasks/registry.js';
import type { Example } from '../tasks/types.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { aggregateTask, allComparisons, type TaskResult, type TaskSelection } from './aggregate.js';
import { type CellJob, generateCells } from './generate-cells.js';
import { exampleSeed, lengthBatches, limitPerCategory } from './plan.js';
import {
  type EvalProtocol,
  PAPER_EVAL_STOP,
  PAPER_PROTOCOL,
  protocolDifferences,
  validateProtocol,
} from './protocol.js';
import { cellKey, type SampleRecord } from './records.js';
import {
  type EvalResults,
  RESULTS_FORMAT,
  type RunInfo,
  readRunInfo,
  resultsFile,
  runFile,
  samplesFile,
  writeJsonAtomic,
} from './results.js';
import { CellStore } from './store.js';

export interface ModelSource {
  model: CausalLM;
  tokenizer: TextCodec;
}

export interface EvalModelSpec {
  /** Name in results and reports (`base`, `warmup`, `warmup+rlvr:math`, …). */
  label: string;
  /** A Hugging Face model folder (config.json, safetensors, tokenizer files). */
  dir?: string;
  /** A model already in memory (a trainer's periodic evaluation). */
  source?: ModelSource;
  /** Device for a model loaded from `dir` (default cpu). */
  device?: string;
  /** For a PEFT adapter folder `dir`: its base model folder (default: the adapter's base_model_name_or_path). */
  base?: string;
}

export interface ProgressEvent {
  model: string;
  task: string;
  /** Cells computed so far in this run, and the total this run has to compute. */
  done: number;
  total: number;
}

export interface RunEvalOptions {
  /** Results folder (created). */
  out: string;
  models: readonly EvalModelSpec[];
  tasks: readonly TaskEntry[];
  protocol?: Partial<EvalProtocol>;
  /** Examples per task (spread over its categories). */
  limit?: number;
  /** Prompts per generate() call (each with `trials` samples). Default 8. */
  batchPrompts?: number;
  /** RLVR step (periodic evaluations). */
  step?: number | null;
  onProgress?: (e: ProgressEvent) => void;
  onLog?: (message: string) => void;
  /** Checked between batches: an aborted run keeps every finished cell and throws. */
  signal?: AbortSignal;
}

export interface RunEvalSummary {
  results: EvalResults;
  /** Cells computed by this run / found finished in the cache. */
  computed: number;
  cached: number;
  /** Bytes of an interrupted last line that were dropped when the cache was opened. */
  repairedBytes: number;
  out: string;
}

interface Prepared {
  entry: TaskEntry;
  examples: Example[];
  prompts: string[];
  categories: string[];
  selection: TaskSelection;
}

const labelPattern = /^[^\s=,][^=,]*$/;

export async function runEval(o: RunEvalOptions): Promise<RunEvalSummary> {
  const protocol: EvalProtocol = { ...PAPER_PROTOCOL, ...o.protocol };
  validateProtocol(protocol);
  const batchPrompts = o.batchPrompts ?? 8;
  if (!Number.isInteger(batchPrompts) || batchPrompts < 1)
    throw new RangeError(`batch size must be an integer ≥ 1, got ${batchPrompts}`);
  if (o.models.length === 0) throw new Error('no models to evaluate');
  if (o.tasks.length === 0) throw new Error('no tasks to evaluate');
  const labels = new Set<string>();
  for (const m of o.models) {
    if (!labelPattern.test(m.label))
      throw new Error(`model label '${m.label}' must be non-empty without '=', ',' or leading space`);
    if (labels.has(m.label)) throw new Error(`model label '${m.label}' is given twice`);
    if (!m.dir && !m.source) throw new Error(`model '${m.label}' has neither a folder nor a loaded model`);
    labels.add(m.label);
  }
  const log = o.onLog ?? (() => {});
  const out = resolve(o.out);

  // The protocol and model folders of an existing results folder must match this run's.
  const saved = readRunInfo(out);
  const modelDirs: Record<string, string | null> = { ...(saved?.models ?? {}) };
  if (saved) {
    const diffs = protocolDifferences({ ...PAPER_PROTOCOL, ...saved.protocol }, protocol);
    if (diffs.length)
      throw new Error(
        `${runFile(out)}: this folder was evaluated with other settings (${diffs.join('; ')}); use another --out`,
      );
  }
  for (const m of o.models) {
    const dir = m.dir ? resolve(m.dir) : null;
    const before = modelDirs[m.label];
    if (before && dir && before !== dir)
      throw new Error(
        `${runFile(out)}: label '${m.label}' was evaluated from ${before}, now ${dir}; use another label or --out`,
      );
    modelDirs[m.label] = dir ?? before ?? null;
  }

  const { store, info } = await CellStore.open(samplesFile(out));
  try {
    if (info.droppedBytes)
      log(`${samplesFile(out)}: dropped an unfinished last line (${info.droppedBytes} bytes) from an interrupted run`);
    if (info.duplicates)
      log(`${samplesFile(out)}: ${info.duplicates} duplicate cell line(s) ignored (the first of each counts)`);
    writeJsonAtomic(runFile(out), { format: 'kindling-eval-run/1', protocol, models: modelDirs } satisfies RunInfo);

    // Load every task's rows once (shared by all models).
    const prepared: Prepared[] = [];
    for (const entry of o.tasks) {
      const all = await entry.load();
      const examples = limitPerCategory(all, o.limit, (e) => entry.category(e));
      const ids = new Set<string>();
      for (const e of examples) {
        if (ids.has(e.id)) throw new Error(`task ${entry.selector}: example id '${e.id}' appears twice`);
        ids.add(e.id);
      }
      const categories = examples.map((e) => entry.category(e));
      prepared.push({
        entry,
        examples,
        prompts: examples.map((e) => entry.task.prompt(e, { mode: 'eval' })),
        categories,
        selection: {
          selector: entry.selector,
          name: entry.name,
          domain: entry.domain,
          overall: entry.overall,
          examples: examples.map((e, i) => ({ id: e.id, category: categories[i]! })),
        },
      });
      log(
        `${entry.selector}: ${examples.length} examples${o.limit !== undefined && all.length > examples.length ? ` (of ${all.length})` : ''}`,
      );
    }

    const T = protocol.trials;
    const missing = (label: string, p: Prepared, i: number) => {
      const ts: number[] = [];
      for (let t = 0; t < T; t++) if (!store.has(cellKey(label, p.entry.name, p.examples[i]!.id, t))) ts.push(t);
      return ts;
    };
    let total = 0;
    for (const m of o.models)
      for (const p of prepared) for (let i = 0; i < p.examples.length; i++) total += missing(m.label, p, i).length;
    const cached = o.models.length * prepared.reduce((s, p) => s + p.examples.length * T, 0) - total;
    log(`${cached} cells cached, ${total} to compute`);

    let done = 0;
    for (const m of o.models) {
      const todo = prepared.filter((p) => p.examples.some((_, i) => missing(m.label, p, i).length > 0));
      if (todo.length === 0) continue;
      const owned = !m.source;
      const src = m.source ?? loadSource(m);
      const maxPos = src.model.config.max_position_embeddings;
      if (protocol.maxTotalTokens > maxPos)
        log(
          `${m.label}: the model has ${maxPos} positions; prompt + completion capped at ${maxPos} instead of ${protocol.maxTotalTokens}`,
        );
      try {
        for (const p of todo) {
          const unjudged = await evalModelTask(
            m.label,
            src,
            p,
            protocol,
            batchPrompts,
            store,
            missing,
            o.signal,
            (n) => {
              done += n;
              o.onProgress?.({ model: m.label, task: p.entry.selector, done, total });
            },
          );
          // Rows that could not be judged are scored wrong; say how many, so the number is not silent.
          if (unjudged.size)
            log(
              `${p.entry.selector}: ${unjudged.size} example${unjudged.size === 1 ? '' : 's'} not judged (the reference solution failed; score_reason reference_error in samples.jsonl): ${[...unjudged].slice(0, 5).join(', ')}${unjudged.size > 5 ? ', …' : ''}`,
            );
        }
      } finally {
        if (owned) for (const t of src.model.params.values()) t.dispose();
      }
    }

    // Aggregate what the cache holds for this selection.
    const results: TaskResult[] = [];
    for (const p of prepared)
      for (const m of o.models) results.push(aggregateTask(store.cells, m.label, p.selection, T));
    const evalResults: EvalResults = {
      format: RESULTS_FORMAT,
      created: new Date().toISOString(),
      step: o.step ?? null,
      protocol,
      models: o.models.map((m) => ({ label: m.label, dir: modelDirs[m.label] ?? null })),
      tasks: prepared.map((p) => ({
        selector: p.entry.selector,
        name: p.entry.name,
        domain: p.entry.domain,
        overall: p.entry.overall,
        examples: p.examples.length,
      })),
      results,
      comparisons: allComparisons(results),
    };
    writeJsonAtomic(resultsFile(out), evalResults);
    return { results: evalResults, computed: done, cached, repairedBytes: info.droppedBytes, out };
  } finally {
    store.close();
  }
}

function loadSource(m: EvalModelSpec): ModelSource {
  const dir = m.dir!;
  const tokenizer = loadTokenizer(tokenizerFolder(dir, m.base), 'model');
  const model = loadModel(dir, { ...(m.device ? { device: m.device } : {}), ...(m.base ? { base: m.base } : {}) });
  if (tokenizer.vocabSize > model.config.vocab_size)
    throw new Error(
      `${dir}: the tokenizer has ${tokenizer.vocabSize} ids but the model only ${model.config.vocab_size}`,
    );
  return { model, tokenizer };
}

async function evalModelTask(
  label: string,
  src: ModelSource,
  p: Prepared,
  protocol: EvalProtocol,
  batchPrompts: number,
  store: CellStore,
  missing: (label: string, p: Prepared, i: number) => number[],
  signal: AbortSignal | undefined,
  tick: (cells: number) => void,
): Promise<Set<string>> {
  const unjudged = new Set<string>();
  const { model, tokenizer } = src;
  const T = protocol.trials;
  const maxPos = model.config.max_position_embeddings;
  const totalCap = Math.min(protocol.maxTotalTokens, maxPos);
  const stop = protocol.stop ?? p.entry.task.evalStop ?? PAPER_EVAL_STOP;

  // One job per example with every trial missing (its trials share one prefill), one per missing
  // trial otherwise. Trial t always samples with seed exampleSeed + t, however it is scheduled.
  interface Job extends CellJob {
    example: number;
    trials: number[];
  }
  const jobs: Job[] = [];
  const encoded = new Map<number, number[]>();
  p.examples.forEach((e, i) => {
    const ts = missing(label, p, i);
    if (ts.length === 0) return;
    const ids = tokenizer.encode(p.prompts[i]!);
    encoded.set(i, ids);
    let budget = totalCap - ids.length;
    if (protocol.maxNewTokens !== null) budget = Math.min(budget, protocol.maxNewTokens);
    const base = exampleSeed(protocol.seed, p.entry.name, e.id);
    if (ts.length === T) jobs.push({ example: i, trials: ts, ids, n: T, seed: base, budget });
    else for (const t of ts) jobs.push({ example: i, trials: [t], ids, n: 1, seed: base + t, budget });
  });
  // Jobs of one n together, similar prompt lengths together; one append per generate() batch.
  for (const n of [...new Set(jobs.map((j) => j.n))]) {
    for (const batch of lengthBatches(
      jobs.filter((j) => j.n === n),
      (j) => j.ids.length,
      batchPrompts,
    )) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('evaluation aborted');
      const completions = generateCells(model, tokenizer, batch, {
        temperature: protocol.temperature,
        topP: protocol.topP,
        topK: protocol.topK,
        stop,
        batchPrompts,
      });
      const records: Promise<SampleRecord>[] = [];
      batch.forEach((job, b) => {
        const e = p.examples[job.example]!;
        completions[b]!.forEach((c, k) => {
          const trial = job.trials[k]!;
          records.push(
            judge(p, e, c.text).then(({ score, reward }) => ({
              model: label,
              task: p.entry.name,
              example_id: e.id,
              trial,
              category: p.categories[job.example]!,
              prompt: p.prompts[job.example]!,
              completion: c.text,
              extracted: score.extracted,
              gold: p.entry.gold(e),
              correct: score.correct,
              reward: reward.score,
              reward_reason: reward.reason,
              score_reason: score.reason,
              prompt_tokens: job.ids.length,
              completion_tokens: c.tokenIds.length,
              finish_reason: c.finishReason,
              stop: c.stopString,
              seed: job.seed + (job.n === 1 ? 0 : k),
            })),
          );
        });
      });
      const finished = await Promise.all(records);
      for (const r of finished) if (r.score_reason.startsWith('reference_error')) unjudged.add(r.example_id);
      store.append(finished);
      tick(finished.length);
    }
  }
  return unjudged;
}

/** The task's evaluation score and training reward; a throwing scorer counts as wrong, with its message. */
async function judge(p: Prepared, e: Example, text: string) {
  let score: { correct: boolean; extracted: string | null; reason: string };
  let reward: { score: number; reason: string };
  try {
    score = await p.entry.task.score(text, e);
  } catch (err) {
    score = { correct: false, extracted: null, reason: `score_error: ${(err as Error).message}` };
  }
  try {
    reward = await p.entry.task.reward(text, e);
  } catch (err) {
    reward = { score: -2, reason: `reward_error: ${(err as Error).message}` };
  }
  // JSON has no NaN/Infinity: a line with one could not be read back from the cache.
  if (!Number.isFinite(reward.score))
    reward = { score: -2, reason: `reward_not_finite: ${reward.score} (${reward.reason})` };
  return { score, reward };
}
