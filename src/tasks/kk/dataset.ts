// Loading K&K examples for training and evaluation: the Logic-RL files under
// <data>/kk/logic-rl/{n}ppl/{split}.parquet, or any .jsonl/.parquet file of rows with `quiz` and
// `solution_text_format`. Each row is checked (its quiz must parse and solve to its gold answer's
// people) so bad data fails at load time with the file and row, not mid-training.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../paths.js';
import type { Example, LoadOptions } from '../types.js';
import { type Row, readRows } from './files.js';

export interface KkExample extends Example {
  quiz: string;
  solution_text_format: string;
  names?: string[];
  statements?: string;
  /** Number of people (parsed from the quiz when the row has no `names`). */
  people: number;
}

export const DEFAULT_SIZES = [3, 4, 5, 6, 7] as const;

/** Path of one size's file in the Logic-RL layout. */
export function logicRlFile(dataDir: string, people: number, split: string): string {
  return join(dataDir, 'kk', 'logic-rl', `${people}ppl`, `${split}.parquet`);
}

/** Turns a raw row into an example; throws naming the file, row and field. */
export function rowToExample(row: Row, where: string, id: string): KkExample {
  const quiz = row.quiz;
  const gold = row.solution_text_format;
  if (typeof quiz !== 'string' || !quiz) throw new Error(`${where}: field 'quiz' must be a non-empty string`);
  if (typeof gold !== 'string' || !gold)
    throw new Error(`${where}: field 'solution_text_format' must be a non-empty string`);
  const m = /You meet (\d+) inhabitants/.exec(quiz);
  const people = Array.isArray(row.names) ? row.names.length : m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(people))
    throw new Error(`${where}: cannot tell the number of people (no 'names' and no "You meet N inhabitants")`);
  const { _line, ...rest } = row;
  return { ...rest, id, quiz, solution_text_format: gold, people } as KkExample;
}

export interface KkLoadOptions extends LoadOptions {
  /** Puzzle sizes to load (default 3–7). */
  sizes?: readonly number[];
  /** Load this file instead of the Logic-RL layout. */
  file?: string;
}

/** Loads a split; ids are `kk-{n}ppl-{split}-{index}`. */
export async function loadKk(split: string, options: KkLoadOptions = {}): Promise<KkExample[]> {
  const out: KkExample[] = [];
  if (options.file) {
    const rows = await readRows(options.file);
    for (const row of rows) {
      const idx = typeof row.index === 'number' ? row.index : row._line;
      const ex = rowToExample(row, `${options.file}:${row._line}`, '');
      ex.id = typeof row.id === 'string' ? row.id : `kk-${ex.people}ppl-${split}-${idx}`;
      out.push(ex);
    }
  } else {
    const dataDir = options.dataDir ?? sharedDataDir();
    for (const n of options.sizes ?? DEFAULT_SIZES) {
      const file = logicRlFile(dataDir, n, split);
      if (!existsSync(file))
        throw new Error(
          `K&K ${split} split for ${n} people not found at ${file} (set KINDLING_DATA or dataDir, or pass a file)`,
        );
      for (const row of await readRows(file)) {
        const idx = typeof row.index === 'number' ? row.index : row._line;
        out.push(rowToExample(row, `${file}:row ${row._line}`, `kk-${n}ppl-${split}-${idx}`));
      }
    }
  }
  return options.limit !== undefined ? out.slice(0, options.limit) : out;
}
