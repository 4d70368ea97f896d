// An append-only JSONL file of rows keyed by (puzzle_id, sample), safe against being killed.
// Opening it reads every complete line (streamed: teacher datasets reach hundreds of MB) and repairs
// the tail: a last line without its newline is what a kill in the middle of a write leaves. If that
// tail is a whole row it is kept (the newline is added), otherwise it is cut off. A bad line that is
// not the last one is not something a kill produces, so it is an error naming the file and line.
// Each row is then added with one write() of "json\n" on an O_APPEND descriptor, serialized, so rows
// never interleave; a row is either in the file whole, or (after a kill) repaired away next time.
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, type FileHandle, open, stat, truncate, unlink } from 'node:fs/promises';

export type Row = Record<string, unknown>;

export const keyOf = (puzzleId: string, sample: number): string => `${puzzleId}\u0000${sample}`;

/** The key of a row read back from a file; throws naming the field when it has none. */
export function rowKey(row: Row): string {
  if (typeof row.puzzle_id !== 'string' || !row.puzzle_id)
    throw new Error("field 'puzzle_id' must be a non-empty string");
  if (!Number.isInteger(row.sample) || (row.sample as number) < 0)
    throw new Error("field 'sample' must be an integer ≥ 0");
  return keyOf(row.puzzle_id, row.sample as number);
}

export interface OpenResult {
  /** What happened to a half-written last line, or null when the file ended cleanly. */
  repaired: string | null;
  /** Complete rows read. */
  rows: number;
  /** Rows whose key appeared earlier in the file (left in place, read once). */
  duplicates: number;
}

export class KeyedJsonl {
  private handle: FileHandle | null = null;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  readonly keys = new Set<string>();

  private constructor(
    readonly file: string,
    private readonly removeIfEmpty: boolean,
  ) {}

  /**
   * Opens (creating when missing) and reads the file, calling `onRow` for every complete row
   * (first occurrence of each key only), after repairing a half-written last line.
   */
  static async open(
    file: string,
    onRow: (row: Row, line: number) => void = () => {},
    options: { removeIfEmpty?: boolean } = {},
  ): Promise<[KeyedJsonl, OpenResult]> {
    const store = new KeyedJsonl(file, options.removeIfEmpty ?? false);
    const result: OpenResult = { repaired: null, rows: 0, duplicates: 0 };
    let validEnd = 0;
    let line = 0;
    let tail: Buffer = Buffer.alloc(0);
    const take = (buf: Buffer) => {
      line++;
      const text = buf.toString('utf8');
      if (!text.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch (e) {
        throw new Error(
          `${file}:${line}: not JSON (${(e as Error).message}); only the last line can be half-written — fix or delete this line`,
        );
      }
      store.accept(row, line, onRow, result);
    };
    if (existsSync(file)) {
      let base = 0; // file offset of tail[0]
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
        const data = tail.length ? Buffer.concat([tail, chunk]) : chunk;
        let start = 0;
        for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
          take(data.subarray(start, nl));
          start = nl + 1;
          validEnd = base + start;
        }
        tail = Buffer.from(data.subarray(start));
        base += start;
      }
      if (tail.length) {
        const text = tail.toString('utf8');
        let row: unknown = null;
        try {
          row = JSON.parse(text);
        } catch {}
        let whole = false;
        if (row && typeof row === 'object' && !Array.isArray(row)) {
          try {
            rowKey(row as Row);
            whole = true;
          } catch {}
        }
        if (whole) {
          store.accept(row, line + 1, onRow, result);
          result.repaired = `${file}:${line + 1}: the last row had no newline (a write was cut short); kept it and added the newline`;
        } else {
          await truncate(file, validEnd);
          result.repaired = `${file}:${line + 1}: dropped a half-written last line (${tail.length} bytes)`;
        }
      }
    }
    if (result.repaired?.includes('added the newline')) await appendFile(file, '\n');
    // Created on first write when it does not exist yet (side files appear only when needed); the
    // main output is created at once so a run that writes nothing still leaves it.
    if (!store.removeIfEmpty) store.handle = await open(file, 'a');
    return [store, result];
  }

  private accept(row: unknown, line: number, onRow: (row: Row, line: number) => void, result: OpenResult): void {
    if (!row || typeof row !== 'object' || Array.isArray(row))
      throw new Error(`${this.file}:${line}: expected a JSON object`);
    let key: string;
    try {
      key = rowKey(row as Row);
    } catch (e) {
      throw new Error(`${this.file}:${line}: ${(e as Error).message}`);
    }
    result.rows++;
    if (this.keys.has(key)) {
      result.duplicates++;
      return;
    }
    this.keys.add(key);
    onRow(row as Row, line);
  }

  has(puzzleId: string, sample: number): boolean {
    return this.keys.has(keyOf(puzzleId, sample));
  }

  /** Appends one row (never a key already in the file: that throws, it would be a duplicate). */
  append(row: Row): Promise<void> {
    const key = rowKey(row);
    if (this.keys.has(key))
      return Promise.reject(new Error(`internal: ${this.file} already has ${JSON.stringify(key)}`));
    this.keys.add(key);
    const buf = Buffer.from(`${JSON.stringify(row)}\n`, 'utf8');
    const write = async () => {
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error(`${this.file}: closed`);
      try {
        this.handle ??= await open(this.file, 'a');
      } catch (e) {
        this.failure = new Error(`${this.file}: cannot open for writing (${(e as Error).message})`);
        throw this.failure;
      }
      try {
        for (let done = 0; done < buf.length; ) done += (await this.handle!.write(buf, done)).bytesWritten;
      } catch (e) {
        this.failure = new Error(`${this.file}: cannot write (${(e as Error).message})`);
        throw this.failure;
      }
    };
    const p = this.chain.then(write);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Empties the file (used to drop failure records that this run retries). */
  async clear(): Promise<void> {
    await this.chain;
    if (this.handle) await this.handle.truncate(0);
    else if (existsSync(this.file)) await truncate(this.file, 0);
    this.keys.clear();
  }

  /** Waits for pending writes, flushes them to disk and closes. */
  async close(): Promise<void> {
    await this.chain;
    this.closed = true;
    const h = this.handle;
    this.handle = null;
    if (h) {
      try {
        await h.sync();
      } finally {
        await h.close();
      }
    }
    if (this.failure) throw this.failure;
    if (this.removeIfEmpty && existsSync(this.file) && (await stat(this.file)).size === 0) await unlink(this.file);
  }
}
