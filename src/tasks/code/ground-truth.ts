// Expected outputs of a HumanEval+ problem: evalplus computes them by running prompt +
// canonical_solution on every base and plus input (trusted_exec) and times each call; the times set
// the per-input limits. We do the same inside the sandbox and cache the result on disk, keyed by
// everything it depends on (the problem's text and inputs, Pyodide's version, the record format).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SandboxPool } from '../../sandbox/index.js';
import { kindlingCacheDir } from './cache.js';
import { EVALPLUS_DRIVER } from './evalplus-driver.js';
import { evalplusRules } from './evalplus-rules.js';
import { type CodeProblem, hasEvalplusInputs, ReferenceSolutionError, referenceProgram } from './problem.js';

export interface GroundTruth {
  /** Seconds per call of the reference solution, per test set. */
  times: { base: number[]; plus: number[] };
  /** marshal.dumps({'base': [...], 'plus': [...]}) of the reference outputs. */
  expected: Uint8Array;
}

export interface GroundTruthOptions {
  /** Cache folder (default: kindlingCacheDir()/evalplus-expected); null disables the disk cache. */
  cacheDir?: string | null;
  /** Limit for the whole reference run, ms (default 600000). */
  timeLimitMs?: number;
}

const PYODIDE_VERSION: string = createRequire(import.meta.url)('pyodide/package.json').version;
/** Bump when what record mode computes changes (the key deliberately ignores the check code). */
const RECORD_FORMAT = 'evalplus-record-v1';

export function groundTruthKey(p: CodeProblem): string {
  const h = createHash('sha256');
  for (const part of [
    PYODIDE_VERSION,
    RECORD_FORMAT,
    p.prompt,
    p.canonical_solution,
    p.entry_point,
    p.base_input_json ?? '',
    p.plus_input_json ?? '',
  ]) {
    h.update(part);
    h.update('\0');
  }
  // What record mode does differently for MBPP+ rows (HumanEval+ keys stay as they were).
  const { input_rule, oracle } = evalplusRules(p.task_id, p.entry_point);
  if (input_rule) h.update(`input_rule=${input_rule}\0`);
  if (oracle === 'mbpp_not_none') h.update('record=not_none\0');
  return h.digest('hex');
}

const memory = new Map<string, Promise<GroundTruth>>();

function readCached(file: string): GroundTruth | null {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(j.times?.base) || !Array.isArray(j.times?.plus) || typeof j.expected !== 'string') return null;
    return { times: j.times, expected: new Uint8Array(Buffer.from(j.expected, 'base64')) };
  } catch {
    return null;
  }
}

function writeCached(dir: string, file: string, gt: GroundTruth): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ times: gt.times, expected: Buffer.from(gt.expected).toString('base64') }));
    renameSync(tmp, file);
  } catch {
    // A read-only cache folder only costs recomputation.
  }
}

async function compute(pool: SandboxPool, p: CodeProblem, o: GroundTruthOptions): Promise<GroundTruth> {
  const enc = new TextEncoder();
  const r = await pool.run({
    driver: EVALPLUS_DRIVER,
    program: referenceProgram(p),
    payload: {
      mode: 'record',
      entry_point: p.entry_point,
      phases: ['base', 'plus'],
      ...evalplusRules(p.task_id, p.entry_point),
    },
    blobs: [enc.encode(p.base_input_json!), enc.encode(p.plus_input_json!)],
    stepLimitsMs: [],
    totalLimitMs: o.timeLimitMs ?? 600_000,
  });
  const out = r.outcome;
  if (out.kind !== 'done' || !out.bytes) {
    const why =
      out.kind === 'done' ? 'no outputs' : out.kind === 'timeout' ? `timed out after ${out.limitMs} ms` : out.message;
    throw new ReferenceSolutionError(p.task_id, why);
  }
  const times = out.result.times as { base: number[]; plus: number[] };
  return { times, expected: out.bytes };
}

// Problems asked for in the same turn of the event loop are computed together, several per job
// (one interpreter for many trusted reference programs, as evalplus computes them all in one
// process): a fresh interpreter per problem would cost more than most problems' reference runs.
const MAX_BATCH = 16;

interface Request {
  p: CodeProblem;
  o: GroundTruthOptions;
  resolve: (gt: GroundTruth) => void;
  reject: (e: Error) => void;
}

const waiting = new Map<SandboxPool, Request[]>();

function enqueue(pool: SandboxPool, p: CodeProblem, o: GroundTruthOptions): Promise<GroundTruth> {
  return new Promise((resolve, reject) => {
    let list = waiting.get(pool);
    if (!list) {
      list = [];
      waiting.set(pool, list);
      setImmediate(() => flush(pool));
    }
    list.push({ p, o, resolve, reject });
  });
}

function flush(pool: SandboxPool): void {
  const list = waiting.get(pool) ?? [];
  waiting.delete(pool);
  // Enough batches to keep every worker busy, none larger than MAX_BATCH.
  const count = Math.min(list.length, Math.max(Math.ceil(list.length / MAX_BATCH), pool.size * 2));
  for (let b = 0; b < count; b++) {
    const batch = list.filter((_, i) => i % count === b);
    if (batch.length) void runBatch(pool, batch);
  }
}

async function runBatch(pool: SandboxPool, batch: Request[]): Promise<void> {
  if (batch.length === 1) {
    const [r] = batch;
    compute(pool, r!.p, r!.o).then(r!.resolve, r!.reject);
    return;
  }
  const enc = new TextEncoder();
  let out: Awaited<ReturnType<SandboxPool['run']>>['outcome'];
  try {
    out = (
      await pool.run({
        driver: EVALPLUS_DRIVER,
        program: '',
        payload: {
          mode: 'record_many',
          problems: batch.map(({ p }) => ({
            entry_point: p.entry_point,
            program: referenceProgram(p),
            ...evalplusRules(p.task_id, p.entry_point),
          })),
        },
        blobs: batch.flatMap(({ p }) => [enc.encode(p.base_input_json!), enc.encode(p.plus_input_json!)]),
        stepLimitsMs: [],
        totalLimitMs: Math.max(...batch.map(({ o }) => o.timeLimitMs ?? 600_000)),
      })
    ).outcome;
  } catch (e) {
    for (const r of batch) r.reject(e as Error);
    return;
  }
  if (out.kind !== 'done' || !out.bytes) {
    // A batch that timed out or crashed: compute each problem on its own, which isolates the culprit.
    for (const r of batch) compute(pool, r.p, r.o).then(r.resolve, r.reject);
    return;
  }
  const { sizes, times, errors } = out.result as {
    sizes: number[];
    times: ({ base: number[]; plus: number[] } | null)[];
    errors: (string | null)[];
  };
  let offset = 0;
  batch.forEach((r, k) => {
    const size = sizes[k]!;
    const bytes = out.bytes!.slice(offset, offset + size);
    offset += size;
    if (errors[k]) r.reject(new ReferenceSolutionError(r.p.task_id, errors[k]!));
    else r.resolve({ times: times[k]!, expected: bytes });
  });
}

/** Expected outputs and reference times of a problem (memory cache, then disk cache, then the sandbox). */
export function groundTruth(pool: SandboxPool, p: CodeProblem, o: GroundTruthOptions = {}): Promise<GroundTruth> {
  if (!hasEvalplusInputs(p)) return Promise.reject(new Error(`${p.task_id}: the problem has no base_input/plus_input`));
  const key = groundTruthKey(p);
  const hit = memory.get(key);
  if (hit) return hit;
  const dir = o.cacheDir === undefined ? join(kindlingCacheDir(), 'evalplus-expected') : o.cacheDir;
  const file = dir === null ? null : join(dir, `${key}.json`);
  const cached = file ? readCached(file) : null;
  const promise = cached
    ? Promise.resolve(cached)
    : enqueue(pool, p, o).then((gt) => {
        if (dir !== null && file) writeCached(dir, file, gt);
        return gt;
      });
  memory.set(key, promise);
  promise.catch(() => memory.delete(key));
  return promise;
}

/** Forgets the in-memory cache (tests use it to exercise the disk cache). */
export function clearGroundTruthMemory(): void {
  memory.clear();
}
