// `--train FILE` rows in the source datasets' own columns (JSONL, .jsonl.gz or Parquet): each task's
// row is checked for what that task needs, and the id comes from the dataset's id column
// (id, unique_id, task_id, question_id, index, …) or the row number. Errors name file, row, field.
import { jsonlLines, parseCodeRow, readJsonlText } from '../tasks/code/dataset.js';
import { rowToExample as kkRowToExample } from '../tasks/kk/dataset.js';
import { lastBoxed } from '../tasks/math/boxed.js';
import { mcqRowToExample } from '../tasks/mcq/data.js';
import type { Example } from '../tasks/types.js';
import { readSourceRows, rowId, rowWhere } from '../util/rows.js';

/** `answer`, or the last \boxed{} of `solution` (MATH's train rows carry only the solution). */
function mathRow(value: Record<string, unknown>, where: string, id: string): Example {
  if (typeof value.problem !== 'string' || !value.problem)
    throw new Error(
      `${where}: field 'problem' must be a non-empty string${value.problem === undefined ? ' (missing)' : ''}`,
    );
  let answer = typeof value.answer === 'string' || typeof value.answer === 'number' ? String(value.answer) : null;
  if (answer === null && typeof value.solution === 'string') answer = lastBoxed(value.solution);
  if (answer === null)
    throw new Error(`${where}: field 'answer' is missing (and there is no 'solution' with a \\boxed{} answer)`);
  return { ...value, id, problem: value.problem, answer };
}

/** Reads a --train file for task `domain` (math, code, mmlu-pro, kk, or any other task name). */
export async function readTrainRows(file: string, domain: string): Promise<Example[]> {
  if (domain === 'code' && !file.toLowerCase().endsWith('.parquet')) {
    // evalplus rows are Python-flavoured JSON (NaN, big integers): parsed from their own text.
    return jsonlLines(readJsonlText(file)).map(({ line, lineNo }) => parseCodeRow(line, `${file}:${lineNo}`).problem);
  }
  const rows = await readSourceRows(file);
  const seen = new Map<string, number>();
  return rows.map(({ line, value }) => {
    const where = rowWhere(file, line);
    const id = rowId(value, line);
    const first = seen.get(id);
    if (first !== undefined)
      throw new Error(`${where}: id '${id}' was already used by ${rowWhere(file, first)} (ids must be unique)`);
    seen.set(id, line);
    switch (domain) {
      case 'kk':
        return kkRowToExample(value, where, id);
      case 'math':
        return mathRow(value, where, id);
      case 'mmlu-pro':
        return mcqRowToExample(value, where, id, 'all');
      case 'code': {
        // evalplus rows; their inputs are kept as JSON text for the sandbox.
        const { problem } = parseCodeRow(JSON.stringify({ task_id: id, ...value }), where);
        return problem;
      }
      default:
        return { ...value, id };
    }
  });
}
