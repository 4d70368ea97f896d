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
import { type CodeProblem, hasEvalplusInputs, referenceProgram } from './problem.js';

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
    payload: { mode: 'record', entry_point: p.entry_point, phases: ['base', 'plus'] },
    blobs: [enc.encode(p.base_input_json!), enc.encode(p.plus_input_json!)],
    stepLimitsMs: [],
    totalLimitMs: o.timeLimitMs ?? 600_000,
  });
  const out = r.outcome;
  if (out.kind !== 'done' || !out.bytes) {
    const why =
      out.kind === 'done' ? 'no outputs' : out.kind === 'timeout' ? `timed out after ${out.limitMs} ms` : out.message;
    throw new Error(`${p.task_id}: running the canonical solution failed: ${why}`);
  }
  const times = out.result.times as { base: number[]; plus: number[] };
  return { times, expected: out.bytes };
}

/** Expected outputs and reference times of a problem (memory cache, then disk cache, then the sandbox). */
export function groundTruth(pool: SandboxPool, p: CodeProblem, o: GroundTruthOptions = {}): Promise<GroundTruth> {
  if (!hasEvalplusInputs(p)) return Promise.reject(new Error(`${p.task_id}: the problem has no base_input/plus_input`));
  const key = groundTruthKey(p);
  const hit = memory.get(key);
  if (hit) return hit;
  const dir = o.cacheDir === undefined ? join(kindlingCacheDir(), 'evalplus-expected') : o.cacheDir;
  const file = dir === null ? null : join(dir, `${key}.json`);
  const promise = (async () => {
    const cached = file ? readCached(file) : null;
    if (cached) return cached;
    const gt = await compute(pool, p, o);
    if (dir !== null && file) writeCached(dir, file, gt);
    return gt;
  })();
  memory.set(key, promise);
  promise.catch(() => memory.delete(key));
  return promise;
}

/** Forgets the in-memory cache (tests use it to exercise the disk cache). */
export function clearGroundTruthMemory(): void {
  memory.clear();
}
