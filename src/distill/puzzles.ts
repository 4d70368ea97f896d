// The builder's input: K&K rows from .jsonl/.parquet files (the Logic-RL files, or `kindling kk
// generate` output), each with a stable id. Ids follow `kindling kk teach`: the row's `id` when it
// has one, else kk-<people>ppl-<index>. Two rows with one id would make two puzzles share output
// keys, so that is an error naming both places.
import { readRows, rowToExample } from '../tasks/kk/index.js';
import type { TeacherPuzzle } from './teacher.js';

export async function loadPuzzles(files: readonly string[], limit?: number): Promise<TeacherPuzzle[]> {
  const out: TeacherPuzzle[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const row of await readRows(file)) {
      const where = `${file}:${row._line}`;
      const ex = rowToExample(row, where, '');
      const idx = typeof row.index === 'number' ? row.index : row._line;
      const id = typeof row.id === 'string' && row.id ? row.id : `kk-${ex.people}ppl-${idx}`;
      const before = seen.get(id);
      if (before !== undefined)
        throw new Error(
          `${where}: puzzle id '${id}' is already used by ${before}; give rows distinct 'id' fields (output rows are keyed by puzzle id and sample)`,
        );
      seen.set(id, where);
      out.push({ id, quiz: ex.quiz, solution_text_format: ex.solution_text_format, people: ex.people, where });
      if (limit !== undefined && out.length >= limit) return out;
    }
  }
  return out;
}
