// The paper's format gate, shared by every domain's reward. The completion starts inside the think
// block (the prompt ends with "Assistant: <think>"). It must contain exactly one </think>, one
// <answer> and one </answer> and match /.+<\/think>\s*<answer>(.+)<\/answer>\s*$/s; else reward −2.

export const FORMAT_PENALTY = -2;

export type FormatResult = { ok: true; answer: string } | { ok: false; reason: string };

const count = (s: string, sub: string): number => s.split(sub).length - 1;
const SHAPE = /.+<\/think>\s*<answer>(.+)<\/answer>\s*$/s;

export function checkFormat(completion: string): FormatResult {
  const think = count(completion, '</think>');
  if (think !== 1) return { ok: false, reason: think === 0 ? 'format_no_think_close' : 'format_multiple_think_close' };
  const open = count(completion, '<answer>');
  if (open !== 1) return { ok: false, reason: open === 0 ? 'format_no_answer_open' : 'format_multiple_answer_open' };
  const close = count(completion, '</answer>');
  if (close !== 1)
    return { ok: false, reason: close === 0 ? 'format_no_answer_close' : 'format_multiple_answer_close' };
  const m = SHAPE.exec(completion);
  if (!m) return { ok: false, reason: 'format_bad_shape' };
  return { ok: true, answer: m[1]! };
}

/** Text inside <answer>…</answer> if present (last occurrence), else null. For evaluation, which needs no format. */
export function answerBlock(completion: string): string | null {
  const m = [...completion.matchAll(/<answer>([\s\S]*?)<\/answer>/g)];
  return m.length ? m[m.length - 1]![1]! : null;
}
