// MMLU-Pro from its parquet file (../shared/data/mmlu_pro/test-00000-of-00001.parquet, 12,032
// rows, 14 categories), read with hyparquet. "N/A" options are dropped (the paper and the harness
// both do), so letters run A.. over the kept options.
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { sharedDataDir } from '../../paths.js';
import type { Example } from '../types.js';

export interface McqExample extends Example {
  question: string;
  /** The options with "N/A" removed. */
  options: string[];
  /** The gold letter (A–J). */
  answer: string;
  answerIndex: number;
  category: string;
  src?: string;
}

export const MMLU_PRO_CATEGORIES = [
  'biology',
  'business',
  'chemistry',
  'computer science',
  'economics',
  'engineering',
  'health',
  'history',
  'law',
  'math',
  'other',
  'philosophy',
  'physics',
  'psychology',
] as const;

export function mmluProFile(dataDir = sharedDataDir(), split: 'test' | 'validation' = 'test'): string {
  return join(dataDir, 'mmlu_pro', `${split}-00000-of-00001.parquet`);
}

/** Every row of an MMLU-Pro parquet file, in file order. Bad rows fail with the file, row and field. */
export async function readMmluPro(file: string): Promise<McqExample[]> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    buffer = await asyncBufferFromFile(file);
  } catch (e) {
    throw new Error(
      `MMLU-Pro not found at ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set KINDLING_DATA or pass dataDir`,
    );
  }
  const raw = (await parquetReadObjects({
    file: buffer,
    columns: ['question_id', 'question', 'options', 'answer', 'answer_index', 'category', 'src'],
  })) as Record<string, unknown>[];
  return raw.map((r, i) => mcqRowToExample(r, `${file}: row ${i}`, String(r.question_id)));
}

/**
 * One MMLU-Pro-style row {question, options, answer (letter), answer_index, category, question_id}
 * as an example; `category` may be absent when `defaultCategory` is given. Throws naming the field.
 */
export function mcqRowToExample(
  r: Record<string, unknown>,
  where: string,
  id: string,
  defaultCategory?: string,
): McqExample {
  if (r.category === undefined && defaultCategory !== undefined) r = { ...r, category: defaultCategory };
  if (typeof r.question !== 'string') throw new Error(`${where}: field 'question' must be a string`);
  if (!Array.isArray(r.options) || !r.options.every((o) => typeof o === 'string'))
    throw new Error(`${where}: field 'options' must be a list of strings`);
  if (typeof r.answer !== 'string' || !/^[A-J]$/.test(r.answer))
    throw new Error(`${where}: field 'answer' must be a letter A–J`);
  if (typeof r.category !== 'string') throw new Error(`${where}: field 'category' must be a string`);
  const original = r.options as string[];
  const options = original.filter((o) => o !== 'N/A');
  // the gold letter indexes the kept options; recompute it in case an N/A preceded it
  const goldText = original[Number(r.answer_index)];
  const answerIndex = goldText !== undefined ? options.indexOf(goldText) : r.answer.charCodeAt(0) - 65;
  if (answerIndex < 0) throw new Error(`${where}: the gold option is 'N/A'`);
  return {
    id,
    question: r.question,
    options,
    answer: String.fromCharCode(65 + answerIndex),
    answerIndex,
    category: r.category,
    src: typeof r.src === 'string' ? r.src : undefined,
  };
}
