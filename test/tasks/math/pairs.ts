// (gold, prediction) pairs for the differential test against math-verify: MATH-500's answers and
// systematic rewrites of them. Equivalent rewrites (boxed/unboxed, \dfrac, spacing, decimals,
// percentages, thousands separators, units, degrees, \left/\right, reordered sets) and near-misses
// (off by one, sign, wrong unit scale, perturbed fractions, swapped tuples, another problem's
// answer). Deterministic: the same data gives the same pairs, ids included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../../src/paths.js';

export interface Pair {
  id: string;
  gold: string;
  pred: string;
  /** Which rewrite made it; `eq:` ones were meant equivalent, `ne:` ones not (math-verify decides). */
  kind: string;
}

interface Row {
  answer: string;
  solution: string;
}

function math500Rows(): Row[] {
  const text = readFileSync(join(sharedDataDir(), 'math500', 'test.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
}

export function math500Answers(): string[] {
  return math500Rows().map((r) => r.answer);
}

const INT = /^-?\d+$/;
const DEC = /^-?\d*\.\d+$/;
const FRAC = /^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$/;

/** Top-level comma split (outside (), [], {}). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Removes spaces that separate anything but two letters (so `\cot x` keeps its space). */
function tighten(s: string): string {
  return s.replace(/ +/g, (m, off: number) => {
    const a = s[off - 1] ?? '';
    const b = s[off + m.length] ?? '';
    return /[A-Za-z]/.test(a) && /[A-Za-z]/.test(b) ? ' ' : '';
  });
}

function loosen(s: string): string {
  return s.replace(/,(?! )/g, ', ').replace(/([^\s\\^_{])([+=<>])(?! )/g, '$1 $2 ');
}

function decimalOf(p: bigint, q: bigint, places: number): string {
  const neg = p < 0n;
  const a = neg ? -p : p;
  const whole = a / q;
  let rem = a % q;
  let digits = '';
  for (let i = 0; i < places; i++) {
    rem *= 10n;
    digits += (rem / q).toString();
    rem %= q;
  }
  digits = digits.replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${digits ? `.${digits}` : ''}`;
}

function thousands(n: string): string {
  const neg = n.startsWith('-');
  const d = neg ? n.slice(1) : n;
  return (neg ? '-' : '') + d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function buildPairs(rows: readonly Row[] = math500Rows()): Pair[] {
  const answers = rows.map((r) => r.answer);
  const pairs: Pair[] = [];
  const add = (i: number, kind: string, gold: string, pred: string) => {
    pairs.push({ id: `${i}:${kind}`, gold, pred, kind });
  };
  answers.forEach((a, i) => {
    const t = a.trim();
    // --- equivalent forms ---
    add(i, 'eq:boxed', t, `So the answer is $\\boxed{${t}}$.`);
    add(i, 'eq:final-answer', t, `The final answer is $${t}$. I hope it is correct.`);
    // the whole reference solution, parsed as a model output (the paper's evaluation reads the whole text)
    add(i, 'eq:solution', t, rows[i]!.solution);
    // a completion in the paper's format, with distracting numbers in the reasoning
    add(
      i,
      'eq:think-answer',
      t,
      ` First, 2+3=5 and $x=7$. Checking again gives 12. </think> <answer> The answer is $\\boxed{${t}}$ </answer>`,
    );
    if (t.includes('\\frac')) add(i, 'eq:dfrac', t, `\\boxed{${t.replaceAll('\\frac', '\\dfrac')}}`);
    if (tighten(t) !== t) add(i, 'eq:tight', t, `\\boxed{${tighten(t)}}`);
    else if (loosen(t) !== t) add(i, 'eq:loose', t, `\\boxed{${loosen(t)}}`);
    if (t.includes('\\left') || t.includes('\\right'))
      add(i, 'eq:no-left-right', t, `\\boxed{${t.replace(/\\left|\\right/g, '')}}`);
    else if (/^\(.*\)$/.test(t)) add(i, 'eq:left-right', t, `\\boxed{\\left${t.slice(0, -1)}\\right)}`);

    if (INT.test(t)) {
      const n = BigInt(t);
      add(i, 'eq:plain-text', t, `After simplifying, we get ${t}.`);
      add(i, 'eq:decimal-zero', t, `\\boxed{${t}.0}`);
      if (n >= 1000n || n <= -1000n) add(i, 'eq:thousands', t, `The total is $${thousands(t)}$.`);
      add(i, 'eq:units', t, `\\boxed{${t} \\text{ cm}}`);
      add(i, 'eq:degrees', t, `\\boxed{${t}^\\circ}`);
      add(i, 'ne:off-by-one-up', t, `\\boxed{${n + 1n}}`);
      add(i, 'ne:off-by-one-down', t, `The answer is ${n - 1n}.`);
      if (n !== 0n) add(i, 'ne:sign', t, `\\boxed{${-n}}`);
      if (n !== 0n) add(i, 'ne:unit-scale', t, `\\boxed{${n * 1000n}}`);
      if (n !== 0n) add(i, 'ne:percent-scale', t, `\\boxed{${decimalOf(n, 100n, 8)}}`);
      if (n !== 0n) add(i, 'eq:percent-of-integer', t, `\\boxed{${t}\\%}`);
      if (n > 0n && n < 100n) add(i, 'ne:unit-scale-cm', `${t}\\text{ m}`, `\\boxed{${n * 100n}\\text{ cm}}`);
    } else if (DEC.test(t)) {
      const neg = t.startsWith('-');
      const body = neg ? t.slice(1) : t;
      const [w, f = ''] = body.split('.');
      const q = 10n ** BigInt(f.length);
      const p = BigInt((w || '0') + f) * (neg ? -1n : 1n);
      add(i, 'eq:fraction', t, `\\boxed{\\frac{${p}}{${q}}}`);
      add(i, 'eq:leading-zero', t, `\\boxed{${body.startsWith('.') ? `0${body}` : t}}`);
      add(i, 'eq:percent', t, `\\boxed{${decimalOf(p * 100n, q, 12)}\\%}`);
      add(i, 'eq:scientific', t, `\\boxed{${decimalOf(p * 1000n, q, 12)} \\times 10^{-3}}`);
      add(i, 'ne:sign', t, `\\boxed{${neg ? body : `-${body}`}}`);
      add(i, 'ne:unit-scale', t, `\\boxed{${decimalOf(p * 10n, q, 12)}}`);
    } else {
      const m = FRAC.exec(t);
      if (m) {
        const sign = m[1] === '-' ? -1n : 1n;
        const p = BigInt(m[2]!) * sign;
        const q = BigInt(m[3]!);
        add(i, 'eq:decimal', t, `\\boxed{${decimalOf(p, q, 10)}}`);
        add(i, 'eq:slash', t, `The answer is ${p}/${q}.`);
        add(i, 'ne:numerator-plus-one', t, `\\boxed{\\frac{${p + 1n}}{${q}}}`);
        add(i, 'ne:sign', t, `\\boxed{\\frac{${-p}}{${q}}}`);
        add(i, 'ne:decimal-2-places', t, `\\boxed{${decimalOf(p, q, 2)}}`);
        add(i, 'eq:percent', t, `The probability is $${decimalOf(p * 100n, q, 10)}\\%$.`);
        add(
          i,
          'eq:frac-shorthand',
          t,
          p > 0n && p < 10n && q < 10n ? `\\boxed{\\frac${p}${q}}` : `\\boxed{\\tfrac{${p}}{${q}}}`,
        );
      } else {
        // symbolic answers: sign flip and a perturbation
        if (!/\\text|\\mbox|\\begin|[=<>]|\\in|,/.test(t)) {
          add(i, 'ne:sign', t, `\\boxed{-(${t})}`);
          add(i, 'ne:plus-one', t, `\\boxed{${t}+1}`);
          add(i, 'eq:times-one', t, `\\boxed{1\\cdot(${t})}`);
        }
        const tuple = /^(\\left)?\((.*?)(\\right)?\)$/.exec(t);
        const set = /^\\\{(.*)\\\}$/.exec(t);
        if (tuple && !t.includes('\\cup')) {
          const items = splitTop(tuple[2]!);
          if (items.length === 2 && items[0]!.trim() !== items[1]!.trim())
            add(i, 'ne:swapped-tuple', t, `\\boxed{(${items[1]!.trim()}, ${items[0]!.trim()})}`);
        }
        if (set) {
          const items = splitTop(set[1]!);
          if (items.length >= 2) add(i, 'eq:reordered-set', t, `\\boxed{\\{${[...items].reverse().join(',')}\\}}`);
        }
        if (!tuple && !set && splitTop(t).length >= 2) {
          const items = splitTop(t);
          add(
            i,
            'eq:reordered-list',
            t,
            `\\boxed{${[...items]
              .reverse()
              .map((s) => s.trim())
              .join(', ')}}`,
          );
        }
      }
    }
    // another problem's answer (equal only when the two answers really are equal)
    add(i, 'ne:other-answer', t, `\\boxed{${answers[(i + 137) % answers.length]!.trim()}}`);
  });
  // model-style outputs: lists in prose, units in words, matrices in \left(…\right), binomials, ∞, …
  MODEL_STYLE.forEach(([gold, pred], k) => {
    add(2000 + k, 'mix:model-style', gold, pred);
  });
  // expanded vs factored polynomials, and near-misses of them
  const vars = ['x', 'y', 'n', 't'];
  let k = 0;
  for (let a = -3; a <= 3; a++) {
    for (let b = a; b <= 4; b += 2) {
      const v = vars[k++ % vars.length]!;
      const s = a + b;
      const p = a * b;
      const lin = (c: number) => (c === 0 ? '' : c > 0 ? `+${c}` : `${c}`);
      const factored = `(${v}${lin(a)})(${v}${lin(b)})`;
      const expanded = `${v}^2${s === 0 ? '' : `${lin(s)}${v}`.replace(/^\+1(?=[a-z])/, '+').replace(/^-1(?=[a-z])/, '-')}${lin(p)}`;
      add(1000 + k, 'eq:factored', expanded, `\\boxed{${factored}}`);
      add(1000 + k, 'eq:expanded', factored, `\\boxed{${expanded}}`);
      add(1000 + k, 'ne:wrong-constant', expanded, `\\boxed{(${v}${lin(a)})(${v}${lin(b + 1)})}`);
    }
  }
  return pairs;
}

const MODEL_STYLE: [string, string][] = [
  ['\\frac{1}{2}', 'The probability is $\\frac{1}{2}$, i.e. 50\\%.'],
  ['6', 'There are $6$ ways. So the answer is $\\boxed{6}$ ways.'],
  ['\\frac{3}{4}', 'Answer: 3/4'],
  ['2', '$$x = 2$$'],
  ['-2', 'Thus $x = -2$ or $x = 3$, but only $x=-2$ works.'],
  ['3', '\\[ \\boxed{3} \\]'],
  ['(1,2)', 'The point is $(1, 2)$.'],
  ['\\frac{\\pi}{4}', '\\boxed{45^\\circ}'],
  ['10', '\\boxed{10\\text{ dollars}}'],
  ['\\sqrt{3}', '\\boxed{3^{1/2}}'],
  ['\\sqrt{3}', '\\boxed{3^{\\frac{1}{2}}}'],
  ['e^2', '\\boxed{e^{2}}'],
  ['2\\pi', '\\boxed{2 \\pi}'],
  ['\\infty', 'diverges, \\boxed{\\infty}'],
  ['x^2-1', '\\boxed{(x-1)(x+1)}'],
  ['\\frac{x+1}{x-1}', '\\boxed{\\frac{x-1+2}{x-1}}'],
  ['4', 'We find $n=4$. \\boxed{n=4}'],
  ['(-\\infty,1]', '\\boxed{(-\\infty, 1]}'],
  ['[2,\\infty)', '\\boxed{x \\geq 2}'],
  ['\\text{even}', '\\boxed{\\text{even}}'],
  ['\\text{even}', '\\boxed{even}'],
  ['\\text{odd}', '\\boxed{\\text{even}}'],
  ['1,3', '\\boxed{1}, \\boxed{3}'],
  ['1,3', 'The solutions are $1$ and $3$.'],
  ['12', '$12.$'],
  ['0.5', '\\boxed{\\frac12}'],
  ['100', '\\boxed{1\\,000}'],
  ['1000', '\\boxed{1\\,000}'],
  ['1000', '\\boxed{1{,}000}'],
  ['\\frac{1}{6}', '\\boxed{0.1\\overline{6}}'],
  ['-\\frac{1}{2}', '\\boxed{-0.5}'],
  ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '\\boxed{\\left(\\begin{matrix} 1 \\\\ 2 \\end{matrix}\\right)}'],
  ['\\dfrac{5}{2}', 'So we have 5/2 = 2.5'],
  ['5', 'First 3, then 4, finally 5'],
  ['\\$18.90', '\\boxed{\\$18.90}'],
  ['18.90', '\\boxed{18.9}'],
  ['3', '<answer>3</answer>'],
  ['2', 'The answer is two.'],
  ['f(x)=2x', '\\boxed{2x}'],
  ['\\log_2 3', '\\boxed{\\frac{\\ln 3}{\\ln 2}}'],
  ['\\binom{5}{2}', '\\boxed{10}'],
  ['5!', '\\boxed{120}'],
  ['\\tan x', '\\boxed{\\frac{\\sin x}{\\cos x}}'],
  ['a=2, b=3', '\\boxed{a=2,b=3}'],
  ['a=2, b=3', '\\boxed{2, 3}'],
  ['y = -x + 3', '\\boxed{x + y = 3}'],
  ['\\{-2, 1\\}', '$x \\in \\{-2, 1\\}$'],
  ['x \\in (-\\infty, 0)', '\\boxed{x<0}'],
];
