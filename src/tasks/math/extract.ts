// Finding the answer in free text, with math-verify's priorities. Patterns are grouped by priority
// (lower first); within a group every match of every pattern is collected, the rightmost match is
// tried first ("the last match wins"), and the first one that parses is the answer. A group with
// no parsable match hands over to the next.
//   0   "final answer is $…$. I hope" (the Minerva phrasing)
//   50  "final answer … is $…$", and \boxed{…} (inside $…$ or anywhere)
//   100 "answer: $…$" / "answer: … = 5"
//   200 "answer … $…$" / "answer … 5"
//   300 any LaTeX environment ($…$, $$…$$, \(…\), \[…\], " […] ", a bare \frac{a}{b}), any
//       plain expression with an operator, any number ("1,234.5", "12%", "$100")
// Up to five environments joined by "," / "and" / "or" form one answer (a set).
import { normalizeLatex } from './normalize.js';
import { ParseError, parseAnswer, scalar } from './parse.js';
import type { Value } from './value.js';

export interface Extraction {
  /** The parsed answer, or null when nothing parsed. */
  value: Value | null;
  /** The normalised text of the parsed match (null when nothing parsed). */
  text: string | null;
  /**
   * The normalised text of the first match tried (math-verify's string fallback: two answers whose
   * fallbacks are the same string are equal even when neither parses).
   */
  fallback: string | null;
}

/** Case-insensitive literal (JS has no inline `(?i:…)`). */
const ci = (s: string) => s.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);

const PCT = String.raw`(\\?%|[Pp]ercent|[Pp]ercentage|[Pp]ct)`;

interface EnvLayout {
  source: string;
  /** Capture groups per environment: content groups, then whether each is boxed-normalised. */
  groups: number;
}

/** One LaTeX environment; `boxed`: its content must contain \boxed{…}. Groups: 5 or 6 contents, then percent. */
function env(boxed: boolean): EnvLayout {
  const dd = String.raw`(?:[^$]|\$(?!\$))`;
  const db = String.raw`(?:[^\\]|\\(?!\]))`;
  const id = String.raw`(?:\\[$]|[^\n$])`;
  const ip = String.raw`(?:[^\\\n]|\\(?!\)))`;
  const ib = String.raw`[^\n\]\[]`;
  const body = (x: string) => (boxed ? String.raw`${x}*?\\boxed\{${x}+?\}${x}*?` : `${x}+?`);
  const alts = [
    String.raw`(?<!\\)\$\$(${body(dd)})(?<!\\)\$\$`,
    String.raw`(?<!\\)\\\[(${body(db)})(?<!\\)\\\]`,
    String.raw`(?<!\\|\d)\$(${body(id)})(?<!\\)\$`,
    String.raw`(?<!\\)\\\((${body(ip)})(?<!\\)\\\)`,
    String.raw`\s\[(${body(ib)})\]\s`,
  ];
  if (!boxed) alts.push(String.raw`(-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\})`);
  return { source: `(?:(?:${alts.join('|')})\\s*${PCT}?)`, groups: alts.length + 1 };
}

/** First environment plus up to five more joined by ",", "and", "or". */
function envList(boxed: boolean): EnvLayout {
  const e = env(boxed);
  const next = String.raw`(?:${boxed ? String.raw`\s*` : ''}(?:\s*(?:,?and|,?or|,)\s*${e.source}))?`;
  return { source: e.source + next.repeat(5), groups: e.groups * 6 };
}

type Kind = 'latex' | 'latex-boxed-last' | 'expr';
interface Pattern {
  re: RegExp;
  priority: number;
  kind: Kind;
  /** Index of the first environment group (latex) in the match array. */
  envStart: number;
  envGroups: number;
}

function latexPatterns(): Pattern[] {
  const list = envList(false);
  const mk = (prefix: string, suffix: string, priority: number): Pattern => ({
    re: new RegExp(prefix + list.source + suffix, 'gs'),
    priority,
    kind: 'latex',
    envStart: 1,
    envGroups: env(false).groups,
  });
  const boxedList = envList(true);
  return [
    mk(`${ci('final answer is')}:?\\s*`, String.raw`\.?\s?I hope`, 0),
    mk(`${ci('final answer')}.{0,100}?\\s+is:?\\s*`, '', 50),
    mk(`${ci('answer')}:.{0,50}?`, '', 100),
    mk(`${ci('answer')}.{0,50}?`, '', 200),
    mk('', '', 300),
    { re: new RegExp(boxedList.source, 'gs'), priority: 50, kind: 'latex', envStart: 1, envGroups: env(true).groups },
    { re: /(\\boxed\{.+\})/gs, priority: 50, kind: 'latex-boxed-last', envStart: 1, envGroups: 1 },
  ];
}

// Plain numbers and expressions (no LaTeX).
const NUMBER = String.raw`(?<!\d)(?:(-?[1-9]\d{0,2}(?:[ ,]\d{3})+)(\.\d+)?|(-?\d+)([.,]\d+)|(\.\d+)|(-?\d+))(\s*(?:%|[Pp]ercent|\s*[Pp]ercentage|\s*[Pp]ct))?`;
const OPS = String.raw`\+\-\*\×\/\^\(\)\÷`;
const EXPR_CHARS = String.raw`[\d\.\s${OPS}]`;
const EXPR = String.raw`(-?\(?-?\d${EXPR_CHARS}*[${OPS}]${EXPR_CHARS}+\)?)`;
const CURRENCY = '[$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₭₮₯₰₱₲₳₴₵₶₷₸₺₻₼₾₿]';
const PREFIX = String.raw`(?:^|\s|=)(?:\*\*)?`;
const SUFFIX = String.raw`(?:\*\*)?(?:\.|,|:|\s|\)|\$|$)`;
const EXPR_ANCHORED = `(?:${PREFIX}${EXPR}${SUFFIX})`;
const NUMBER_ANCHORED = `(?:${PREFIX}${CURRENCY}?${NUMBER})`;
const EXPR_OR_NUMBER = `(?:${EXPR_ANCHORED}|${NUMBER_ANCHORED})`;

function exprPatterns(): Pattern[] {
  const mk = (src: string, priority: number): Pattern => ({
    re: new RegExp(src, 'g'),
    priority,
    kind: 'expr',
    envStart: 1,
    envGroups: 0,
  });
  return [
    mk(`${ci('final answer is')}:?\\s*${EXPR_OR_NUMBER}\\.?\\s?I hope`, 0),
    mk(`${ci('final answer')}.{0,100}?\\s+is:?${EXPR_OR_NUMBER}`, 50),
    mk(`${ci('answer')}:(?:.{0,100}=\\s*|.{0,50}?)${EXPR_OR_NUMBER}(?!\\s*=)`, 100),
    mk(`${ci('answer')}(?:.{0,100}=\\s*|.{0,50}?)${EXPR_OR_NUMBER}(?!\\s*=)`, 200),
    mk(EXPR_ANCHORED, 300),
    // the empty group keeps the number groups where extractExpr expects them (after the expr group)
    mk(`()${NUMBER_ANCHORED}`, 300),
  ];
}

let patterns: Pattern[] | undefined;
function allPatterns(): Pattern[] {
  patterns ??= [...latexPatterns(), ...exprPatterns()];
  return patterns;
}

interface Attempt {
  value: Value | null;
  text: string;
}

function tryParse(latex: string): Value | null {
  try {
    return parseAnswer(latex);
  } catch (e) {
    if (e instanceof ParseError || e instanceof SyntaxError || e instanceof TypeError || e instanceof RangeError)
      return null;
    throw e;
  }
}

function asPercent(v: Value): Value {
  return v.t === 'expr' ? { ...v, pct: true } : v;
}

function extractLatex(m: RegExpExecArray, p: Pattern): Attempt {
  const values: (Value | null)[] = [];
  const texts: string[] = [];
  if (p.kind === 'latex-boxed-last') {
    const text = normalizeLatex(m[1]!, { boxed: 'last' });
    return { value: tryParse(text), text };
  }
  for (let k = 0; k < 6; k++) {
    const base = p.envStart + k * p.envGroups;
    let content: string | undefined;
    for (let g = 0; g < p.envGroups - 1; g++) content ??= m[base + g];
    if (content === undefined) continue;
    const percent = m[base + p.envGroups - 1] !== undefined;
    const text = normalizeLatex(content, { boxed: 'all' });
    texts.push(text);
    const v = tryParse(text);
    values.push(v && percent ? asPercent(v) : v);
  }
  if (values.length === 0) return { value: null, text: '' };
  if (values.length > 1 && values.every((v) => v !== null)) {
    const items = (values as Value[]).flatMap((v) => (v.t === 'set' ? v.items : [v]));
    return { value: { t: 'set', items }, text: texts.join(' and ') };
  }
  return { value: values[0] ?? null, text: texts[0]! };
}

function extractExpr(m: RegExpExecArray): Attempt {
  // groups: expr, then int1, dec1, int2, dec2, dec3, int3, percent (per EXPR_OR_NUMBER alternative)
  const groups = m.slice(1);
  const expr = groups[0];
  const integer = [groups[1], groups[3], groups[6]].find((x) => x) ?? '';
  const decimal = [groups[2], groups[4], groups[5]].find((x) => x) ?? '';
  const percent = groups[7] !== undefined;
  if (integer || decimal) {
    let digits = integer.replace(/[, ]/g, '');
    const neg = digits.startsWith('-');
    digits = digits.replace(/^-/, '').replace(/^0+/, '') || '0';
    const dec = decimal.replace(',', '.');
    const text = `${neg ? '-' : ''}${digits}${dec}`;
    try {
      const v = scalar(text);
      return { value: percent ? asPercent(v) : v, text };
    } catch {
      return { value: null, text };
    }
  }
  if (expr) {
    // Python reads "56." as the float 56.0; so do we
    const latex = expr
      .replace(/\n/g, ' ')
      .replace(/(\d)\.(?!\d)/g, '$1.0')
      .replace(/×/g, '\\times ')
      .replace(/÷/g, '\\div ')
      .replace(/\*\*/g, '^')
      .replace(/\*/g, '\\cdot ');
    const v = tryParse(latex);
    return { value: v && v.t === 'expr' ? { ...v, atom: undefined } : v, text: expr };
  }
  return { value: null, text: expr ?? '' };
}

/** math-verify's "any match" extraction: the best-priority, rightmost parsable answer in `text`. */
export function extractAnswer(text: string, targets?: readonly ('latex' | 'expr')[]): Extraction {
  const byPriority = new Map<number, { m: RegExpExecArray; p: Pattern }[]>();
  for (const p of allPatterns()) {
    // extraction targets (math-verify's extraction_config): LaTeX patterns, plain expressions, or both
    if (targets && !targets.includes(p.kind === 'expr' ? 'expr' : 'latex')) continue;
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      if (m[0].length === 0) p.re.lastIndex++;
      const list = byPriority.get(p.priority) ?? [];
      list.push({ m, p });
      byPriority.set(p.priority, list);
    }
  }
  let fallback: string | null = null;
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const matches = byPriority.get(priority)!;
    // rightmost end first; for equal ends the longer (earlier start) match first; otherwise pattern order
    const order = matches.map((x, i) => ({ ...x, i, start: x.m.index, end: x.m.index + x.m[0].length }));
    order.sort((a, b) => b.end - a.end || a.start - b.start || a.i - b.i);
    for (const { m, p } of order) {
      const attempt = p.kind === 'expr' ? extractExpr(m) : extractLatex(m, p);
      if (attempt.text && fallback === null) fallback = attempt.text;
      if (attempt.value) return { value: attempt.value, text: attempt.text, fallback };
    }
  }
  return { value: null, text: null, fallback };
}
