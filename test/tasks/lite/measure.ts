// Mini-domain measurements (not a test: nothing here asserts a time). Run after building:
//   node dist/test/tasks/lite/measure.js [--mb 3] [--vocab 2048] [--seed 0] [--tag-tokens]
// --tag-tokens adds <think>, </think>, <answer>, </answer> to the tokenizer as special tokens.
// Prints corpus generation speed, a byte-level BPE trained on the corpus, and the prompt lengths in
// its tokens for each task in each prompt style (mean and max over the 300 test items).
import { parseArgs } from 'node:util';
import {
  buildCorpus,
  createCodeLiteTask,
  createMathLiteTask,
  createMcqLiteTask,
  PROMPT_STYLES,
} from '../../../src/tasks/lite/index.js';
import type { Example, Task } from '../../../src/tasks/types.js';
import { trainByteLevelBpe } from '../../../src/tokenizer/index.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '3' },
    vocab: { type: 'string', default: '2048' },
    seed: { type: 'string', default: '0' },
    'tag-tokens': { type: 'boolean', default: false },
  },
});
const chars = Math.round(Number(values.mb) * 1e6);
const seed = Number(values.seed);

const times: number[] = [];
let corpus = '';
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  corpus = buildCorpus({ seed, chars });
  times.push((performance.now() - t) / 1000);
}
const best = Math.min(...times);
console.log(
  `corpus: ${(corpus.length / 1e6).toFixed(2)} M chars, ${Buffer.byteLength(corpus) / 1e6} MB; built in ${times.map((x) => x.toFixed(2)).join(' / ')} s (${(corpus.length / 1e6 / best).toFixed(1)} M chars/s best; the first run includes building the world and items)`,
);

let t = performance.now();
const docs = corpus.split('\n\n');
const specialTokens = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  ...(values['tag-tokens'] ? ['<think>', '</think>', '<answer>', '</answer>'] : []),
];
const tok = trainByteLevelBpe(docs, { vocabSize: Number(values.vocab), specialTokens });
console.log(`BPE: vocab ${tok.vocabSize} trained in ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
let tokens = 0;
for (const d of docs) tokens += tok.encode(d).length;
console.log(
  `corpus tokens: ${tokens} (${(corpus.length / tokens).toFixed(2)} chars/token), encoded in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const rows: string[] = [
  '| task | style | mode | prompt tokens mean | max | gold completion tokens mean |',
  '|---|---|---|---|---|---|',
];
const stat = (xs: number[]) => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) });
const makers: [string, (style: 'short' | 'paper') => Task<Example>, (e: Example) => string][] = [
  [
    'math-lite',
    (s) => createMathLiteTask({ promptStyle: s }) as unknown as Task<Example>,
    (e) => ` ${e.solution}.</think> <answer>\\boxed{${e.answer}}</answer>`,
  ],
  [
    'code-lite',
    (s) => createCodeLiteTask({ promptStyle: s }) as unknown as Task<Example>,
    (e) => ` I complete it.</think> <answer>\n\`\`\`python\n${e.prompt}${e.canonical_solution}\`\`\`\n</answer>`,
  ],
  [
    'mcq-lite',
    (s) => createMcqLiteTask({ promptStyle: s }) as unknown as Task<Example>,
    (e) => ` I recall the fact.</think><answer> \\boxed{${e.answer}} </answer>`,
  ],
];
for (const [name, make, gold] of makers) {
  for (const style of PROMPT_STYLES) {
    const task = make(style);
    const test = await task.load('test');
    for (const mode of style === 'paper' ? (['train', 'eval'] as const) : (['train'] as const)) {
      const p = stat(test.map((e) => tok.encode(task.prompt(e, { mode })).length));
      const g = stat(test.map((e) => tok.encode(gold(e)).length));
      rows.push(
        `| ${name} | ${style} | ${style === 'short' ? 'both' : mode} | ${p.mean.toFixed(1)} | ${p.max} | ${g.mean.toFixed(1)} |`,
      );
    }
    await task.close?.();
  }
}
console.log(rows.join('\n'));

// Sandbox cost of code-lite (the demo's evaluation budget): ground truth per problem (first use,
// then cached on disk), then one check per sample, 20 problems at the pool's default concurrency.
{
  const n = 20;
  const task = createCodeLiteTask({ check: { cacheDir: null }, memoSize: 0 });
  const rows = (await task.load('test')).slice(0, n);
  const answer = (e: Example & { prompt: string; canonical_solution: string }) =>
    `x</think> <answer>\n\`\`\`python\n${e.prompt}${e.canonical_solution}\`\`\`\n</answer>`;
  await task.reward(answer(rows[0]!), rows[0]!); // starts the pool
  t = performance.now();
  await Promise.all(rows.slice(1).map((e) => task.reward(answer(e), e)));
  const first = (performance.now() - t) / (n - 1);
  t = performance.now();
  await Promise.all(rows.slice(1).map((e) => task.reward(answer(e), e)));
  const again = (performance.now() - t) / (n - 1);
  console.log(
    `sandbox: ${first.toFixed(0)} ms per problem with its ground truth, ${again.toFixed(0)} ms per further check (wall, pool of 2 workers)`,
  );
  await task.close();
}
