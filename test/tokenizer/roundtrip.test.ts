// decode(encode(s)) == NFC(s) on seeded random Unicode text, for the three kinds of tokenizer
// kindling has: Qwen2.5's (loaded), one trained here, and the plain byte-level one. The normalizer
// is NFC, so the text that comes back is the NFC form of what went in (e.g. 'e' + U+0301 → 'é').
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { byteLevelTokenizer, loadTokenizer, type Tokenizer, trainByteLevelBpe } from '../../src/tokenizer/index.js';
import { QWEN_DIR, realDocuments } from './corpus.js';
import { randomText, rng } from './random-text.js';

const CASES = 1500;

function assertRoundTrips(tok: Tokenizer, seed: number): void {
  const r = rng(seed);
  const failures: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const s = randomText(r);
    const ids = tok.encode(s, { addSpecialTokens: false });
    const back = tok.decode(ids);
    if (back !== s.normalize('NFC')) failures.push(`${JSON.stringify(s)} → ${ids} → ${JSON.stringify(back)}`);
    if (failures.length >= 5) break;
  }
  assert.deepEqual(failures, []);
}

describe('round trip decode(encode(s)) == s.normalize("NFC")', () => {
  let qwen: Tokenizer;
  let trained: Tokenizer;
  before(() => {
    qwen = loadTokenizer(QWEN_DIR);
    trained = trainByteLevelBpe(realDocuments(300_000), { vocabSize: 2000 });
  });

  test('Qwen2.5', () => assertRoundTrips(qwen, 1));
  test('a trained byte-level BPE', () => assertRoundTrips(trained, 2));
  test('the byte-level tokenizer (256 bytes + specials), one token per UTF-8 byte', () => {
    const tok = byteLevelTokenizer();
    assertRoundTrips(tok, 3);
    const s = 'héllo 😀';
    assert.equal(tok.encode(s).length, new TextEncoder().encode(s).length);
  });

  test('the generator covers what it claims: emoji, CJK, combining marks, astral planes, odd whitespace', () => {
    const r = rng(1);
    const all = Array.from({ length: CASES }, () => randomText(r)).join('');
    for (const re of [
      /\p{Extended_Pictographic}/u,
      /\p{Script=Han}/u,
      /\p{M}/u,
      /[\u{10000}-\u{10FFFF}]/u,
      /\u0085/,
      /\u3000/,
      /\r\n/,
    ]) {
      assert.match(all, re);
    }
    assert.notEqual(all, all.normalize('NFC'), 'some inputs are not in NFC, so normalization is exercised');
  });

  test('special-token strings inside text survive the round trip', () => {
    const s = 'a<|im_start|>b <|im_end|>\n<|endoftext|>';
    for (const tok of [qwen, trained, byteLevelTokenizer()]) {
      assert.equal(tok.decode(tok.encode(s)), s);
      assert.equal(tok.decode(tok.encode(s), { skipSpecialTokens: true }), 'ab \n');
    }
  });
});
