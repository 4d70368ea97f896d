// Reading K&K rows from Parquet (hyparquet: pure JS, reads the Logic-RL files' snappy pages and
// nested list/struct columns) or JSONL, and writing JSONL. Bad input names the file and line.

import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Row, readSourceRows } from '../../util/rows.js';

export type { Row };

/** All rows of a .parquet or .jsonl(.gz) file, each with `_line` (1-based row/line number) added. */
export async function readRows(file: string): Promise<Row[]> {
  return (await readSourceRows(file)).map(({ line, value }) => ({ ...value, _line: line }));
}

/** Drops the bookkeeping `_line` field. */
export function cleanRow(row: Row): Row {
  const { _line, ...rest } = row;
  return rest;
}

/** A JSONL writer that respects back-pressure. */
export class JsonlWriter {
  private readonly out;
  private error: Error | undefined;
  constructor(private readonly file: string) {
    // --out names a file; its folder is made as the other commands make their --out folders.
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (e) {
      throw new Error(`${file}: cannot write (${(e as Error).message})`);
    }
    this.out = createWriteStream(file, 'utf8');
    // Keep the error (e.g. a missing folder) and report it, with the file name, on the next call.
    this.out.on('error', (e) => {
      this.error = e;
    });
  }
  private check(): void {
    if (this.error) throw new Error(`${this.file}: cannot write (${this.error.message})`);
  }
  /** Resolves on the first of `events` (or an error), and leaves no listener behind: racing two
   *  events.once() calls would leave the loser's listeners on the stream after every wait. */
  private until(...events: string[]): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        for (const e of [...events, 'error']) this.out.off(e, done);
        resolve();
      };
      for (const e of [...events, 'error']) this.out.on(e, done);
    });
  }
  async write(row: unknown): Promise<void> {
    this.check();
    if (!this.out.write(`${JSON.stringify(row)}\n`)) await this.until('drain', 'close');
    this.check();
  }
  async close(): Promise<void> {
    this.check();
    this.out.end();
    await this.until('finish', 'close');
    this.check();
  }
}
