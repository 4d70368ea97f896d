// Normalised LaTeX → Value. The answer's structure (lists, sets, tuples, intervals, ±, ∪,
// relations, matrices) is read here; every scalar leaf goes to @cortex-js/compute-engine's LaTeX
// parser, each in its own scope so that one answer's symbols never change how the next is typed.
import { ComputeEngine } from '@cortex-js/compute-engine';
import { exactRational } from './numeric.js';
import type { Json, RelOp, Value } from './value.js';

let engine: ComputeEngine | undefined;
/** One engine per thread (construction costs ~100 ms the first time). */
export function computeEngine(): ComputeEngine {
  engine ??= new ComputeEngine();
  return engine;
}

export class ParseError extends Error {}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/** Splits at top-level occurrences of `sep` (a regex matched at each position), outside (), [], {}, \begin…\end. */
function splitTop(s: string, sep: RegExp): { parts: string[]; seps: string[] } {
  const parts: string[] = [];
  const seps: string[] = [];
  let depth = 0;
  let env = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      if (s.startsWith('\\begin{', i)) env++;
      else if (s.startsWith('\\end{', i)) env--;
      else if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        i++;
        continue;
      } else if (s[i + 1] !== undefined && /[,;:! ]/.test(s[i + 1]!)) {
        // a spacing command (`99\,\mathrm{kg}`, `5\;m`) is not a list separator
        i++;
        continue;
      }
    }
    if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c)) depth--;
    else if (depth === 0 && env === 0) {
      sep.lastIndex = i;
      const m = sep.exec(s);
      if (m && m.index === i) {
        parts.push(s.slice(last, i));
        seps.push(m[0]);
        last = i + m[0].length;
        i = last - 1;
      }
    }
  }
  parts.push(s.slice(last));
  return { parts, seps };
}

/** If `s` is wholly wrapped by one bracket pair, the pair and the inside. `\{…\}` counts as '{'. */
function wrapped(s: string): { open: string; close: string; inner: string } | null {
  let open: string;
  let start: number;
  if (s.startsWith('\\{')) [open, start] = ['{', 2];
  else if (s[0] === '(' || s[0] === '[') [open, start] = [s[0], 1];
  else return null;
  const endsBrace = s.endsWith('\\}');
  const close = endsBrace ? '}' : s[s.length - 1]!;
  const end = endsBrace ? s.length - 2 : s.length - 1;
  if (open === '{' ? close !== '}' : close !== ')' && close !== ']') return null;
  // the opening bracket must not close before the end
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
    } else if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c)) depth--;
    if (depth < 0) return null;
  }
  return depth === 0 ? { open, close, inner: s.slice(start, end) } : null;
}

const COMMA_NUMBER = /^\s*-?\d{1,3}(,\d{3})+(\.\d+)?\s*$/;
const REL =
  /\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|\\neq?(?![a-zA-Z])|\\lt(?![a-zA-Z])|\\gt(?![a-zA-Z])|\\approx|\\in(?![a-zA-Z])|≤|≥|≠|<=|>=|!=|<|>|=/y;
const REL_OPS: Record<string, RelOp | 'approx' | 'in'> = {
  '=': '=',
  '<': '<',
  '>': '>',
  '\\le': '<=',
  '\\leq': '<=',
  '≤': '<=',
  '<=': '<=',
  '\\ge': '>=',
  '\\geq': '>=',
  '≥': '>=',
  '>=': '>=',
  '\\ne': '!=',
  '\\neq': '!=',
  '≠': '!=',
  '!=': '!=',
  '\\lt': '<',
  '\\gt': '>',
  '\\approx': 'approx',
  '\\in': 'in',
};
const NAMED_SETS: Record<string, string> = {
  '\\mathbb{R}': 'Reals',
  '\\mathbb{Z}': 'Integers',
  '\\mathbb{N}': 'Naturals',
  '\\mathbb{Q}': 'Rationals',
  '\\mathbb{C}': 'Complexes',
  '\\emptyset': 'EmptySet',
  '\\varnothing': 'EmptySet',
  '\\{\\}': 'EmptySet',
  '\\text{R}': 'Reals',
};

/** Parses a normalised answer. Throws ParseError when it is not mathematics we can read. */
export function parseAnswer(latex: string, inBraces = false): Value {
  const s = latex.trim();
  if (!s) throw new ParseError('empty');
  // 1,234 is one number, but \{1,234\} is the set {1, 234} (as math-verify reads it)
  if (!inBraces && COMMA_NUMBER.test(s)) return scalar(s.replace(/,/g, ''));
  const items = splitTop(s, /[,;]/y).parts.map((p) => p.trim());
  if (items.some((p) => !p)) throw new ParseError('empty list element');
  const values = items.flatMap(parseElement);
  return values.length === 1 ? values[0]! : { t: 'set', items: values };
}

/** One list element; ± gives two. */
function parseElement(s: string): Value[] {
  const { parts, seps } = splitTop(s, REL);
  if (seps.length > 0)
    return [
      relation(
        parts.map((p) => p.trim()),
        seps,
      ),
    ];
  const pm = splitTop(s, /\\pm|\\mp|±/y);
  if (pm.seps.length === 1) {
    const [a, b] = pm.parts.map((p) => p.trim());
    if (!b) throw new ParseError('± without a right side');
    if (!a) return [negate(parseSetExpr(b)), parseSetExpr(b)];
    return [scalar(`${a}+${b}`), scalar(`${a}-(${b})`)];
  }
  return [parseSetExpr(s)];
}

function negate(v: Value): Value {
  if (v.t !== 'expr') throw new ParseError('± applied to a non-scalar');
  return { t: 'expr', json: ['Negate', v.json], pct: v.pct };
}

// Products and quotients of names only: picks the named side of `a ≈ b`. Narrower on purpose than
// compare.ts's onlySymbols, whose assignment test also counts powers such as f^{\prime} (latex2sympy's rule).
function symbolProduct(v: Value): boolean {
  if (v.t === 'word') return true;
  if (v.t !== 'expr') return false;
  const ok = (j: Json): boolean =>
    typeof j === 'string'
      ? !['Pi', 'ExponentialE', 'ImaginaryUnit'].includes(j)
      : Array.isArray(j) && ['Multiply', 'Divide'].includes(j[0] as string) && j.slice(1).every(ok);
  return ok(v.json);
}

function relation(operands: string[], seps: string[]): Value {
  if (operands.some((o) => !o)) throw new ParseError('relation with an empty side');
  const vals = operands.map((o) => parseSetExpr(o));
  const rels: Value[] = [];
  let approxValue: Value | null = null;
  for (let k = 0; k < seps.length; k++) {
    const op = REL_OPS[seps[k]!]!;
    const lhs = vals[k]!;
    const rhs = vals[k + 1]!;
    if (op === 'approx') {
      // a ≈ value: keep the exact side (math-verify: a symbol name takes the value, else the left side wins)
      approxValue = symbolProduct(lhs) ? rhs : lhs;
      continue;
    }
    rels.push({ t: 'rel', op: op === 'in' ? '=' : op, lhs, rhs });
  }
  if (rels.length === 0) return approxValue!;
  return rels.length === 1 ? rels[0]! : { t: 'and', rels };
}

/** Unions of set atoms, or a scalar. */
function parseSetExpr(s: string): Value {
  const u = splitTop(s, /\\cup|∪/y);
  if (u.seps.length > 0) {
    const parts = u.parts.map((p) => parseAtom(p.trim()));
    return { t: 'union', parts: parts.map((p) => (p.t === 'tuple' ? { t: 'set', items: p.items } : p)) };
  }
  if (splitTop(s, /\\cap|∩|\\setminus/y).seps.length > 0)
    throw new ParseError('set intersection/difference not supported');
  return parseAtom(s);
}

function parseAtom(s: string): Value {
  if (!s) throw new ParseError('empty');
  const named = NAMED_SETS[s.replace(/\s+/g, '')];
  if (named) return { t: 'named-set', name: named };
  const w = wrapped(s);
  if (w) {
    if (w.open === '{') {
      if (!w.inner.trim()) return { t: 'named-set', name: 'EmptySet' };
      const inner = parseAnswer(w.inner, true);
      return inner.t === 'set' ? inner : { t: 'set', items: [inner] };
    }
    const items = splitTop(w.inner, /,/y).parts.map((p) => p.trim());
    if (items.length >= 2) {
      if (items.some((p) => !p)) throw new ParseError('empty tuple element');
      const vals = items.flatMap(parseElement);
      if (vals.length === 2 && !(w.open === '[' && w.close === ']' && false)) {
        const lopen = w.open === '(';
        const ropen = w.close === ')';
        if (!isEmptyInterval(vals[0]!, vals[1]!, lopen, ropen))
          return { t: 'interval', lo: vals[0]!, hi: vals[1]!, lopen, ropen };
        return { t: 'tuple', items: vals };
      }
      if (w.open === '(' && w.close === ')') return { t: 'tuple', items: vals };
      throw new ParseError('bracketed list is neither a tuple nor an interval');
    }
    // (x) is x; it matters for a parenthesised matrix, \left(\begin{matrix}…\end{matrix}\right)
    if (w.open === '(' && w.close === ')' && /^\s*\\begin\{/.test(w.inner)) return parseSetExpr(w.inner.trim());
  }
  const mat = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (mat) return matrix(mat[2]!);
  return scalar(s);
}

/** An interval whose right end is left of its left end is read as a pair (as math-verify does). */
function isEmptyInterval(lo: Value, hi: Value, lopen: boolean, ropen: boolean): boolean {
  if (lo.t !== 'expr' || hi.t !== 'expr') return false;
  const a = numericValue(lo.json);
  const b = numericValue(hi.json);
  if (a === null || b === null) return false;
  return lopen && ropen ? b <= a : !lopen && !ropen ? b < a : false;
}

function numericValue(j: Json): number | null {
  if (typeof j === 'number') return j;
  if (j === 'PositiveInfinity') return Number.POSITIVE_INFINITY;
  if (j === 'NegativeInfinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(j) && j[0] === 'Negate') {
    const v = numericValue(j[1]!);
    return v === null ? null : -v;
  }
  if (Array.isArray(j) && j[0] === 'Rational' && typeof j[1] === 'number' && typeof j[2] === 'number')
    return j[1] / j[2];
  return null;
}

function matrix(body: string): Value {
  const rows = body
    .split(/\\\\/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0 && r !== '\\hline');
  if (rows.length === 0) throw new ParseError('empty matrix');
  const cells = rows.map((r) => r.split('&').map((c) => parseAnswer(c.trim())));
  if (cells.some((r) => r.length !== cells[0]!.length)) throw new ParseError('ragged matrix');
  return { t: 'matrix', rows: cells };
}

// ---- scalars ----------------------------------------------------------------------------------

// Degree marks as math-verify's lexer has them: a superscript `^\circ`, `^{\circ}`, `^\degree`,
// `^\circle`, `^°` (each also braced), written exactly so, dropped without converting to radians.
const DEGREES = /(?:\\[,;:]|\s)*\^(?:\{(?:\\circ(?:le)?|\\degree|°)\}|(?:\\circ(?:le)?|\\degree)(?![a-zA-Z])|°)/g;
// Any other degree mark (`321°`, `74\circ`, `^ \circ`) is a lexer error there: the answer does not parse
const STRAY_DEGREE = /°|\\circ(?![a-zA-Z])|\\circle|\\degree/;
const ACCENT =
  /\\(hat|widehat|dot|ddot|bar|vec|tilde|widetilde|check|breve|acute|grave|mathring)\s*\{\s*([A-Za-z])\s*\}/g;
// `a.b \times 10^{k}`: the compute engine's parser folds it into one exact number; math-verify keeps
// the product and sympy computes it in binary floating point. `{10}` keeps it a product.
const TIMES_TEN = /(\d)\s*(\\times|\\cdot)\s*10\s*\^/g;

/** Lower-cases symbol names (math-verify does), turns x_1 into one symbol, base subscripts into the number. */
function cleanJson(j: Json): Json {
  if (typeof j === 'string') {
    if (/^'.*'$/.test(j)) return j;
    return /^[A-Z][a-z]/.test(j) && KNOWN.has(j) ? j : j.toLowerCase();
  }
  if (!Array.isArray(j)) return j;
  const [h, ...a] = j;
  if (
    h === 'At' &&
    a.length === 2 &&
    typeof a[0] === 'string' &&
    (typeof a[1] === 'number' || typeof a[1] === 'string')
  )
    return `${String(a[0]).toLowerCase()}_${String(a[1]).toLowerCase()}`;
  if (h === 'Subscript' && a.length === 2 && typeof a[0] === 'number') return a[0];
  return [h as Json, ...a.map(cleanJson)];
}
const KNOWN = new Set([
  'Pi',
  'ExponentialE',
  'ImaginaryUnit',
  'Half',
  'PositiveInfinity',
  'NegativeInfinity',
  'ComplexInfinity',
  'NaN',
  'Nothing',
]);

function hasError(j: Json): boolean {
  if (typeof j === 'string') return j === 'Nothing';
  if (!Array.isArray(j)) return false;
  if (
    j[0] === 'Error' ||
    j[0] === 'Tuple' ||
    j[0] === 'Sequence' ||
    j[0] === 'List' ||
    (j[0] === 'Delimiter' && j.length > 2)
  )
    return true;
  return j.some((x, i) => i > 0 && hasError(x));
}

// Recently read scalars: a gold answer is read again for every completion graded against it (a
// GRPO group shares one), and the compute engine's parse is most of a check's cost. Values are
// never mutated after parsing, so they can be shared. An error is remembered as its message.
const SCALARS = new Map<string, Value | string>();
const SCALARS_MAX = 4096;

/** Reads one scalar with the compute engine. */
export function scalar(src: string): Value {
  const hit = SCALARS.get(src);
  if (hit !== undefined) {
    if (typeof hit === 'string') throw new ParseError(hit);
    return hit;
  }
  try {
    const v = readScalar(src);
    remember(src, v);
    return v;
  } catch (e) {
    if (e instanceof ParseError) remember(src, e.message);
    throw e;
  }
}

function remember(src: string, v: Value | string): void {
  // dropping the oldest entry keeps the cache bounded (Map iterates in insertion order)
  if (SCALARS.size >= SCALARS_MAX) SCALARS.delete(SCALARS.keys().next().value!);
  SCALARS.set(src, v);
}

function readScalar(src: string): Value {
  let s = src
    .trim()
    .replace(DEGREES, '')
    // a thin space left behind by a removed unit (99\,\mathrm{kg} → 99\,)
    .replace(/(?:\\[,;:]|\s)+$/, '')
    // \prime is a symbol named "prime", as latex2sympy reads it: f^{\prime}(x) is f(x)^prime
    .replace(/\^\s*\\prime(?![a-zA-Z])/g, '^{\\prime}')
    .replace(/\\prime(?![a-zA-Z])/g, '\\operatorname{prime}')
    .replace(TIMES_TEN, '$1$2{10}^')
    .trim();
  if (STRAY_DEGREE.test(s)) throw new ParseError('a degree mark that is not a superscript');
  // `~` (a LaTeX non-breaking space) is no token of math-verify's lexer either: 408~\text{kg} does not parse
  if (/(?<!\\)~/.test(s)) throw new ParseError('a ~ in the answer');
  let pct = false;
  if (/\\?%$/.test(s)) {
    pct = true;
    s = s.replace(/\\?%$/, '').trim();
  }
  // a word: \text{Navin}, \text{(C)}
  const text = /^\\(?:text|mbox|textbf|mathrm)\{([^{}]*)\}$/.exec(s);
  if (text) {
    const name = text[1]!.replace(/[\s()]/g, '').toLowerCase();
    if (!name) throw new ParseError('empty text');
    if (!/^-?\d+(\.\d+)?$/.test(name)) return { t: 'word', name };
    s = name;
  }
  // base subscripts (2516_8) keep the digits, as math-verify reads them
  s = s.replace(/(?<![A-Za-z\\\d])(\d+)_\{?\d+\}?/g, '$1');
  // letters side by side: a word ("Navin", "east") that is also a product of symbols
  if (/^[A-Za-z]{2,}$/.test(s) && !pct) return { t: 'word', name: s.toLowerCase(), product: true };
  // an accented letter (\hat{f}, \dot{x}, \bar{y}) is one symbol, as latex2sympy reads it
  s = s.replace(ACCENT, '\\operatorname{$1$2}');
  // \text{…} inside an expression is a symbol named by its letters
  s = s.replace(/\\(?:text|mbox)\{([^{}]*)\}/g, (_, t: string) => {
    const letters = t.replace(/[^A-Za-z]/g, '');
    return letters ? `\\operatorname{${letters}}` : '';
  });
  // binomial coefficients: the compute engine knows Choose(n, k), not \binom
  s = s.replace(/\\[dt]?binom\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '\\operatorname{Choose}($1,$2)');
  // mixed numbers: 2\frac{1}{2} = 2 + 1/2
  s = s.replace(/(^|[^\d.^_])(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}/g, '$1($2+\\frac{$3}{$4})');
  // numbers side by side are added, as latex2sympy adds a mixed number's parts: `5 703 689` and
  // `1\,234` are sums, not thousands separators (math-verify: 1397 and 235)
  s = s.replace(/(\d)(?:\s|\\[,;: ])+(?=\d)/g, '$1+');
  // `2.5e3` in LaTeX is 2.5·e·3 (Euler's e), as math-verify reads it
  s = s.replace(/(\d)e(?=[+-]?\d)/g, '$1\\cdot e\\cdot ').replace(/\\cdot ([+-])/g, '$1');
  if (!s) throw new ParseError('empty');
  const ce = computeEngine();
  ce.pushScope();
  let json: Json;
  try {
    json = ce.parse(s).json as Json;
  } finally {
    ce.popScope();
  }
  if (hasError(json)) throw new ParseError(`compute-engine could not read ${JSON.stringify(s)}`);
  json = cleanJson(json);
  if (typeof json === 'string' && !KNOWN.has(json) && !pct) return { t: 'word', name: json };
  // a negative percentage is -(n%), not a percent literal: math-verify's number rules skip it
  return { t: 'expr', json, pct, atom: pct && s.startsWith('-') ? undefined : atomKind(s, json) };
}

/** Which number literal a scalar is, if it is one (decides the number rules in compare.ts). */
function atomKind(src: string, json: Json): 'int' | 'float' | 'rational' | undefined {
  const t = src.replace(/\s+/g, '');
  if (/^-?\d+$/.test(t)) return 'int';
  if (/^-?(\d+\.\d*|\.\d+)$/.test(t)) return 'float';
  if (/^-?\\frac\{-?\d+\}\{-?\d+\}$/.test(t) || /^-?\d+\/\d+$/.test(t)) {
    const r = exactRational(json);
    return r && r.d === 1n ? 'int' : 'rational';
  }
  return undefined;
}
