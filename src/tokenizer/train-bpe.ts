// trainByteLevelBpe: learns a byte-level BPE vocabulary from text, in TypeScript (neither
// @huggingface/tokenizers nor any JS package we could use has a trainer).
//
// Pre-tokenization is Qwen2's (NFC, then the Qwen2 split regex and the byte-level mapping, run by
// the very @huggingface/tokenizers pre-tokenizer that encodes), so the words counted here are
// exactly the pieces `encode` will later run BPE on.
// The alphabet is all 256 bytes (id = byte value) whether or not the corpus has them, so every
// text encodes; merges get ids 256, 257, …; the special tokens come last, as in Qwen2.
//
// The algorithm is the standard one (as in HF's BpeTrainer): count each distinct word once with its
// frequency, keep a count for every adjacent symbol pair and, per pair, the words that contain it;
// take the most frequent pair from a max-heap, rewrite only the words that contain it and apply the
// resulting pair-count differences. Heap entries are lazy: a popped entry whose count is stale is
// re-pushed with its current count. Ties go to the pair with the smaller (left, right) ids, so a
// run is deterministic.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { assembleTokenizer, DEFAULT_SPECIAL_TOKENS, type SpecialTokenOptions } from './assemble.js';
import { BYTE_TO_CHAR, CHAR_TO_BYTE } from './byte-level.js';
import type { Tokenizer } from './tokenizer.js';
import { byteLevelBpeJson } from './tokenizer-json.js';

export interface TrainBpeOptions extends SpecialTokenOptions {
  /** Total size: 256 bytes + merges + special tokens. */
  vocabSize: number;
  /** A pair seen fewer times than this is never merged (training may stop short of vocabSize). Default 2. */
  minFrequency?: number;
  /** Called after each merge (and once at the start with done = 0). */
  onProgress?: (done: number, total: number) => void;
}

// Pair keys pack (left, right) into one float64-safe number.
const SHIFT = 2 ** 21;

export function trainByteLevelBpe(corpus: string | Iterable<string>, options: TrainBpeOptions): Tokenizer {
  const specials = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  const { vocabSize, minFrequency = 2, onProgress } = options;
  const base = vocabSize - specials.length;
  if (!Number.isInteger(vocabSize) || base < 256 || vocabSize >= SHIFT) {
    throw new Error(
      `vocabSize must be an integer from ${256 + specials.length} (256 bytes + ${specials.length} special tokens) to ${SHIFT - 1}, got ${vocabSize}`,
    );
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1)
    throw new Error(`minFrequency must be a positive integer, got ${minFrequency}`);

  const { words, counts } = countWords(typeof corpus === 'string' ? [corpus] : corpus, specials);

  // Pair statistics.
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  for (let w = 0; w < words.length; w++) {
    const s = words[w]!;
    const c = counts[w]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const k = s[i]! * SHIFT + s[i + 1]!;
      pairCount.set(k, (pairCount.get(k) ?? 0) + c);
      const list = pairWords.get(k);
      if (list) {
        if (list[list.length - 1] !== w) list.push(w);
      } else pairWords.set(k, [w]);
    }
  }
  const heap = new PairHeap();
  for (const [k, c] of pairCount) heap.push(c, k);

  const tokens: string[] = [...BYTE_TO_CHAR];
  const tokenId = new Map<string, number>(tokens.map((t, i) => [t, i]));
  const merges: Array<[string, string]> = [];
  const seenStamp = new Int32Array(words.length);
  let stamp = 0;
  const total = base - 256;
  onProgress?.(0, total);

  while (tokens.length < base && heap.size > 0) {
    const count = heap.topCount();
    const key = heap.pop();
    const actual = pairCount.get(key) ?? 0;
    if (count !== actual) {
      if (actual > 0) heap.push(actual, key);
      continue;
    }
    if (count < minFrequency) break;
    const a = Math.floor(key / SHIFT);
    const b = key - a * SHIFT;
    const text = tokens[a]! + tokens[b]!;
    // Two different pairs can spell the same token ("ab"+"c", "a"+"bc"): reuse its id, as HF does.
    let c = tokenId.get(text);
    if (c === undefined) {
      c = tokens.length;
      tokens.push(text);
      tokenId.set(text, c);
    }
    merges.push([tokens[a]!, tokens[b]!]);
    pairCount.delete(key);

    stamp++;
    const delta = new Map<number, number>();
    for (const w of pairWords.get(key) ?? []) {
      if (seenStamp[w] === stamp) continue;
      seenStamp[w] = stamp;
      const s = words[w]!;
      const merged = mergeWord(s, a, b, c);
      if (merged === s) continue; // a stale entry: the word no longer has this pair
      words[w] = merged;
      const local = new Map<number, number>();
      for (let i = 0; i + 1 < s.length; i++) {
        const k = s[i]! * SHIFT + s[i + 1]!;
        local.set(k, (local.get(k) ?? 0) - 1);
      }
      for (let i = 0; i + 1 < merged.length; i++) {
        const k = merged[i]! * SHIFT + merged[i + 1]!;
        local.set(k, (local.get(k) ?? 0) + 1);
      }
      const wc = counts[w]!;
      for (const [k, d] of local) {
        if (d === 0 || k === key) continue;
        delta.set(k, (delta.get(k) ?? 0) + d * wc);
        if (d > 0) {
          const list = pairWords.get(k);
          if (list) list.push(w);
          else pairWords.set(k, [w]);
        }
      }
    }
    pairWords.delete(key);
    for (const [k, d] of delta) {
      const n = (pairCount.get(k) ?? 0) + d;
      if (n > 0) pairCount.set(k, n);
      else pairCount.delete(k);
      // Decreases are caught lazily at pop time; an increase needs an entry with the new count.
      if (d > 0) heap.push(n, k);
    }
    onProgress?.(tokens.length - 256, total);
  }

  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => {
    vocab[t] = i;
  });
  return assembleTokenizer(vocab, merges, { ...options, specialTokens: specials });
}

/** Distinct pre-tokenized words (as byte arrays) and how often each occurs. */
function countWords(texts: Iterable<string>, specials: readonly string[]): { words: Uint32Array[]; counts: number[] } {
  // The pipeline of the tokenizer being trained, minus the merges: its pre-tokenizer yields pieces
  // already in the byte-level alphabet.
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((ch, b) => {
    vocab[ch] = b;
  });
  const pre = new HfTokenizer(byteLevelBpeJson({ vocab, merges: [], addedTokens: [] }), {}).pre_tokenizer!;
  // Special tokens in the corpus (document separators, chat markers) are cut out, not learned from:
  // encode() matches them before pre-tokenization too.
  const specialRe =
    specials.length > 0
      ? new RegExp(specials.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
      : null;
  const freq = new Map<string, number>();
  for (const text of texts) {
    if (typeof text !== 'string')
      throw new TypeError(`trainByteLevelBpe: the corpus must yield strings, got ${typeof text}`);
    const parts = specialRe ? text.split(specialRe) : [text];
    for (const part of parts) {
      if (part === '') continue;
      for (const piece of pre.pre_tokenize(part.normalize('NFC'))) freq.set(piece, (freq.get(piece) ?? 0) + 1);
    }
  }
  const words: Uint32Array[] = [];
  const counts: number[] = [];
  for (const [piece, n] of freq) {
    const w = new Uint32Array(piece.length); // byte-level symbols are single UTF-16 units
    for (let i = 0; i < piece.length; i++) w[i] = CHAR_TO_BYTE.get(piece[i]!)!;
    words.push(w);
    counts.push(n);
  }
  return { words, counts };
}

/** `s` with every non-overlapping (a, b), left to right, replaced by c; `s` itself when none. */
function mergeWord(s: Uint32Array, a: number, b: number, c: number): Uint32Array {
  let found = -1;
  for (let i = 0; i + 1 < s.length; i++) {
    if (s[i] === a && s[i + 1] === b) {
      found = i;
      break;
    }
  }
  if (found < 0) return s;
  const out = new Uint32Array(s.length - 1);
  let n = 0;
  for (let i = 0; i < found; i++) out[n++] = s[i]!;
  let i = found;
  while (i < s.length) {
    if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
      out[n++] = c;
      i += 2;
    } else out[n++] = s[i++]!;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** A binary max-heap of (count, pair key); ties: the smaller key first. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  topCount(): number {
    return this.counts[0]!;
  }

  private above(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]!;
    this.counts[i] = this.counts[j]!;
    this.counts[j] = c;
    const k = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the top entry and returns its key. */
  pop(): number {
    const top = this.keys[0]!;
    const lastC = this.counts.pop()!;
    const lastK = this.keys.pop()!;
    if (this.counts.length > 0) {
      this.counts[0] = lastC;
      this.keys[0] = lastK;
      let i = 0;
      const n = this.counts.length;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < n && this.above(l, m)) m = l;
        if (r < n && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
