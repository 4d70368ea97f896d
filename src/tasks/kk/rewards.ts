// Answer scoring for K&K.
//  - paperReward: the paper's reward (authors' code). Format gate → −2 (checkFormat). Then each
//    non-empty line of the answer and of the gold text is read as "<tag> <name> … <role>": the second
//    space-separated word (lower-cased) is the name and the last word the role. A name not in the gold
//    → −1; a role containing neither "knight" nor "knave" → −1; the maps equal → +2; else −0.5.
//  - logicRlReward: Logic-RL's reward. Format ±1 (exactly one <think>, </think>, <answer>, </answer>
//    in that order) + answer: +2 when every gold name is matched by "<name> is a knight|knave" and the
//    roles equal the gold, −1.5 when parsed but different, −2 when unparsable (the number of
//    "knight"/"knave" mentions must equal the number of people) or when the format failed.
import { answerBlock, checkFormat } from '../format.js';
import type { Reward, Score } from '../types.js';

// Python's str.strip() whitespace (differs from JS trim() on \x1c-\x1f, \x85 and \ufeff).
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');
export const pyStrip = (s: string): string => s.replace(PY_STRIP, '');

/** The paper's answer reading: name (2nd word) → role (last word), both lower-cased. */
export function paperAnswerMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const sp = pyStrip(line).split(' ');
    if (sp.length < 2) continue;
    out.set(sp[1]!.toLowerCase(), sp[sp.length - 1]!.toLowerCase());
  }
  return out;
}

function mapsEqual(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Judges an answer text (the inside of <answer>) against the gold, as the paper's reward does. */
export function judgeAnswerPaper(answer: string, solutionTextFormat: string): Reward {
  const gold = paperAnswerMap(solutionTextFormat);
  const out = paperAnswerMap(pyStrip(answer));
  for (const name of out.keys()) if (!gold.has(name)) return { score: -1, reason: 'unknown_name' };
  for (const role of out.values())
    if (!role.includes('knight') && !role.includes('knave')) return { score: -1, reason: 'invalid_role' };
  return mapsEqual(gold, out) ? { score: 2, reason: 'correct' } : { score: -0.5, reason: 'wrong_answer' };
}

/** The paper's K&K training reward for a completion that starts inside <think>. */
export function paperReward(completion: string, solutionTextFormat: string): Reward {
  const f = checkFormat(completion);
  if (!f.ok) return { score: -2, reason: f.reason };
  return judgeAnswerPaper(f.answer, solutionTextFormat);
}

/** Evaluation: the last <answer> block (no format gate) compared as the paper's reward compares. */
export function scoreAnswer(completion: string, solutionTextFormat: string): Score {
  const answer = answerBlock(completion);
  if (answer === null) return { correct: false, extracted: null, reason: 'no_answer' };
  const r = judgeAnswerPaper(answer, solutionTextFormat);
  return { correct: r.score === 2, extracted: pyStrip(answer), reason: r.reason };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const countOf = (s: string, sub: string) => s.split(sub).length - 1;

/** Logic-RL's reading of the gold text: first word and first knight/knave of each line. */
export function logicRlGold(solutionTextFormat: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of solutionTextFormat.split('\n')) {
    const line = pyStrip(raw);
    if (!line) continue;
    const m = /\b([A-Za-z]+)\b.*?\b(knight|knave)\b/i.exec(line);
    if (m) out.set(m[1]!, m[2]!.toLowerCase());
  }
  return out;
}

/** Logic-RL's reading of an answer, or null when it cannot be parsed. */
export function logicRlAnswer(answer: string, names: readonly string[]): Map<string, string> | null {
  const lower = answer.toLowerCase();
  if (countOf(lower, 'knight') + countOf(lower, 'knave') !== names.length) return null;
  const out = new Map<string, string>();
  for (const name of names) {
    const m = new RegExp(`\\b${escapeRe(name)}\\b\\s+is\\s+a\\s+\\b(knight|knave)\\b`, 'i').exec(answer);
    if (!m) return null;
    out.set(name, m[1]!.toLowerCase());
  }
  return out;
}

export interface LogicRlOptions {
  /**
   * Text the prompt opened the response with, prepended before checking tags. Default '<think>'
   * (our prompts end with "Assistant: <think>"); use '' when the completion writes its own <think>.
   */
  opened?: string;
  /** Score the whole prompt+response as Logic-RL does: keep what follows the first "Assistant:" / "<|im_start|>assistant". */
  fullText?: boolean;
  /** Format reward magnitude (Logic-RL's format_reward). Default 1. */
  formatReward?: number;
}

/** Logic-RL's K&K reward: format (±1) + answer (+2 / −1.5 / −2). */
export function logicRlReward(text: string, solutionTextFormat: string, options: LogicRlOptions = {}): Reward {
  let response: string;
  let headerFound = true;
  if (options.fullText) {
    const header = text.includes('Assistant:')
      ? 'Assistant:'
      : text.includes('<|im_start|>assistant')
        ? '<|im_start|>assistant'
        : null;
    // Without a header Logic-RL extracts no answer but still checks the tags on the whole text.
    headerFound = header !== null;
    response = header === null ? text : text.slice(text.indexOf(header) + header.length);
  } else response = (options.opened ?? '<think>') + text;

  const answers = headerFound ? [...response.matchAll(/<answer>([\s\S]*?)<\/answer>/g)] : [];
  const answer = answers.length ? pyStrip(answers[answers.length - 1]![1]!) : null;

  const tags = ['<think>', '</think>', '<answer>', '</answer>'];
  const pos = tags.map((t) => response.indexOf(t));
  const countsOk = tags.every((t) => countOf(response, t) === 1);
  const orderOk = pos[0]! <= pos[1]! && pos[1]! <= pos[2]! && pos[2]! <= pos[3]!;
  const formatOk = countsOk && orderOk;
  const formatScore = formatOk ? (options.formatReward ?? 1) : -Math.abs(options.formatReward ?? 1);
  if (!formatOk || !answer)
    return {
      score: formatScore - 2,
      reason: formatOk ? 'no_answer' : countsOk ? 'format_tag_order' : 'format_tag_count',
    };

  const gold = logicRlGold(solutionTextFormat);
  const pred = logicRlAnswer(answer, [...gold.keys()]);
  if (!pred || pred.size === 0) return { score: formatScore - 2, reason: 'unparsed_answer' };
  return mapsEqual(pred, gold)
    ? { score: formatScore + 2, reason: 'correct' }
    : { score: formatScore - 1.5, reason: 'wrong_answer' };
}
