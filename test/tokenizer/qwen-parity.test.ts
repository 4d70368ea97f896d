// The real Qwen2.5 tokenizer, loaded from its "slow" files (vocab.json + merges.txt +
// tokenizer_config.json, no tokenizer.json), against llama.cpp's 46 test vectors (made with HF's
// fast tokenizer) and the special-token behaviour a chat model depends on.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadTokenizer, type Tokenizer } from '../../src/tokenizer/index.js';
import { QWEN_DIR } from './corpus.js';

/** llama.cpp's .inp/.out pair (format in the data folder's README). */
function vectors(): Array<{ text: string; ids: number[] }> {
  const inputs = readFileSync(join(QWEN_DIR, 'tests', 'ggml-vocab-qwen2.gguf.inp'), 'utf8').split(
    '\n__ggml_vocab_test__\n',
  );
  assert.equal(inputs.pop(), '', 'the .inp file ends with the separator');
  const lines = readFileSync(join(QWEN_DIR, 'tests', 'ggml-vocab-qwen2.gguf.out'), 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(inputs.length, lines.length);
  return inputs.map((text, i) => {
    const l = lines[i]!.trim();
    return { text, ids: l === '' ? [] : l.split(' ').map(Number) };
  });
}

describe('Qwen2.5 tokenizer from slow files', () => {
  let tok: Tokenizer;
  let tmp: string;
  before(() => {
    tok = loadTokenizer(QWEN_DIR);
    tmp = mkdtempSync(join(tmpdir(), 'kindling-tok-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test("reproduces all 46 of llama.cpp's expected id lists, and each decodes back to its input", () => {
    const vs = vectors();
    assert.equal(vs.length, 46);
    const failures: string[] = [];
    for (const [i, { text, ids }] of vs.entries()) {
      const got = tok.encode(text, { addSpecialTokens: false });
      if (JSON.stringify(got) !== JSON.stringify(ids))
        failures.push(`#${i} ${JSON.stringify(text)}: got ${got} want ${ids}`);
      const back = tok.decode(ids);
      if (back !== text) failures.push(`#${i} decode: ${JSON.stringify(back)} != ${JSON.stringify(text)}`);
    }
    assert.deepEqual(failures, []);
  });

  test('special tokens are matched whole, and encodeBatch agrees with encode', () => {
    assert.deepEqual(tok.encode('<|im_start|>hello<|im_end|>'), [151644, 14990, 151645]);
    assert.deepEqual(tok.encodeBatch(['<|im_start|>hello<|im_end|>', 'Hello world', '']), [
      [151644, 14990, 151645],
      [9707, 1879],
      [],
    ]);
    // Non-special added tokens (<think>) are matched whole too.
    assert.deepEqual(tok.encode('<think>x</think>'), [151667, 87, 151668]);
  });

  test('ids, names and vocabulary size come from the folder', () => {
    assert.equal(tok.vocabSize, 151669); // 151,643 BPE tokens + 26 added tokens
    assert.equal(tok.eosTokenId, 151645); // eos_token <|im_end|>
    assert.deepEqual(tok.eosTokenIds, [151645]);
    assert.equal(tok.padTokenId, 151643); // pad_token <|endoftext|>
    assert.equal(tok.bosTokenId, null);
    assert.equal(tok.tokenToId('Ġworld'), 1879);
    assert.equal(tok.idToToken(9707), 'Hello');
    assert.equal(tok.idToToken(151644), '<|im_start|>');
    assert.ok(tok.isSpecial(151643) && !tok.isSpecial(151667), '<|endoftext|> is special, <think> is not');
    assert.match(tok.chatTemplate ?? '', /<\|im_start\|>/);
  });

  test('decode: empty list, skipped special tokens, ids without a token, bad ids', () => {
    assert.equal(tok.decode([]), '');
    const ids = [151644, 14990, 151645, 151643];
    assert.equal(tok.decode(ids), '<|im_start|>hello<|im_end|><|endoftext|>');
    assert.equal(tok.decode(ids, { skipSpecialTokens: true }), 'hello');
    assert.equal(tok.decode([151645], { skipSpecialTokens: true }), '');
    // A model's embedding rows beyond the tokenizer (Qwen2.5 pads to 151,936) decode to nothing, as in HF.
    assert.equal(tok.decode([9707, 151900, 1879]), 'Hello world');
    assert.throws(() => tok.decode([1.5]), /not a non-negative integer/);
    assert.throws(() => tok.decode([-1]), /not a non-negative integer/);
  });

  test('a split multi-byte character decodes to U+FFFD until its bytes are complete', () => {
    const ids = tok.encode('𓀀'); // an Egyptian hieroglyph: 4 UTF-8 bytes, 3 tokens
    assert.deepEqual(ids, [124373, 222, 222]);
    assert.equal(tok.decode(ids), '𓀀');
    assert.match(tok.decode(ids.slice(0, 1)), /\uFFFD/);
  });

  test('a "#version" header in merges.txt is skipped, and generation_config.json overrides EOS', () => {
    const dir = join(tmp, 'with-header');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    symlinkSync(join(QWEN_DIR, 'vocab.json'), join(dir, 'vocab.json'));
    symlinkSync(join(QWEN_DIR, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
    writeFileSync(join(dir, 'merges.txt'), `#version: 0.2\n${readFileSync(join(QWEN_DIR, 'merges.txt'), 'utf8')}`);
    writeFileSync(
      join(dir, 'generation_config.json'),
      JSON.stringify({ eos_token_id: [151645, 151643], pad_token_id: 151643 }),
    );
    const t = loadTokenizer(dir);
    assert.deepEqual(t.encode('Hello world'), [9707, 1879]);
    assert.deepEqual(t.eosTokenIds, [151645, 151643]);
    assert.equal(t.eosTokenId, 151645);
    assert.deepEqual(t.generationTokenIds(), {
      bos_token_id: null,
      eos_token_id: [151645, 151643],
      pad_token_id: 151643,
    });
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: 151643 }));
    assert.deepEqual(loadTokenizer(dir).eosTokenIds, [151643]);
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: 'x' }));
    assert.throws(() => loadTokenizer(dir), /generation_config\.json: "eos_token_id" must be an id or a list of ids/);
  });

  test('saved as tokenizer.json + tokenizer_config.json, it loads back with the same behaviour', () => {
    const dir = join(tmp, 'saved');
    tok.save(dir);
    const back = loadTokenizer(dir);
    const text = '<|im_start|>system\nYou are helpful.<|im_end|>\n   Hello 333 !!!!!! 中文 😀';
    assert.deepEqual(back.encode(text), tok.encode(text));
    assert.equal(back.eosTokenId, tok.eosTokenId);
    assert.equal(back.padTokenId, tok.padTokenId);
    assert.equal(back.vocabSize, tok.vocabSize);
    assert.equal(back.chatTemplate, tok.chatTemplate);
    const cfg = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
    assert.equal(Object.keys(cfg.added_tokens_decoder).length, 26);
  });

  test('bad folders fail with the file and line at fault', () => {
    assert.throws(() => loadTokenizer(join(tmp, 'nope')), /tokenizer folder not found/);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    assert.throws(() => loadTokenizer(empty), /no tokenizer\.json, and no vocab\.json \+ merges\.txt/);
    const bad = join(tmp, 'bad-merges');
    mkdirSync(bad);
    writeFileSync(join(bad, 'vocab.json'), JSON.stringify({ a: 0, b: 1, ab: 2 }));
    writeFileSync(join(bad, 'merges.txt'), 'a b\na  b\n');
    assert.throws(() => loadTokenizer(bad), /merges\.txt:2: expected two symbols separated by one space/);
    writeFileSync(join(bad, 'merges.txt'), 'b a\n');
    assert.throws(() => loadTokenizer(bad), /merges\.txt:1: the merge result "ba" is not in vocab\.json/);
    writeFileSync(join(bad, 'merges.txt'), 'a b\n');
    writeFileSync(join(bad, 'tokenizer_config.json'), '{"eos_token": "</s>", ');
    assert.throws(() => loadTokenizer(bad), /tokenizer_config\.json: not valid JSON/);
  });
});
