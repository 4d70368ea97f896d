// `kindling model init` writes a complete Hugging Face folder (byte-level, copied or trained
// tokenizer) and `kindling model logits --json` prints exactly what loadModel + forward computes.
// (Parity of such folders with transformers itself is test/model/hf-parity.test.ts.)
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadModel } from '../../src/model/index.js';
import { sharedDataDir } from '../../src/paths.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';
import { kindling, kindlingOk } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-cli-model-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const FILES = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];

function writeConfig(name: string, over: Record<string, unknown> = {}): string {
  const path = join(tmp, name);
  const config = {
    ...tinyQwen2({ hidden_size: 32, intermediate_size: 64, max_position_embeddings: 128 }),
    ...over,
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe('kindling model init', () => {
  it('with no tokenizer option: a byte-level tokenizer, seeded weights, a folder with every file', () => {
    const out = join(tmp, 'byte');
    const stdout = kindlingOk(['model', 'init', '--config', writeConfig('c.json'), '--seed', '7', '--out', out]);
    assert.match(
      stdout,
      /Qwen2ForCausalLM, 0\.\d+ M parameters \(seed 7, float32\), the byte-level tokenizer, vocab_size 320/,
    );
    for (const f of FILES) assert.ok(existsSync(join(out, f)), f);
    const tok = loadTokenizer(out);
    assert.equal(tok.vocabSize, 259);
    assert.equal(tok.decode(tok.encode('héllo, knights')), 'héllo, knights');
    // EOS: <|endoftext|> and, because the ChatML template ends turns with it, <|im_end|>
    assert.deepEqual(readJson(join(out, 'generation_config.json')).eos_token_id, [256, 258]);
    assert.equal(readJson(join(out, 'config.json')).eos_token_id, 256);
    // same seed → same weights; another seed → different
    const again = join(tmp, 'byte-again');
    const other = join(tmp, 'byte-other');
    kindlingOk(['model', 'init', '--config', join(tmp, 'c.json'), '--seed', '7', '--out', again]);
    kindlingOk(['model', 'init', '--config', join(tmp, 'c.json'), '--seed', '8', '--out', other]);
    assert.deepEqual(readFileSync(join(out, 'model.safetensors')), readFileSync(join(again, 'model.safetensors')));
    assert.notDeepEqual(readFileSync(join(out, 'model.safetensors')), readFileSync(join(other, 'model.safetensors')));
  });

  it("with --tokenizer: the real Qwen2.5 tokenizer (slow files) becomes the folder's tokenizer.json", () => {
    const out = join(tmp, 'qwen');
    const qwen = join(sharedDataDir(), 'tokenizers', 'qwen2.5');
    const cfg = writeConfig('qwen.json', {
      hidden_size: 8,
      intermediate_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      num_key_value_heads: 1,
      vocab_size: 151936,
    });
    kindlingOk(['model', 'init', '--config', cfg, '--tokenizer', qwen, '--out', out]);
    for (const f of FILES) assert.ok(existsSync(join(out, f)), f);
    const tok = loadTokenizer(out);
    assert.deepEqual(tok.encode('<|im_start|>hello<|im_end|>'), [151644, 14990, 151645]);
    assert.equal(readJson(join(out, 'generation_config.json')).eos_token_id, 151645);
    assert.equal(loadModel(out).config.vocab_size, 151936);
  });

  it('with --train-tokenizer: a byte-level BPE of --vocab tokens trained on a real corpus', () => {
    const corpus = join(tmp, 'corpus.txt');
    const math = readFileSync(join(sharedDataDir(), 'math500', 'test.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 150);
    writeFileSync(corpus, math.map((l) => JSON.parse(l).problem as string).join('\n\n'));
    const out = join(tmp, 'trained');
    kindlingOk([
      'model',
      'init',
      '--config',
      writeConfig('c400.json', { vocab_size: 400 }),
      '--train-tokenizer',
      corpus,
      '--vocab',
      '380',
      '--out',
      out,
    ]);
    const tok = loadTokenizer(out);
    assert.equal(tok.vocabSize, 380);
    const text = 'What is the value of $x$ in the equation?';
    assert.ok(tok.encode(text).length < Buffer.byteLength(text), 'merges were learned');
    assert.equal(tok.decode(tok.encode(text)), text);
  });

  it('refuses a vocab_size smaller than the tokenizer, conflicting options and an existing folder, with clear errors', () => {
    const small = kindling([
      'model',
      'init',
      '--config',
      writeConfig('small.json', { vocab_size: 200 }),
      '--out',
      join(tmp, 'small'),
    ]);
    assert.equal(small.status, 1);
    assert.match(
      small.stderr,
      /small\.json: vocab_size 200 is smaller than the byte-level tokenizer \(259 tokens\); set vocab_size ≥ 259/,
    );
    assert.ok(!existsSync(join(tmp, 'small')));
    const both = kindling([
      'model',
      'init',
      '--config',
      join(tmp, 'c.json'),
      '--tokenizer',
      'x',
      '--train-tokenizer',
      'y',
      '--out',
      join(tmp, 'both'),
    ]);
    assert.match(both.stderr, /either --tokenizer or --train-tokenizer, not both/);
    const exists = kindling(['model', 'init', '--config', join(tmp, 'c.json'), '--out', join(tmp, 'byte')]);
    assert.match(exists.stderr, /already holds a model \(config\.json\); pass --force/);
    const badArch = kindling([
      'model',
      'init',
      '--config',
      writeConfig('gpt.json', { architectures: ['GPT2LMHeadModel'] }),
      '--out',
      join(tmp, 'gpt'),
    ]);
    assert.match(badArch.stderr, /gpt\.json: architecture 'GPT2LMHeadModel' is not supported/);
  });
});

describe('kindling model logits', () => {
  it('--json equals loadModel + forward, one sequence per --tokens', () => {
    const dir = join(tmp, 'byte');
    const seqs = [[1, 2, 3, 300, 17], [42]];
    const printed = JSON.parse(
      kindlingOk(['model', 'logits', '--model', dir, '--tokens', '1,2,3,300,17', '--tokens', '42', '--json']),
    ) as { logits: number[][][] };
    const m = loadModel(dir);
    const expected = torch.noGrad(() =>
      seqs.map((s) =>
        torch.scope(
          () =>
            m
              .forward(torch.tensor([s], { dtype: 'int64' }))
              .select(0, 0)
              .tolist() as number[][],
        ),
      ),
    );
    assert.equal(printed.logits.length, 2);
    assert.deepEqual(
      printed.logits.map((s) => [s.length, s[0]!.length]),
      [
        [5, 320],
        [1, 320],
      ],
    );
    for (const [i, seq] of printed.logits.entries())
      for (const [t, row] of seq.entries())
        for (const [j, v] of row.entries())
          assert.ok(Math.abs(v - expected[i]![t]![j]!) <= 1e-6, `seq ${i} pos ${t} id ${j}`);
  });

  it('rejects token ids outside the vocabulary and malformed lists', () => {
    const dir = join(tmp, 'byte');
    assert.match(
      kindling(['model', 'logits', '--model', dir, '--tokens', '1,320']).stderr,
      /--tokens #1: token id 320 is not below the model's vocab_size 320/,
    );
    assert.match(
      kindling(['model', 'logits', '--model', dir, '--tokens', '1,x']).stderr,
      /--tokens must be comma-separated token ids/,
    );
    const human = kindlingOk(['model', 'logits', '--model', dir, '--tokens', '5,6']);
    assert.match(human, /sequence 1: 2 positions × 320 logits; after the last token, the top 5: /);
  });
});
