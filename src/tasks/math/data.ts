// MATH-500 (PRM800K's test split of MATH): ../shared/data/math500/test.jsonl, read in place.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedDataDir } from '../../paths.js';
import type { Example, LoadOptions } from '../types.js';

export interface MathExample extends Example {
  problem: string;
  /** The reference answer (MATH-500's `answer`, the content of the solution's last \boxed{}). */
  answer: string;
  solution?: string;
  subject?: string;
  level?: number;
}

const FIELDS = ['problem', 'answer'] as const;

/** Parses MATH-style JSONL; a bad line fails with the file, line and field named. */
export function parseMathJsonl(text: string, file: string): MathExample[] {
  const out: MathExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    for (const f of FIELDS)
      if (typeof row[f] !== 'string') throw new Error(`${file}:${i + 1}: field '${f}' must be a string`);
    const id = typeof row.unique_id === 'string' ? row.unique_id : `line-${i + 1}`;
    out.push({
      id,
      problem: row.problem as string,
      answer: row.answer as string,
      solution: typeof row.solution === 'string' ? row.solution : undefined,
      subject: typeof row.subject === 'string' ? row.subject : undefined,
      level: typeof row.level === 'number' ? row.level : undefined,
    });
  });
  return out;
}

/** MATH-500's 500 test problems (split 'test'), in file order; `limit` keeps the first rows. */
export async function loadMath500(options: LoadOptions = {}): Promise<MathExample[]> {
  const file = join(options.dataDir ?? sharedDataDir(), 'math500', 'test.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(
      `MATH-500 not found at ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set KINDLING_DATA or pass dataDir`,
    );
  }
  const rows = parseMathJsonl(text, file);
  return options.limit !== undefined ? rows.slice(0, options.limit) : rows;
}
