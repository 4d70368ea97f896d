// Reading K&K rows from Parquet (hyparquet: pure JS, reads the Logic-RL files' snappy pages and
// nested list/struct columns) or JSONL, and writing JSONL. Bad input names the file and line.

import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';

export type Row = Record<string, unknown>;

/** Parquet int64 columns arrive as bigint; the rows we handle fit in a double. */
function unBigInt(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(unBigInt);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unBigInt(x)]));
  return v;
}

/** All rows of a .parquet or .jsonl file, each with `_line` (1-based row/line number) added. */
export async function readRows(file: string): Promise<Row[]> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet') {
    let rows: Row[];
    try {
      rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Row[];
    } catch (e) {
      throw new Error(`${file}: not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
    }
    return rows.map((r, i) => ({ ...(unBigInt(r) as Row), _line: i + 1 }));
  }
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') {
    const rows: Row[] = [];
    let line = 0;
    for await (const text of createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      line++;
      if (!text.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new Error(`${file}:${line}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      if (!v || typeof v !== 'object' || Array.isArray(v))
        throw new Error(`${file}:${line}: expected a JSON object per line`);
      rows.push({ ...(v as Row), _line: line });
    }
    return rows;
  }
  throw new Error(`${file}: unknown file type '${ext}' (expected .parquet or .jsonl)`);
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
    this.out = createWriteStream(file, 'utf8');
    // Keep the error (e.g. a missing folder) and report it, with the file name, on the next call.
    this.out.on('error', (e) => {
      this.error = e;
    });
  }
  private check(): void {
    if (this.error) throw new Error(`${this.file}: cannot write (${this.error.message})`);
  }
  async write(row: unknown): Promise<void> {
    this.check();
    if (!this.out.write(`${JSON.stringify(row)}\n`))
      await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
    this.check();
  }
  async close(): Promise<void> {
    this.check();
    this.out.end();
    await Promise.race([once(this.out, 'finish'), once(this.out, 'close')]).catch(() => undefined);
    this.check();
  }
}
