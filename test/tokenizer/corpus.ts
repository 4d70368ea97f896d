// Real text from ../shared/data for the tokenizer tests and measurements: MATH-500 problems and
// solutions (English + LaTeX), HumanEval prompts and solutions (Python), then, to reach larger
// sizes, the raw lines of HumanEvalPlus.jsonl (JSON with escaped code and numeric test inputs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../src/paths.js';

const jsonl = (rel: string) =>
  readFileSync(join(sharedDataDir(), rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, string>);

/** Documents (one string each) adding up to at least `chars` characters when the data allows. */
export function realDocuments(chars = Number.POSITIVE_INFINITY): string[] {
  const docs: string[] = [];
  let n = 0;
  const add = (s: string) => {
    if (n >= chars) return;
    docs.push(s);
    n += s.length;
  };
  for (const r of jsonl('math500/test.jsonl')) add(`${r.problem}\n\n${r.solution}`);
  for (const r of jsonl('humaneval/HumanEval.jsonl')) add(`${r.prompt}${r.canonical_solution}`);
  const plus = readFileSync(join(sharedDataDir(), 'humanevalplus/HumanEvalPlus.jsonl'), 'utf8').split('\n');
  for (const line of plus) {
    for (let i = 0; i < line.length && n < chars; i += 4096) add(line.slice(i, i + 4096));
  }
  return docs;
}

export const QWEN_DIR = join(sharedDataDir(), 'tokenizers', 'qwen2.5');
