// LaTeX normalisation before parsing, in the order math-verify applies it (its documented
// groups: boxed → basic LaTeX → units → nits → malformed operators). Each step is a plain string
// rewrite; the parser never sees \left, \dfrac, \text{ cm}, \$ or `\frac12`.
import { boxedContents } from './boxed.js';

export interface NormalizeOptions {
  /** Take the content of \boxed{}: 'all' boxes joined by ',', the 'last' box group, or 'none'. */
  boxed?: 'all' | 'last' | 'none';
  /** Strip trailing units (\text{ cm}, "inches", ...). Default true. */
  units?: boolean;
}

const OPEN_DELIMS = String.raw`\\\{|\{|\\\||\||\[|\(|\\lgroup|\\lbrace|\\lbrack|\\vert|\\lvert|\\lceil|\\lfloor|\\langle`;
const CLOSE_DELIMS = String.raw`\\\}|\}|\\\||\||\]|\)|\\rgroup|\\rbrace|\\rbrack|\\vert|\\rvert|\\rceil|\\rfloor|\\rangle`;
const LEFT = new RegExp(String.raw`\\m?left(${OPEN_DELIMS})`, 'g');
const RIGHT = new RegExp(String.raw`\\m?right(${CLOSE_DELIMS})`, 'g');

// Commands and characters that carry no mathematical meaning for grading.
const REMOVE = /\\mathrm\{th\}|\\!\s*|\\text\s*\{\s*\}|\\\$|\$|(?<!\\)["']|\\displaystyle/g;

// Single-pass replacements (one alternation so an earlier rewrite is never rewritten again).
const REPLACEMENTS: [RegExp, string][] = [
  [/\\math(?:rm|it|bf)/, '\\text'],
  [/\\text(?:normal|bf|it|rm)/, '\\text'],
  [/\\[dtc]frac/, '\\frac'],
  [/\s\./, ' 0.'],
  [/\{\./, '{0.'],
  [/~=/, '\\approx'],
  [/\s*\{\s*,\s*\}/, ','],
  [/(?<![a-zA-Z])(?:,?\s*(?:and|or))(?![a-zA-Z])/, ','],
  [/,?\s*\\text\{\s*(?:and|or)\s*\}/, ','],
  [/(?<!\\)\\\s/, ' '],
  [/infinity/, '\\infty'],
  [/,?\\ldots/, ' '],
  [/\s*\bpercentage\b/, '\\%'],
  [/\\text\{percentage\}/, '%'],
  [/\s*\bpercent\b/, '\\%'],
  [/\\text\{percent\}/, '%'],
  [/\s*\bpct\b/, '\\%'],
  [/\\text\{pct\}/, '%'],
  [/(?<!\\)inf(?!inity)/, '\\infty'],
  [/ sqrt/, '\\sqrt'],
];
const REPLACE_ALL = new RegExp(REPLACEMENTS.map(([r]) => `(${r.source})`).join('|'), 'g');

function replaceOnce(text: string): string {
  return text.replace(REPLACE_ALL, (...args: unknown[]) => {
    for (let k = 0; k < REPLACEMENTS.length; k++) if (args[k + 1] !== undefined) return REPLACEMENTS[k]![1];
    return String(args[0]);
  });
}

// Unit words removed from the end of an answer ("12 inches", "5 cm", "3 hours"), with plural s/es.
const UNIT_WORDS = [
  'integerpoint',
  'feet',
  'digit',
  'pound',
  'meal',
  'edge',
  'student',
  'children ticket',
  'multiple',
  'east',
  'degree',
  'mph',
  'kmph',
  'ft',
  'm square',
  ' m east',
  'sq m',
  'deg',
  'mile',
  'monkey',
  'prime',
  'ratio',
  'rd',
  'gm',
  'lb',
  'tile',
  'per',
  'dm',
  'lt',
  'gain',
  'way',
  'west',
  't',
  'h',
  'no change',
  'men',
  'soldier',
  'pie',
  'excess',
  'st',
  'inches',
  'noon',
  'cent',
  'by',
  'gal',
  'kmh',
  'c',
  'acre',
  'rise',
  'th',
  'sq',
  'mark',
  'l',
  'toy',
  'coin',
  'sq . m',
  'gallon',
  '° f',
  'profit',
  'yr',
  'women',
  'am',
  'pm',
  'hr',
  'cu cm',
  'square',
  'rupee',
  'rounds',
  'cubic',
  'cc',
  'mtr',
  's',
  'ohm',
  'number',
  'day',
  'hour',
  'minute',
  'min',
  'second',
  'man',
  'woman',
  'sec',
  'cube',
  'mt',
  'sq inch',
  'mp',
  'hectare',
  'more',
  'unit',
  'cu . m',
  'cm 2',
  'rs .',
  'rs',
  'kg',
  'g',
  'month',
  'km',
  'm',
  'cm',
  'mm',
  'apple',
  'liter',
  'loss',
  'yard',
  'pure',
  'year',
  'increase',
  'decrease',
  'd',
  'less',
  'Surface',
  'litre',
  'pi sq m',
  's .',
  'metre',
  'meter',
  'inch',
  'o',
  'ab',
  'bc',
  'a .',
  'b .',
  'c .',
  'd .',
  'e .',
  'f .',
  'g .',
  'h .',
  'q .',
  'p . m',
  'a . m',
  'sue',
  'profit of rs',
  'minw',
  'π r 2',
  '∏ cm ³',
  'v â € ™',
  'are',
];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const UNITS = new RegExp(String.raw`(\d|\}|\s)\s*(?:${UNIT_WORDS.map(esc).join('|')})(?:s|es)?\s*$`);
const TRAILING_TEXT = /(\\(?:text|mbox)\{.*?\})(\^\d|\{\^\d\})?$/;

function stripUnits(text: string): string {
  const t = text.replace(TRAILING_TEXT, '').trim();
  if (t !== '' && t !== text) text = t;
  for (let k = 0; k < 2; k++) {
    const u = text.replace(UNITS, '$1');
    if (u !== '' && u !== text) text = u;
  }
  return text;
}

/** `\frac12` → `\frac{1}{2}`, `\frac1{b}` → `\frac{1}{b}`, `\frac{a}2` kept for the malformed step. */
export function fixFracs(text: string): string {
  const parts = text.split('\\frac');
  let out = parts[0]!;
  for (let raw of parts.slice(1)) {
    raw = raw.trimStart();
    out += '\\frac';
    if (raw.startsWith('{')) out += raw;
    else if (raw.length < 2) return text;
    else if (raw[1] !== '{') out += `{${raw[0]}}{${raw[1]}}${raw.slice(2)}`;
    else out += `{${raw[0]}}${raw.slice(1)}`;
  }
  return out;
}

/** `\sqrt3` → `\sqrt{3}`. */
export function fixSqrt(text: string): string {
  if (!text.includes('\\sqrt')) return text;
  const parts = text.split('\\sqrt');
  let out = parts[0]!;
  for (let raw of parts.slice(1)) {
    raw = raw.trimStart();
    out += raw.length > 0 && raw[0] !== '{' && raw[0] !== '[' ? `\\sqrt{${raw[0]}}${raw.slice(1)}` : `\\sqrt${raw}`;
  }
  return out;
}

/** A whole-string `a/b` of integers → `\frac{a}{b}`. */
function fixSlash(text: string): string {
  const m = /^(-?\d+)\/(-?\d+)$/.exec(text);
  if (!m || String(Number(m[1])) !== m[1] || String(Number(m[2])) !== m[2]) return text;
  return `\\frac{${m[1]}}{${m[2]}}`;
}

function fixMalformed(text: string): string {
  return text
    .replace(/\^\s?\((.*?)\)/g, '^{$1}')
    .replace(/sqrt\s?\((.*?)\)/g, '\\sqrt{$1}')
    .replace(/\\frac\s?(\d)\s?(\d+)/g, '\\frac{$1}{$2}')
    .replace(/\\log_\s?(\d)\s?(\d+)/g, '\\log_{$1}{$2}')
    .replace(/\\frac\s?\{(.*?)\}\s?(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s?(\d)\s?\{(.*?)\}/g, '\\frac{$1}{$2}')
    .replace(/\\sqrt\s?(\d)/g, '\\sqrt{$1}')
    .replaceAll(' sqrt', '\\sqrt');
}

/** Normalises one extracted LaTeX answer. */
export function normalizeLatex(text: string, options: NormalizeOptions = {}): string {
  const boxed = options.boxed ?? 'all';
  if (boxed !== 'none') text = boxedContents(text, boxed);

  // basic LaTeX
  text = text
    .replaceAll('\\mathrm{T}', 'T')
    .replaceAll('\\mathrm{d}', 'd')
    .replaceAll('{\\rm d}', 'd')
    .replaceAll('\\left[\\begin{matrix}', '\\begin{bmatrix}')
    .replaceAll('\\end{matrix}\\right]', '\\end{bmatrix}')
    .replace(LEFT, '$1')
    .replace(RIGHT, '$1')
    // falling factorial (n)_{k} → n!/(n-k)!
    .replace(/\(([a-zA-Z0-9+\-*/\\ ]+?)\)_\{([a-zA-Z0-9+\-*/\\ ]+?)\}/g, '\\frac{($1)!}{(($1)-($2))!}')
    .replace(REMOVE, '');
  text = replaceOnce(text).replace(/[\n\t]/g, ' ');
  if (!text.includes('matrix')) text = text.replace(/\\\\(?=[a-zA-Z])/g, '\\');

  if (options.units ?? true) text = stripUnits(text);

  // nits
  if (text.startsWith('.')) text = `0${text}`;
  if (text === '0.5') text = '\\frac{1}{2}';

  // malformed operators
  text = fixFracs(fixSqrt(fixMalformed(text)));
  text = fixSlash(text);
  return text.trim();
}
