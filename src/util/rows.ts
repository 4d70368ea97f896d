// Dataset rows as the source datasets ship them: JSONL (optionally .gz) or Parquet (hyparquet:
// pure JS, reads snappy pages and nested list/struct columns). Each row keeps its 1-based line
// (JSONL) or row number (Parquet) so errors can name it; ids come from the dataset's own id column.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';

export type Row = Record<string, unknown>;

export interface SourceRow {
  /** 1-based line (JSONL) or row number (Parquet). */
  line: number;
  value: Row;
}

/** Parquet int64 columns arrive as bigint; the rows we handle fit in a double. */
function unBigInt(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(unBigInt);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unBigInt(x)]));
  return v;
}

/** How a row is named in an error: `file:12` for JSONL lines, `file: row 12` for Parquet rows. */
export function rowWhere(file: string, line: number): string {
  return file.toLowerCase().endsWith('.parquet') ? `${file}: row ${line}` : `${file}:${line}`;
}

function parseLines(file: string, lines: Iterable<string>): SourceRow[] {
  const rows: SourceRow[] = [];
  let line = 0;
  for (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}:${line}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}:${line}: expected a JSON object`);
    rows.push({ line, value: v as Row });
  }
  return rows;
}

/** All rows of a .parquet, .jsonl (.json, .ndjson) or .jsonl.gz file, in file order. */
export async function readSourceRows(file: string): Promise<SourceRow[]> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const lower = file.toLowerCase();
  const ext = extname(lower);
  if (ext === '.parquet') {
    let rows: Row[];
    try {
      rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Row[];
    } catch (e) {
      throw new Error(`${file}: not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
    }
    return rows.map((r, i) => ({ line: i + 1, value: unBigInt(r) as Row }));
  }
  if (lower.endsWith('.jsonl.gz') || lower.endsWith('.json.gz'))
    return parseLines(file, gunzipSync(readFileSync(file)).toString('utf8').split('\n'));
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') {
    const lines: string[] = [];
    for await (const text of createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    }))
      lines.push(text);
    return parseLines(file, lines);
  }
  throw new Error(`${file}: unknown file type '${ext}' (expected .jsonl, .jsonl.gz or .parquet)`);
}

/** The id columns datasets use, in the order they are tried (MATH: unique_id, evalplus: task_id, Logic-RL: index, MMLU-Pro: question_id). */
export const ID_COLUMNS = ['id', 'unique_id', 'task_id', 'question_id', 'problem_id', 'index', 'idx'] as const;

/** The row's id from its dataset's id column, or `row-<n>` (its line/row number) when it has none. */
export function rowId(value: Row, line: number): string {
  for (const k of ID_COLUMNS) {
    const v = value[k];
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return `row-${line}`;
}
