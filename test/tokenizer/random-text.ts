// Seeded random Unicode text for round-trip and parity tests: runs drawn from scripts and symbol
// classes that stress a byte-level BPE and Qwen2's split regex — ASCII words and contractions in
// any case, digits (ASCII and not), punctuation runs, every kind of whitespace and line break,
// Latin with precomposed and combining accents (NFC matters), CJK, Hangul (jamo and syllables),
// Arabic, Devanagari, Thai, emoji (ZWJ families, skin tones, flags, keycaps), symbols and rare
// planes. Lone surrogates are excluded: they are not text and have no UTF-8 form.
import { mulberry32 as rng } from '../../src/util/random.js';

export { rng };

const range = (lo: number, hi: number) => ({ lo, hi });
const POOLS: Array<string[] | { lo: number; hi: number }> = [
  ['the', ' the', 'Hello', ' world', 'CAPS', ' iPhone', 'x', 'naïve', ' café'],
  ["'s", "'S", "'t", "'re", "'VE", "'m", "'ll", "'D", "n't", '’s', "'"],
  range(0x30, 0x39), // ASCII digits
  ['٣', '۴', '५', '๓', '½', 'Ⅻ', '²', '①', '𝟙'], // other \p{N}
  [
    '.',
    ',',
    '!',
    '?',
    '...',
    '!!!',
    '—',
    '–',
    '"',
    '(',
    ')',
    '[]',
    '{}',
    '<',
    '>',
    '<|',
    '|>',
    '@#$%',
    '\\',
    '`',
    '~',
    '_',
  ],
  [
    ' ',
    '  ',
    '   ',
    '\t',
    '\n',
    '\n\n',
    '\r\n',
    '\r',
    '\v',
    '\f',
    '\u00a0',
    '\u0085',
    '\u2028',
    '\u2029',
    '\u3000',
    '\u200b',
    '\ufeff',
    '\u2003',
  ],
  range(0x00c0, 0x024f), // Latin-1 supplement / extended (precomposed)
  ['e\u0301', 'a\u0308', 'o\u0302\u0323', 'n\u0303', 'A\u030a', '\u0301', '\u0327', 'i\u0307\u0301'], // combining marks
  range(0x0370, 0x03ff), // Greek
  range(0x0400, 0x04ff), // Cyrillic
  range(0x4e00, 0x9fff), // CJK ideographs
  range(0x3040, 0x30ff), // kana
  range(0xac00, 0xd7a3), // Hangul syllables
  ['\u1100\u1161', '\u1112\u1161\u11ab'], // Hangul jamo (NFC composes these)
  range(0x0600, 0x06ff), // Arabic
  range(0x0900, 0x097f), // Devanagari
  range(0x0e00, 0x0e7f), // Thai
  ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🇫🇷', '1️⃣', '❤️', '🏳️‍🌈', '🧑🏿‍🚀', '✨'],
  range(0x2190, 0x23ff), // arrows, math, technical
  range(0x1d400, 0x1d7ff), // mathematical alphanumerics (astral)
  range(0x1f300, 0x1faff), // pictographs (astral)
  range(0x20000, 0x2a6df), // CJK extension B (astral)
  range(0x0021, 0x007e), // printable ASCII
  range(0x0000, 0x001f), // control characters
];

function pick(r: () => number): string {
  const pool = POOLS[Math.floor(r() * POOLS.length)]!;
  if (Array.isArray(pool)) return pool[Math.floor(r() * pool.length)]!;
  let cp = pool.lo + Math.floor(r() * (pool.hi - pool.lo + 1));
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x20;
  return String.fromCodePoint(cp);
}

/** A random string of about `maxRuns` pieces; each piece is repeated 1–3 times so merges have something to find. */
export function randomText(r: () => number, maxRuns = 24): string {
  let s = '';
  const runs = 1 + Math.floor(r() * maxRuns);
  for (let i = 0; i < runs; i++) {
    const piece = pick(r);
    const rep = 1 + Math.floor(r() * r() * 3);
    s += piece.repeat(rep);
  }
  return s;
}
