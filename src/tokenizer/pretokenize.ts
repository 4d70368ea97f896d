// The pre-tokenizer regex of Qwen2 / Qwen2.5 / Qwen3 (as written in their `tokenizer.json`, in
// Oniguruma syntax, which is what HF `tokenizers` compiles). Compared with GPT-2's regex it splits
// digits one at a time (`\p{N}`), lets a word take one leading non-letter (`[^\r\n\p{L}\p{N}]?`),
// keeps newlines with the punctuation before them, and is case-insensitive on the English
// contractions. kindling uses it for every tokenizer it builds (loaded from slow files, trained,
// byte-level), so a model's text is split the same way whichever tokenizer it has.
export const QWEN2_PRETOKENIZE_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
