// The cell cache: an append-only samples.jsonl in the results folder. A cell (model, task, example,
// trial) is finished when its line is complete in the file; an interrupted run leaves at most one
// incomplete last line, which opening the store cuts off (that cell is simply computed again).
// Nothing is ever rewritten, so a finished cell is never recomputed and never duplicated.
// Only a compact summary of each line stays in memory (long completions would not fit in one
// string for a big benchmark); full records are streamed back by readRecords().
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { type FinishReason, recordKey, type SampleRecord, validateRecord } from './records.js';

/** What aggregation needs from a cell. */
export interface CellSummary {
  model: string;
  task: string;
  example_id: string;
  trial: number;
  category: string;
  correct: boolean;
  completion_tokens: number;
  finish_reason: FinishReason;
  /** The training reward's reason (`format_*` when the format gate failed). */
  reward_reason: string;
}

export const summarize = (r: SampleRecord): CellSummary => ({
  model: r.model,
  task: r.task,
  example_id: r.example_id,
  trial: r.trial,
  category: r.category,
  correct: r.correct,
  completion_tokens: r.completion_tokens,
  finish_reason: r.finish_reason,
  reward_reason: r.reward_reason,
});

/** Cuts an incomplete last line (no trailing newline) off `file`; returns the bytes removed. */
export function truncateIncompleteTail(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const buf = Buffer.alloc(64 * 1024);
    let end = size;
    // Walk backwards to the last '\n'.
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - start, start);
      const i = buf.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) {
        const keep = start + i + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}

/** Streams every record of a samples.jsonl file (validated; errors name file:line). */
export async function* readRecords(file: string): AsyncGenerator<SampleRecord> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}:${line}: not JSON (${(e as Error).message})`);
    }
    yield validateRecord(v, `${file}:${line}`);
  }
}

export interface OpenInfo {
  /** Bytes of an incomplete last line that were cut off. */
  droppedBytes: number;
  /** Lines whose cell was already present earlier in the file (ignored). */
  duplicates: number;
}

export class CellStore {
  readonly cells = new Map<string, CellSummary>();
  private fd: number | null = null;
  private lockFile: string;

  private constructor(readonly file: string) {
    this.lockFile = `${file}.lock`;
  }

  /** Opens (creating) `file`: takes the lock, repairs an interrupted tail, indexes the finished cells. */
  static async open(file: string): Promise<{ store: CellStore; info: OpenInfo }> {
    mkdirSync(dirname(file), { recursive: true });
    const store = new CellStore(file);
    store.lock();
    try {
      const droppedBytes = truncateIncompleteTail(file);
      let duplicates = 0;
      if (existsSync(file)) {
        for await (const r of readRecords(file)) {
          const k = recordKey(r);
          if (store.cells.has(k)) duplicates++;
          else store.cells.set(k, summarize(r));
        }
      }
      store.fd = openSync(file, 'a');
      return { store, info: { droppedBytes, duplicates } };
    } catch (e) {
      store.unlock();
      throw e;
    }
  }

  has(key: string): boolean {
    return this.cells.has(key);
  }

  /** Appends finished cells in one write (one line each); cells already present are skipped. */
  append(records: readonly SampleRecord[]): number {
    if (this.fd === null) throw new Error(`${this.file}: store is closed`);
    const fresh = records.filter((r) => !this.cells.has(recordKey(r)));
    if (fresh.length === 0) return 0;
    const text = fresh.map((r) => `${JSON.stringify(r)}\n`).join('');
    const buf = Buffer.from(text, 'utf8');
    for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
    for (const r of fresh) this.cells.set(recordKey(r), summarize(r));
    return fresh.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.unlock();
  }

  // One writer per folder: a second `kindling eval --out` on the same folder would interleave lines.
  private lock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockFile, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
          throw new Error(
            `${this.file} is being written by another kindling eval (pid ${pid}); wait for it or use another --out`,
          );
        unlinkSync(this.lockFile); // stale: its process is gone
      }
    }
    throw new Error(`${this.lockFile}: cannot take the lock`);
  }

  private unlock(): void {
    try {
      if (existsSync(this.lockFile) && readFileSync(this.lockFile, 'utf8').trim() === String(process.pid))
        unlinkSync(this.lockFile);
    } catch {
      // best effort: a stale lock is detected by its dead pid next time
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
