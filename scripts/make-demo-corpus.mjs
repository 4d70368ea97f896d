// Writes the demo base model's pretraining corpus: the mini domains' plain-style corpus
// (src/tasks/lite/corpus.ts) plus Knights & Knaves quizzes with one-line answers (no reasoning, no
// <think>/<answer>), so the warmup's puzzles are not foreign text. Deterministic for a seed.
//   node scripts/make-demo-corpus.mjs OUT.txt [--chars 6000000] [--seed 0]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { chars: { type: 'string', default: '6000000' }, seed: { type: 'string', default: '0' } },
});
if (!positionals[0]) throw new Error('usage: make-demo-corpus.mjs OUT.txt [--chars N] [--seed S]');
const seed = Number(values.seed);
const lite = await import('../dist/src/tasks/lite/index.js');
const kk = await import('../dist/src/tasks/kk/index.js');
const chars = Number(values.chars);
const docs = lite.buildCorpus({ seed, chars: Math.round(chars * 0.9) }).split(lite.DOCUMENT_SEPARATOR);
// K&K quizzes from a seed of their own (the demo's warmup and held-out puzzles use other seeds).
let kkChars = 0;
const streams = [3, 4].map((people) => kk.generateRows({ people, count: 100_000, seed: 90_000 + 10 * seed + people }));
while (kkChars < chars * 0.1) {
  for (const it of streams) {
    const row = it.next().value;
    const answer = row.solution_text_format
      .replace(/\(\d+\) /g, '')
      .split('\n')
      .join(', ');
    const doc = `${row.quiz}\nAnswer: ${answer}.`;
    docs.push(doc);
    kkChars += doc.length;
  }
}
// Interleave deterministically so every window mixes domains.
let s = seed + 1;
const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let i = docs.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [docs[i], docs[j]] = [docs[j], docs[i]];
}
writeFileSync(positionals[0], docs.join('\n\n'));
console.error(`wrote ${positionals[0]}: ${docs.length} documents, ${docs.join('\n\n').length} characters`);
