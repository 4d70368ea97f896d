// The paper's code extraction rules (from the authors' train/dataset_loader.py and
// evaluations/humaneval_loader.py; regexes are the same, dot matches newline):
//  - reward (training), applied to the text inside <answer>…</answer> after the format gate,
//    stripped: the FIRST ```python …``` block, else the FIRST ``` …``` block, else the text;
//  - evaluation, applied to the whole completion: the text of the first <answer>…</answer> if any
//    (stripped), then the LAST ```python …``` block in it, else the LAST ``` …``` block, else that
//    text itself (the whole completion, stripped, when there is no <answer>).
// Every extracted block is stripped of surrounding whitespace.

const PY_BLOCK = /```python(.+?)```/s;
const ANY_BLOCK = /```(.+?)```/s;
const PY_BLOCKS = /```python(.+?)```/gs;
const ANY_BLOCKS = /```(.+?)```/gs;
const ANSWER = /<answer>(.+?)<\/answer>/s;

// Python's str.strip() whitespace (str.isspace), which differs from JS trim() (\x1c-\x1f and \x85
// are whitespace to Python; \ufeff is not).
const WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGES = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');

/** Python's str.strip(). */
export const pyStrip = (s: string): string => s.replace(EDGES, '');
const strip = pyStrip;

/** Reward rule: first python block, else first fenced block, else the text (all stripped). */
export function extractRewardCode(answerText: string): string {
  const text = strip(answerText);
  const py = PY_BLOCK.exec(text);
  if (py) return strip(py[1]!);
  const any = ANY_BLOCK.exec(text);
  if (any) return strip(any[1]!);
  return text;
}

function lastBlock(text: string): string | null {
  const py = [...text.matchAll(PY_BLOCKS)];
  if (py.length) return strip(py[py.length - 1]![1]!);
  const any = [...text.matchAll(ANY_BLOCKS)];
  if (any.length) return strip(any[any.length - 1]![1]!);
  return null;
}

/** Evaluation rule: inside the first <answer> if present, the last python block, else the last block, else the text. */
export function extractEvalCode(completion: string): string {
  const answer = ANSWER.exec(completion);
  if (answer) {
    const inner = strip(answer[1]!);
    return lastBlock(inner) ?? inner;
  }
  return lastBlock(completion) ?? strip(completion);
}
