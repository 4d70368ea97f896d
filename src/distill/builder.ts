// The warmup-dataset builder: every (puzzle, sample) key gets one teacher completion, written once.
//
//  - Work: one request per puzzle for its missing samples (n = how many), `concurrency` at a time.
//  - Retries: retryable failures (429, 5xx, timeouts, connection errors, malformed responses) are
//    retried with exponential backoff and jitter; a Retry-After pauses every worker, not just one.
//    After `maxAttempts` the key is recorded as failed (poison row) and the run goes on; a 4xx that
//    says the request itself is bad fails the key at once. Auth / not-found errors and a long streak
//    of failed puzzles stop the run (the endpoint is wrong or down; recording every key as failed
//    would only hide that).
//  - Files: <out> holds the kept rows; <stem>.filtered.jsonl the rows --filter dropped (the teacher's
//    work, and keys that are done); <stem>.failed.jsonl the failure records. All append-only and
//    keyed; a re-run skips keys found in <out> or .filtered, and retries the failed ones (unless
//    retryFailed is false). A lock file keeps two builders off one output.
//  - Stopping: stop() lets requests in flight finish and writes them; abort() cancels them too.
//    Either way every row written is whole, and re-running the same command carries on.
import { checkFormat } from '../tasks/format.js';
import { kkPrompt, paperReward } from '../tasks/kk/index.js';
import { KeyedJsonl, keyOf, type Row } from './keyed-jsonl.js';
import { FileLock } from './lock.js';
import { type BackoffOptions, backoffDelay, sleep } from './retry.js';
import { type SummaryCollector as Collector, type Summary, SummaryCollector } from './summary.js';
import { type Teacher, TeacherError, type TeacherPuzzle, type TeacherSample, teacherIdentity } from './teacher.js';

export type Filter = 'none' | 'format' | 'correct';

/** What the builder reports as it goes. */
export interface ProgressState {
  /** Keys finished this run (written or recorded as failed). */
  done: number;
  /** Keys this run has to do. */
  total: number;
  /** Failed attempts so far (retried or not). */
  errors: number;
  /** Keys recorded as failed. */
  failed: number;
  /** Requests in flight. */
  inFlight: number;
}

export interface BuildOptions {
  puzzles: readonly TeacherPuzzle[];
  teacher: Teacher;
  /** Output JSONL of kept rows. */
  out: string;
  samplesPerPuzzle: number;
  concurrency: number;
  /** Which samples go to <out>: all ('none', the paper's choice), those passing the format gate, or correct ones. */
  filter?: Filter;
  /** Attempts per request before its keys are recorded as failed. */
  maxAttempts?: number;
  backoff?: Partial<BackoffOptions>;
  /** Stop the run after this many puzzles in a row failed for good. */
  maxConsecutiveFailures?: number;
  /** Retry keys recorded as failed by earlier runs (default true). */
  retryFailed?: boolean;
  /** Token counter for completion_tokens (overrides what the teacher reports). */
  countTokens?: (text: string) => number;
  onProgress?: (p: ProgressState) => void;
  /** Notices (repairs, retries that wait for Retry-After, fatal errors). */
  log?: (line: string) => void;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000, maxRetryAfterMs: 600_000 };

/** <stem>.<what>.jsonl beside the output (traces.jsonl → traces.failed.jsonl). */
export function sidecarPath(out: string, what: 'failed' | 'filtered'): string {
  const stem = out.endsWith('.jsonl') ? out.slice(0, -'.jsonl'.length) : out;
  return `${stem}.${what}.jsonl`;
}

/** JSON with sorted keys, to compare params written by another run. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

interface Unit {
  puzzle: TeacherPuzzle;
  samples: number[];
}

export class DatasetBuilder {
  private readonly stopCtl = new AbortController();
  private readonly abortCtl = new AbortController();
  private fatal: Error | null = null;

  constructor(private readonly o: BuildOptions) {
    if (!Number.isInteger(o.samplesPerPuzzle) || o.samplesPerPuzzle < 1)
      throw new Error('samplesPerPuzzle must be ≥ 1');
    if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new Error('concurrency must be ≥ 1');
  }

  /** Finish the requests in flight, write them, start nothing new. */
  stop(): void {
    this.stopCtl.abort(new Error('stopped'));
  }

  /** Cancel the requests in flight too (their keys are redone by the next run). */
  abort(): void {
    this.stop();
    this.abortCtl.abort(new Error('aborted'));
  }

  get stopping(): boolean {
    return this.stopCtl.signal.aborted;
  }

  async run(): Promise<Summary> {
    const o = this.o;
    const t0 = Date.now();
    const log = o.log ?? (() => {});
    const filter = o.filter ?? 'none';
    const maxAttempts = o.maxAttempts ?? 6;
    const backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
    const maxStreak = o.maxConsecutiveFailures ?? 50;
    const teacher = o.teacher;
    const byId = new Map(o.puzzles.map((p) => [p.id, p]));
    for (const p of o.puzzles) teacher.check?.(p);

    const lock = FileLock.acquire(o.out);
    const stats = new SummaryCollector();
    const stores: KeyedJsonl[] = [];
    let status: Summary['status'] = 'complete';
    const thisRun = { written: 0, failed: 0, errors: 0 };
    try {
      // Rows on disk: check they come from this teacher and settings, and count them in the summary.
      const wantTeacher = teacherIdentity(teacher.id);
      const wantParams = stable(teacher.params);
      const sampleRow = (file: string) => (row: Row, line: number) => {
        if (
          typeof row.teacher !== 'string' ||
          teacherIdentity(row.teacher) !== wantTeacher ||
          stable(row.params) !== wantParams
        )
          throw new Error(
            `${file}:${line}: written by teacher ${JSON.stringify(row.teacher)} with params ${stable(row.params)}; this run uses ${JSON.stringify(teacher.id)} with ${wantParams}. Resume with the same model and settings, or write to another --out`,
          );
        stats.addSample(row, byId.get(row.puzzle_id as string)?.people ?? null);
      };
      const open = async (file: string, onRow: (row: Row, line: number) => void, sidecar = false) => {
        const [store, r] = await KeyedJsonl.open(file, onRow, { removeIfEmpty: sidecar });
        stores.push(store);
        if (r.repaired) log(`repaired ${r.repaired}`);
        if (r.duplicates) log(`${file}: ${r.duplicates} rows repeat an earlier key; each key is counted once`);
        return store;
      };
      const out = await open(o.out, sampleRow(o.out));
      const filteredFile = sidecarPath(o.out, 'filtered');
      const filtered = await open(filteredFile, sampleRow(filteredFile), true);
      const failedFile = sidecarPath(o.out, 'failed');
      const failedRows: Row[] = [];
      const failed = await open(
        failedFile,
        (row) => {
          failedRows.push(row);
        },
        true,
      );
      const retry = o.retryFailed ?? true;
      if (retry) {
        if (failedRows.length) log(`retrying ${failedRows.length} keys that failed before`);
        await failed.clear();
      } else for (const r of failedRows) stats.addFailure(r);

      const done = (id: string, s: number) => out.has(id, s) || filtered.has(id, s) || failed.has(id, s);
      const queue: Unit[] = [];
      for (const p of o.puzzles) {
        const samples: number[] = [];
        for (let s = 0; s < o.samplesPerPuzzle; s++) if (!done(p.id, s)) samples.push(s);
        if (samples.length) queue.push({ puzzle: p, samples });
      }
      const total = queue.reduce((a, u) => a + u.samples.length, 0);
      let inFlight = 0;
      let streak = 0;
      let pauseUntil = 0;
      const progress = () =>
        o.onProgress?.({
          done: thisRun.written + thisRun.failed,
          total,
          errors: thisRun.errors,
          failed: thisRun.failed,
          inFlight,
        });
      progress();

      const waitSignal = AbortSignal.any([this.stopCtl.signal, this.abortCtl.signal]);

      const writeSamples = async (u: Unit, got: TeacherSample[]) => {
        const prompt = kkPrompt(u.puzzle.quiz);
        for (let i = 0; i < Math.min(got.length, u.samples.length); i++) {
          const g = got[i]!;
          const reward = paperReward(g.completion, u.puzzle.solution_text_format).score;
          const row: Row = {
            id: `${u.puzzle.id}-s${u.samples[i]}`,
            puzzle_id: u.puzzle.id,
            sample: u.samples[i],
            people: u.puzzle.people,
            prompt,
            completion: g.completion,
            finish_reason: g.finishReason,
            reward,
            correct: reward === 2,
            completion_tokens: o.countTokens ? o.countTokens(g.completion) : g.completionTokens,
            teacher: teacher.id,
            params: teacher.params,
          };
          const keep = filter === 'none' || (filter === 'format' ? checkFormat(g.completion).ok : reward === 2);
          await (keep ? out : filtered).append(row);
          stats.addSample(row, u.puzzle.people);
          thisRun.written++;
          progress();
        }
      };

      const recordFailure = async (u: Unit, err: TeacherError, attempts: number) => {
        for (const s of u.samples) {
          const row: Row = {
            id: `${u.puzzle.id}-s${s}`,
            puzzle_id: u.puzzle.id,
            sample: s,
            status: 'failed',
            kind: err.kind,
            error: err.message,
            attempts,
            teacher: teacher.id,
            at: new Date().toISOString(),
          };
          await failed.append(row);
          stats.addFailure(row);
          thisRun.failed++;
        }
        progress();
      };

      const runUnit = async (u: Unit): Promise<void> => {
        for (let attempt = 1; ; attempt++) {
          const wait = pauseUntil - Date.now();
          if (wait > 0) await sleep(wait, waitSignal).catch(() => undefined);
          if (this.stopping) return;
          let got: TeacherSample[];
          inFlight++;
          progress();
          try {
            got = await teacher.generate(
              { puzzle: u.puzzle, prompt: kkPrompt(u.puzzle.quiz), samples: u.samples },
              this.abortCtl.signal,
            );
          } catch (e) {
            const err =
              e instanceof TeacherError ? e : new TeacherError('bad_response', (e as Error)?.message ?? String(e));
            if (err.kind === 'aborted' || this.abortCtl.signal.aborted) return;
            thisRun.errors++;
            if (err.fatal) {
              this.fatal ??= new Error(`teacher ${teacher.id}: ${err.message}`);
              this.abort();
              return;
            }
            if (err.retryable && attempt < maxAttempts) {
              const delay = backoffDelay(attempt, backoff, err.retryAfterMs);
              if (err.retryAfterMs !== null) {
                pauseUntil = Math.max(pauseUntil, Date.now() + delay);
                log(
                  `${u.puzzle.id}: ${err.message}; server asked to wait ${(err.retryAfterMs / 1000).toFixed(1)} s, pausing all requests`,
                );
              }
              progress();
              await sleep(delay, waitSignal).catch(() => undefined);
              if (this.stopping) return;
              continue;
            }
            await recordFailure(u, err, attempt);
            if (++streak >= maxStreak) {
              this.fatal ??= new Error(
                `${streak} puzzles in a row failed (last: ${err.message}); the teacher looks down — fix it and re-run to resume`,
              );
              this.stop();
            }
            return;
          } finally {
            inFlight--;
          }
          streak = 0;
          await writeSamples(u, got);
          // A server that ignores n returns fewer samples: ask again for the rest.
          if (got.length < u.samples.length) {
            u = { puzzle: u.puzzle, samples: u.samples.slice(got.length) };
            attempt = 0;
            continue;
          }
          return;
        }
      };

      let next = 0;
      const worker = async () => {
        while (!this.stopping && next < queue.length) await runUnit(queue[next++]!);
      };
      const ends = await Promise.allSettled(Array.from({ length: Math.min(o.concurrency, queue.length) }, worker));
      for (const e of ends)
        if (e.status === 'rejected') {
          // A bug or a write error (disk full): the run cannot go on; report it.
          this.fatal ??= e.reason instanceof Error ? e.reason : new Error(String(e.reason));
          this.abort();
        }
      if (this.fatal) status = 'aborted';
      else if (this.stopping) status = 'interrupted';
      o.onProgress?.({
        done: thisRun.written + thisRun.failed,
        total,
        errors: thisRun.errors,
        failed: thisRun.failed,
        inFlight: 0,
      });
    } finally {
      const closing = stores.map((s) => s.close());
      try {
        await Promise.all(closing);
      } finally {
        lock.release();
      }
      await teacher.close?.();
    }
    return this.summarize(stats, stores, status, thisRun, t0);
  }

  private summarize(
    stats: Collector,
    stores: KeyedJsonl[],
    status: Summary['status'],
    thisRun: { written: number; failed: number; errors: number },
    t0: number,
  ): Summary {
    const o = this.o;
    const [out, filtered, failed] = stores as [KeyedJsonl, KeyedJsonl, KeyedJsonl];
    let missing = 0;
    for (const p of o.puzzles)
      for (let s = 0; s < o.samplesPerPuzzle; s++) {
        const k = keyOf(p.id, s);
        if (!out.keys.has(k) && !filtered.keys.has(k) && !failed.keys.has(k)) missing++;
      }
    const seconds = (Date.now() - t0) / 1000;
    return {
      status,
      out: o.out,
      teacher: o.teacher.id,
      params: { ...o.teacher.params },
      puzzles: o.puzzles.length,
      samples_per_puzzle: o.samplesPerPuzzle,
      keys: o.puzzles.length * o.samplesPerPuzzle,
      samples: stats.samples,
      kept: out.keys.size,
      filtered: filtered.keys.size,
      failed: failed.keys.size,
      missing,
      this_run: { ...thisRun, seconds, samples_per_second: thisRun.written / Math.max(seconds, 1e-9) },
      accuracy: stats.accuracy(),
      format_ok: stats.formatOk,
      finish_reasons: stats.finishReasons(),
      completion_length: stats.lengths(),
      failures: stats.failures(),
      ...(this.fatal ? { error: this.fatal.message } : {}),
    };
  }
}
