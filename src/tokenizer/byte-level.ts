// GPT-2's byte ↔ printable-character map, used by every byte-level BPE (GPT-2, Llama-3, Qwen2).
// Each of the 256 bytes gets one visible Unicode character so that BPE tokens are plain strings
// with no spaces or control characters: printable Latin-1 bytes map to themselves, the other 68
// bytes (controls, space, 0x7F–0xA0, 0xAD) map to U+0100 onwards in byte order — space → 'Ġ',
// '\n' → 'Ċ', '\t' → 'ĉ'. This is the alphabet of `vocab.json` / `tokenizer.json` files.

function buildByteToChar(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = new Array(256);
  let next = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(printable(b) ? b : 256 + next++);
  return out;
}

/** BYTE_TO_CHAR[b] is the one-character symbol of byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** The inverse of BYTE_TO_CHAR. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const utf8 = new TextEncoder();

/** Text → its UTF-8 bytes written in the byte-level alphabet ("hi there" → "hiĠthere"). */
export function toByteSymbols(text: string): string {
  let s = '';
  for (const b of utf8.encode(text)) s += BYTE_TO_CHAR[b];
  return s;
}
