// Tokenizer measurements (not a test: nothing here asserts a time). Run after building:
//   node dist/test/tokenizer/measure.js [--encode-mb 1] [--train-mb 2] [--vocab 8000]
// Prints the Qwen2.5 tokenizer's encode throughput on real text and the BPE trainer's time.
import { parseArgs } from 'node:util';
import { loadTokenizer, trainByteLevelBpe } from '../../src/tokenizer/index.js';
import { QWEN_DIR, realDocuments } from './corpus.js';

const { values } = parseArgs({
  options: {
    'encode-mb': { type: 'string', default: '1' },
    'train-mb': { type: 'string', default: '2' },
    vocab: { type: 'string', default: '8000' },
  },
});
const MB = 1 << 20;
const ms = (t0: number) => performance.now() - t0;

let t0 = performance.now();
const qwen = loadTokenizer(QWEN_DIR);
const loadMs = ms(t0);
const encDocs = realDocuments(Number(values['encode-mb']) * MB);
const encChars = encDocs.reduce((a, d) => a + d.length, 0);
// Cold: a fresh tokenizer's first pass (its word cache empty); warm: a second pass over the same text.
const pass = () => {
  const t = performance.now();
  let tokens = 0;
  for (const d of encDocs) tokens += qwen.encode(d, { addSpecialTokens: false }).length;
  return { tokens, s: ms(t) / 1000 };
};
const cold = pass();
const warm = pass();

const trainDocs = realDocuments(Number(values['train-mb']) * MB);
const trainChars = trainDocs.reduce((a, d) => a + d.length, 0);
t0 = performance.now();
const trained = trainByteLevelBpe(trainDocs, { vocabSize: Number(values.vocab) });
const trainS = ms(t0) / 1000;
let trainedTokens = 0;
for (const d of trainDocs) trainedTokens += trained.encode(d).length;

console.log(
  JSON.stringify(
    {
      qwen_load_ms: Math.round(loadMs),
      encode_chars: encChars,
      encode_tokens: cold.tokens,
      encode_tokens_per_s_cold: Math.round(cold.tokens / cold.s),
      encode_tokens_per_s_warm: Math.round(warm.tokens / warm.s),
      encode_mb_per_s_cold: +(encChars / MB / cold.s).toFixed(2),
      train_chars: trainChars,
      train_vocab: trained.vocabSize,
      train_merges: (trained.json.model as { merges: string[] }).merges.length,
      train_s: +trainS.toFixed(2),
      trained_chars_per_token: +(trainChars / trainedTokens).toFixed(2),
    },
    null,
    2,
  ),
);
