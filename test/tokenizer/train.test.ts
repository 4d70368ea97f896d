// The byte-level BPE trainer: the merges it learns equal those of a plain recount-every-merge
// implementation (so the incremental pair-count bookkeeping is right), it reaches the vocabulary
// size asked for, it is deterministic, it compresses real text, and what it saves loads back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { toByteSymbols } from '../../src/tokenizer/byte-level.js';
import { byteLevelTokenizer, loadTokenizer, type Tokenizer, trainByteLevelBpe } from '../../src/tokenizer/index.js';
import { realDocuments } from './corpus.js';

const merges = (t: Tokenizer) => (t.json.model as { merges: string[] }).merges;
const vocab = (t: Tokenizer) => (t.json.model as { vocab: Record<string, number> }).vocab;

/**
 * The textbook algorithm, for reference: recount every pair of every word before each merge.
 * Words are the pre-tokenized pieces in the byte-level alphabet, split independently of the code
 * under test (see bytePieces); ties go to the smaller (left id, right id).
 */
function referenceMerges(docs: string[], nMerges: number, minFrequency: number): string[] {
  const pieces = new Map<string, number>();
  const bytes = byteLevelTokenizer([]);
  for (const d of docs) for (const piece of bytePieces(bytes, d)) pieces.set(piece, (pieces.get(piece) ?? 0) + 1);
  const ids = new Map<string, number>();
  const toks: string[] = [];
  for (let b = 0; b < 256; b++) {
    const c = bytes.idToToken(b)!;
    ids.set(c, b);
    toks.push(c);
  }
  let words = [...pieces].map(([p, n]) => ({ s: [...p].map((c) => ids.get(c)!), n }));
  const out: string[] = [];
  while (out.length < nMerges) {
    const counts = new Map<string, number>();
    for (const { s, n } of words)
      for (let i = 0; i + 1 < s.length; i++)
        counts.set(`${s[i]},${s[i + 1]}`, (counts.get(`${s[i]},${s[i + 1]}`) ?? 0) + n);
    let best: [number, number] | null = null;
    let bestN = 0;
    for (const [k, n] of counts) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      if (n > bestN || (n === bestN && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestN = n;
      }
    }
    if (!best || bestN < minFrequency) break;
    const [a, b] = best;
    const text = toks[a]! + toks[b]!;
    let c = ids.get(text);
    if (c === undefined) {
      c = toks.length;
      toks.push(text);
      ids.set(text, c);
    }
    out.push(`${toks[a]} ${toks[b]}`);
    words = words.map(({ s, n }) => {
      const m: number[] = [];
      for (let i = 0; i < s.length; ) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          m.push(c!);
          i += 2;
        } else m.push(s[i++]!);
      }
      return { s: m, n };
    });
  }
  return out;
}

/** The pre-tokenized pieces of `text` in the byte-level alphabet, via the Qwen2 split regex. */
function bytePieces(bytes: Tokenizer, text: string): string[] {
  // A hand translation of Qwen2's regex to JS (its (?i:…) spelled out), applied to the NFC text.
  // The byte tokenizer (no merges) yields one symbol per byte: the pieces must cover exactly those.
  const re =
    /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
  const pieces = (text.normalize('NFC').match(re) ?? []).map(toByteSymbols);
  assert.equal(pieces.join(''), bytes.tokenize(text).join(''), 'the reference split covers the text');
  return pieces;
}

describe('trainByteLevelBpe', () => {
  test('learns exactly the merges of the recount-every-merge algorithm', () => {
    const docs = realDocuments(40_000);
    const t = trainByteLevelBpe(docs, { vocabSize: 256 + 400 + 3 });
    assert.deepEqual(merges(t), referenceMerges(docs, 400, 2));
  });

  test('reaches the vocabulary size, puts special tokens last, and is deterministic', () => {
    const docs = realDocuments(200_000);
    const a = trainByteLevelBpe(docs, { vocabSize: 1500 });
    const b = trainByteLevelBpe(docs, { vocabSize: 1500 });
    assert.equal(a.vocabSize, 1500);
    assert.deepEqual(a.json, b.json);
    assert.deepEqual(
      a.addedTokens.map((t) => [t.id, t.content, t.special]),
      [
        [1497, '<|endoftext|>', true],
        [1498, '<|im_start|>', true],
        [1499, '<|im_end|>', true],
      ],
    );
    assert.equal(a.eosTokenId, 1497);
    assert.equal(a.padTokenId, 1497);
    assert.match(a.chatTemplate ?? '', /<\|im_start\|>/);
    // Every byte is in the vocabulary (id = byte value), so unseen bytes still encode.
    assert.deepEqual(a.encode('\u0000'), [0]);
    // Each merge joins two tokens that exist, and its result is in the vocabulary.
    const v = vocab(a);
    for (const m of merges(a)) {
      const [l, r] = m.split(' ') as [string, string];
      assert.ok(l in v && r in v && l + r in v, m);
    }
  });

  test('compresses held-out text far better than bytes', () => {
    const docs = realDocuments(300_000);
    const t = trainByteLevelBpe(docs.slice(0, 400), { vocabSize: 2000 });
    const heldOut = docs.slice(400, 500).join('\n');
    const bytes = new TextEncoder().encode(heldOut).length;
    const tokens = t.encode(heldOut).length;
    assert.ok(bytes / tokens > 2, `${(bytes / tokens).toFixed(2)} bytes per token`);
  });

  test('special tokens in the corpus are cut out, not learned from; a generator corpus equals a list', () => {
    const docs = realDocuments(50_000).map((d) => `${d}<|endoftext|>`);
    const t = trainByteLevelBpe(docs, { vocabSize: 800 });
    assert.ok(!Object.keys(vocab(t)).some((tok) => tok.includes('endoftext')));
    function* gen() {
      yield* docs;
    }
    assert.deepEqual(trainByteLevelBpe(gen(), { vocabSize: 800 }).json, t.json);
    assert.deepEqual(t.encode('x<|endoftext|>').slice(-1), [t.tokenToId('<|endoftext|>')]);
  });

  test('minFrequency stops training early; bad options are refused', () => {
    // Pieces "abab", " abab", " cdcd": ab (4×), then cd and ab+ab (2× each); everything else is seen once.
    const t = trainByteLevelBpe('abab abab cdcd', { vocabSize: 1000, minFrequency: 2 });
    assert.deepEqual(merges(t), ['a b', 'c d', 'ab ab']);
    assert.equal(t.vocabSize, 256 + 3 + 3);
    assert.deepEqual(t.encode(' abab'), [32, t.tokenToId('abab')]);
    assert.equal(trainByteLevelBpe('abab abab cdcd', { vocabSize: 1000, minFrequency: 1 }).vocabSize, 256 + 6 + 3);
    assert.throws(() => trainByteLevelBpe('x', { vocabSize: 200 }), /vocabSize must be an integer from 259/);
    assert.throws(() => trainByteLevelBpe('x', { vocabSize: 300, minFrequency: 0 }), /minFrequency/);
    assert.throws(() => trainByteLevelBpe('x', { vocabSize: 300, specialTokens: ['a'] }), /already an ordinary token/);
    assert.throws(
      () => trainByteLevelBpe('x', { vocabSize: 300, eosToken: '<eos>' }),
      /eosToken: "<eos>" is not one of the special tokens/,
    );
  });

  test('saves a folder that loadTokenizer reads back identically; the byte-level one too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-bpe-'));
    try {
      const t = trainByteLevelBpe(realDocuments(100_000), {
        vocabSize: 1000,
        specialTokens: ['<|endoftext|>', '<pad>'],
        padToken: '<pad>',
      });
      t.save(join(dir, 'trained'));
      const back = loadTokenizer(join(dir, 'trained'));
      const text = realDocuments(20_000).join('<|endoftext|>');
      assert.deepEqual(back.encode(text), t.encode(text));
      assert.equal(back.eosTokenId, 998);
      assert.equal(back.padTokenId, 999);
      assert.equal(back.chatTemplate, null, 'no ChatML tokens, no chat template');

      const b = byteLevelTokenizer(undefined, { eosToken: '<|im_end|>' });
      b.save(join(dir, 'bytes'));
      const bb = loadTokenizer(join(dir, 'bytes'));
      assert.equal(bb.vocabSize, 259);
      assert.equal(bb.eosTokenId, 258);
      assert.equal(bb.padTokenId, 258);
      assert.deepEqual(bb.encode('hi<|im_start|>'), [104, 105, 257]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
