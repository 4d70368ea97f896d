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
const chars = Number(values.chars);
const docs = lite.buildCorpus({ seed, chars: Math.round(chars * 0.9) }).split(lite.DOCUMENT_SEPARATOR);
// K&K quizzes from a seed of their own (the demo's warmup and held-out puzzles use other seeds).
let kkChars = 0;
const kk = lite.kkCorpusDocuments(seed);
while (kkChars < chars * 0.1) {
  // two at a time (a 3- and a 4-person quiz), as the corpus was first made
  for (let k = 0; k < 2; k++) {
    const doc = kk.next().value;
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
