// Differential test against Hugging Face itself: the tokenizer.json files kindling writes — a
// trained BPE, the byte-level tokenizer, and Qwen2.5 rebuilt from its slow files — are loaded by
// Python `tokenizers` and `transformers` (from PyPI, in the project's .venv) in one process, which
// must encode real and random text to the same ids, decode ids to the same text, and see the same
// EOS/PAD ids and vocabulary size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';
import { byteLevelTokenizer, loadTokenizer, type Tokenizer, trainByteLevelBpe } from '../../src/tokenizer/index.js';
import { QWEN_DIR, realDocuments } from './corpus.js';
import { randomText, rng } from './random-text.js';

interface HfResult {
  tokenizers_ids: number[][];
  transformers_ids: number[][];
  decoded: string[];
  decoded_skip: string[];
  eos_token_id: number | null;
  pad_token_id: number | null;
  len: number;
  chat: string | null;
}

function python(): string {
  const py = join(REPO_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(py))
    throw new Error(`${py} is missing: run \`bash scripts/setup.sh --peers\` to install the reference peers`);
  return py;
}

describe('tokenizer.json written by kindling, read by HF tokenizers and transformers', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kindling-hf-'));
  const toks: Record<string, Tokenizer> = {};
  const texts: string[] = [];
  let hf: Record<string, HfResult>;

  before(() => {
    toks.trained = trainByteLevelBpe(realDocuments(400_000), { vocabSize: 3000 });
    toks.bytes = byteLevelTokenizer();
    toks.qwen = loadTokenizer(QWEN_DIR);
    for (const [name, t] of Object.entries(toks)) t.save(join(tmp, name));

    const r = rng(7);
    texts.push(...realDocuments(60_000).slice(0, 60));
    for (let i = 0; i < 400; i++) texts.push(randomText(r));
    texts.push(
      '',
      ' ',
      '<|im_start|>user\nhi<|im_end|>\n',
      'x<|endoftext|>y',
      "I'M HERE, it'S 3.14159 — ok?!\r\n\r\n  ",
    );

    const decode: Record<string, number[][]> = {};
    for (const name of Object.keys(toks)) {
      const t = toks[name]!;
      const ids = texts.slice(0, 80).map((s) => t.encode(s, { addSpecialTokens: false }));
      // Plus ids a model may sample: special tokens anywhere, and arbitrary in-vocabulary ids.
      const rr = rng(11);
      for (let i = 0; i < 40; i++) ids.push(Array.from({ length: 12 }, () => Math.floor(rr() * t.vocabSize)));
      decode[join(tmp, name)] = ids;
    }
    const req = { folders: Object.keys(toks).map((n) => join(tmp, n)), texts, decode };
    const res = spawnSync(python(), [join(REPO_ROOT, 'test', 'tokenizer', 'hf_encode.py')], {
      input: JSON.stringify(req),
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      env: { ...process.env, TOKENIZERS_PARALLELISM: 'false', TRANSFORMERS_VERBOSITY: 'error' },
    });
    if (res.status !== 0) throw new Error(`hf_encode.py failed (${res.status}): ${res.stderr}`);
    hf = JSON.parse(res.stdout);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const name of ['trained', 'bytes', 'qwen']) {
    test(`${name}: same ids from tokenizers and transformers, same decoded text, same special ids`, () => {
      const t = toks[name]!;
      const ref = hf[join(tmp, name)]!;
      const mismatches: string[] = [];
      texts.forEach((s, i) => {
        const ours = t.encode(s, { addSpecialTokens: false });
        for (const [who, theirs] of [
          ['tokenizers', ref.tokenizers_ids[i]],
          ['transformers', ref.transformers_ids[i]],
        ] as const) {
          if (JSON.stringify(ours) !== JSON.stringify(theirs))
            mismatches.push(`${who} ${JSON.stringify(s)}: ours ${ours} theirs ${theirs}`);
        }
      });
      assert.deepEqual(mismatches.slice(0, 5), []);
      assert.equal(ref.decoded.length, 120);
      texts.slice(0, 80).forEach((s, i) => {
        assert.equal(t.decode(t.encode(s, { addSpecialTokens: false })), ref.decoded[i]);
      });
      assert.equal(ref.len, t.vocabSize);
      assert.equal(ref.eos_token_id, t.eosTokenId);
      assert.equal(ref.pad_token_id, t.padTokenId);
    });
  }

  test('random ids (special tokens anywhere) decode the same, with and without skipping specials', () => {
    for (const name of Object.keys(toks)) {
      const t = toks[name]!;
      const ref = hf[join(tmp, name)]!;
      const rr = rng(11);
      for (let i = 0; i < 40; i++) {
        const ids = Array.from({ length: 12 }, () => Math.floor(rr() * t.vocabSize));
        assert.equal(t.decode(ids), ref.decoded[80 + i], `${name} ${ids}`);
        assert.equal(t.decode(ids, { skipSpecialTokens: true }), ref.decoded_skip[80 + i], `${name} ${ids}`);
      }
    }
  });

  test("transformers renders kindling's ChatML template as ChatML", () => {
    assert.equal(hf[join(tmp, 'trained')]!.chat, '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    assert.equal(hf[join(tmp, 'bytes')]!.chat, '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
  });
});
