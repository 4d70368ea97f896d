// The hard differential corpus (issue 24): MATH-500's real solutions and answers, plus answers
// rewritten into the notations people and models write (\fbox, "Final answer:", units, thousands
// separators, mixed numbers, scientific notation, intervals, matrices, relations, primes, other
// languages …), each in a correct and a wrong version. Deterministic (seeded), generated here;
// the verdicts come from the live math-verify in the test (never stored). `kind` says what the
// rewrite meant (`eq:`/`ne:`); math-verify's verdict is the label.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../../src/paths.js';
import { mulberry32 } from '../../../src/util/random.js';

/** Knobs passed to both judges (math-verify's names). */
export interface PairOptions {
  float_rounding?: number;
  strict?: boolean;
  allow_set_relation_comp?: boolean;
  /** What parse() extracts from the prediction: LaTeX, plain expressions, or both (the default). */
  extraction?: ('latex' | 'expr')[];
}

export interface HardPair {
  id: string;
  category: string;
  kind: string;
  gold: string;
  pred: string;
  options?: PairOptions;
}

export const HARD_CATEGORIES = [
  'boxed-variants',
  'long-solution',
  'units',
  'thousands',
  'fractions',
  'mixed-numbers',
  'percent',
  'scientific',
  'intervals',
  'sets-tuples',
  'matrices',
  'relations',
  'multiple-answers',
  'degrees',
  'pi-forms',
  'derivatives',
  'text',
  'languages',
  'knobs',
] as const;

interface Row {
  answer: string;
  solution: string;
}

function rows(): Row[] {
  return readFileSync(join(sharedDataDir(), 'math500', 'test.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : Math.abs(a));

// How a model wraps its final answer: bare box, a reasoning trace with distracting numbers, a
// <think> block with a "Final Answer" heading, prose.
const WRAPS: ((x: string) => string)[] = [
  (x) => `\\boxed{${x}}`,
  (x) =>
    `Let me work through this. First, $2 + 3 = 5$, and substituting $y = 7$ gives 12.\n\nTherefore, the final answer is $\\boxed{${x}}$.`,
  (x) => `<think>\nTry n = 4 first; it fails, so check 6 and 9.\n</think>\n\n**Final Answer**\n\\[\n\\boxed{${x}}\n\\]`,
  (x) => `So the answer is $${x}$.`,
  (x) => `The final answer is $${x}$. I hope it is correct.`,
];

export function buildHardPairs(): HardPair[] {
  const data = rows();
  const answers = data.map((r) => r.answer.trim());
  const rnd = mulberry32(24);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pairs: HardPair[] = [];
  const counts = new Map<string, number>();
  const add = (category: string, kind: string, gold: string, pred: string, options?: PairOptions) => {
    const n = counts.get(category) ?? 0;
    counts.set(category, n + 1);
    pairs.push({ id: `${category}:${n}:${kind}`, category, kind, gold, pred, ...(options ? { options } : {}) });
  };
  const wrap = (x: string) => pick(WRAPS)(x);
  const ints = answers.filter((a) => /^-?\d+$/.test(a));
  const fracs = answers.filter((a) => /^-?\\[dt]?frac\{\d+\}\{\d+\}$/.test(a));

  // 1. \boxed vs \fbox vs "final answer:"
  for (let k = 0; k < 40; k++) {
    const t = pick([...ints, ...fracs]);
    const o = pick(answers.filter((a) => a !== t));
    add('boxed-variants', 'eq:fbox', t, `So we get $\\fbox{${t}}$.`);
    add('boxed-variants', 'eq:final-answer-colon', t, `Final answer: ${t}`);
    add('boxed-variants', 'eq:final-answer-dollar', t, `**Final Answer:** $${t}$`);
    add('boxed-variants', 'eq:boxed-space', t, `The result is $\\boxed {${t}}$.`);
    add('boxed-variants', 'eq:nested-box', t, `\\boxed{\\boxed{${t}}}`);
    add('boxed-variants', 'ne:fbox', t, `\\fbox{${o}}`);
    add('boxed-variants', 'ne:final-answer-colon', t, `Final answer: ${o}`);
    add('boxed-variants', 'ne:last-box-wins', t, `First guess $\\boxed{${t}}$; on checking, it is $\\boxed{${o}}$.`);
  }

  // 2. real outputs: MATH-500 solutions, with the final box replaced by another answer
  data.forEach((r, i) => {
    if (i % 2) return;
    add('long-solution', 'eq:solution', answers[i]!, r.solution);
    const other = answers[(i + 211) % answers.length]!;
    const at = r.solution.lastIndexOf('\\boxed{');
    if (at >= 0)
      add('long-solution', 'ne:solution-other-box', answers[i]!, `${r.solution.slice(0, at)}\\boxed{${other}}.`);
    add(
      'long-solution',
      'eq:think-then-answer',
      answers[i]!,
      `<think>\n${r.solution.replace(/\\boxed\{/g, '{')}\n</think>\nFinal answer: $\\boxed{${answers[i]}}$`,
    );
  });

  // 3. units and \text{}
  const UNITS = [
    '\\text{ cm}',
    '\\text{ meters}',
    '\\ \\text{cm}^2',
    '\\mbox{ inches}',
    ' \\text{ square units}',
    '\\text{ dollars}',
    ' degrees',
    '\\,\\mathrm{kg}',
    ' hours',
    '\\text{ km/h}',
    '\\;\\mathrm{kg}',
    '\\:\\text{km}',
    '\\,\\text{m}^2',
    '~\\text{kg}',
  ];
  for (let k = 0; k < 120; k++) {
    const n = int(2, 999);
    const u = pick(UNITS);
    add('units', 'eq:unit', String(n), wrap(`${n}${u}`));
    add('units', 'ne:unit', String(n), wrap(`${n + int(1, 9)}${u}`));
  }
  for (let k = 0; k < 30; k++) {
    const n = int(2, 99);
    add('units', 'eq:dollar', `\\$${n}`, wrap(`\\$${n}`));
    add('units', 'eq:dollar-plain', String(n), `It costs $\\$${n}$.`);
  }

  // 4. thousands separators
  for (let k = 0; k < 80; k++) {
    const n = int(1000, 9_999_999);
    const s = String(n);
    const group = (sep: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    const f = pick([',', '{,}', '\\,', ' ', '\\ ', '\\!,']);
    add('thousands', `eq:sep${f}`, s, wrap(group(f)));
    add('thousands', 'eq:gold-commas', group(','), wrap(s));
    add('thousands', 'ne:sep', s, wrap(String(n + 1000).replace(/\B(?=(\d{3})+(?!\d))/g, f)));
  }

  // 5. \dfrac / \tfrac / a/b
  for (let k = 0; k < 70; k++) {
    let p = int(1, 40);
    let q = int(2, 41);
    const g = gcd(p, q);
    [p, q] = [p / g, q / g];
    if (q === 1) q = 7;
    const gold = rnd() < 0.5 ? `\\frac{${p}}{${q}}` : `\\dfrac{${p}}{${q}}`;
    const forms = [
      `\\dfrac{${p}}{${q}}`,
      `\\tfrac{${p}}{${q}}`,
      `${p}/${q}`,
      `{${p} \\over ${q}}`,
      `\\frac{${2 * p}}{${2 * q}}`,
      `\\cfrac{${p}}{${q}}`,
    ];
    if (p < 10 && q < 10) forms.push(`\\frac${p}${q}`);
    add('fractions', 'eq:form', gold, wrap(pick(forms)));
    add('fractions', 'eq:decimal', gold, wrap((p / q).toFixed(8)));
    add('fractions', 'ne:inverted', gold, wrap(`${q}/${p}`));
    add('fractions', 'ne:numerator', gold, wrap(`\\tfrac{${p + 1}}{${q}}`));
  }

  // 6. mixed numbers
  for (let k = 0; k < 60; k++) {
    const n = int(1, 12);
    const q = int(2, 9);
    const r = int(1, q - 1);
    if (gcd(r, q) !== 1) continue;
    const improper = `\\frac{${n * q + r}}{${q}}`;
    add(
      'mixed-numbers',
      'eq:mixed',
      improper,
      wrap(pick([`${n}\\frac{${r}}{${q}}`, `${n} \\tfrac{${r}}{${q}}`, `${n}\\dfrac{${r}}{${q}}`])),
    );
    add('mixed-numbers', 'eq:gold-mixed', `${n}\\frac{${r}}{${q}}`, wrap(improper));
    add('mixed-numbers', 'ne:mixed', improper, wrap(`${n + 1}\\frac{${r}}{${q}}`));
    add('mixed-numbers', 'ne:product-reading', `\\frac{${n * r}}{${q}}`, wrap(`${n}\\frac{${r}}{${q}}`));
  }

  // 7. percentages
  for (let k = 0; k < 50; k++) {
    const n = int(1, 99);
    add('percent', 'eq:sign', `${n}\\%`, wrap(String(n)));
    add('percent', 'eq:word', `${n}\\%`, `The rate is ${n} percent.`);
    add('percent', 'eq:fraction-of-100', `${n}\\%`, wrap((n / 100).toString()));
    add('percent', 'eq:pred-sign', String(n), wrap(`${n}\\%`));
    add('percent', 'ne:sign', `${n}\\%`, wrap(`${n + 1}\\%`));
    add('percent', 'ne:tenth', `${n}\\%`, wrap((n / 1000).toString()));
  }

  // 8. scientific notation
  for (let k = 0; k < 60; k++) {
    const m = int(11, 99) / 10;
    const e = int(-6, 9);
    const value = m * 10 ** e;
    const exact = e >= 0 ? String(Math.round(value)) : value.toFixed(-e + 1);
    const forms = [
      `${m} \\times 10^{${e}}`,
      `${m}\\cdot 10^{${e}}`,
      `${m}\\times10^${e < 0 || e > 9 ? `{${e}}` : e}`,
      `${m}e${e}`,
      `${m}E${e >= 0 ? '+' : ''}${e}`,
    ];
    add('scientific', 'eq:form', exact, wrap(pick(forms)));
    add('scientific', 'eq:gold-sci', `${m} \\times 10^{${e}}`, wrap(exact));
    add('scientific', 'ne:exponent', exact, wrap(`${m} \\times 10^{${e + 1}}`));
    add('scientific', 'ne:mantissa', `${m} \\times 10^{${e}}`, wrap(`${(m + 0.1).toFixed(1)} \\times 10^{${e}}`));
    // the same number written with an integer mantissa, and negated: sympy's binary floats decide
    add('scientific', 'eq:int-mantissa', `${m} \\times 10^{${e}}`, wrap(`${Math.round(m * 10)} \\times 10^{${e - 1}}`));
    add('scientific', 'eq:negative', e >= 0 ? `-${exact}` : `-${exact}`, wrap(`-${m}\\times10^{${e}}`));
  }

  // 9. intervals and unions
  const inf = ['\\infty', '+\\infty'];
  for (let k = 0; k < 50; k++) {
    const a = int(-9, 5);
    const b = a + int(1, 8);
    const L = pick(['(', '[']);
    const R = pick([')', ']']);
    const iv = `${L}${a},${b}${R}`;
    add('intervals', 'eq:left-right', iv, wrap(`\\left${L} ${a}, ${b} \\right${R}`));
    add('intervals', 'ne:bracket', iv, wrap(`${L === '(' ? '[' : '('}${a}, ${b}${R}`));
    const u = `(-\\infty,${a})\\cup(${b},\\infty)`;
    add('intervals', 'eq:union-spacing', u, wrap(`(-\\infty, ${a}) \\cup (${b}, ${pick(inf)})`));
    add('intervals', 'eq:union-order', u, wrap(`(${b}, \\infty) \\cup (-\\infty, ${a})`));
    add('intervals', 'ne:union-endpoint', u, wrap(`(-\\infty, ${a}] \\cup (${b}, \\infty)`));
    add('intervals', 'eq:ray', `[${a},\\infty)`, wrap(`[${a}, \\infty)`));
  }

  // 10. sets and tuples
  for (let k = 0; k < 50; k++) {
    const xs = [int(-9, 9), int(10, 19), int(20, 29)];
    const set = `\\{${xs.join(',')}\\}`;
    add('sets-tuples', 'eq:set-reordered', set, wrap(`\\{${[...xs].reverse().join(', ')}\\}`));
    add('sets-tuples', 'eq:set-as-list', set, wrap(xs.join(', ')));
    add('sets-tuples', 'ne:set-missing', set, wrap(`\\{${xs.slice(1).join(', ')}\\}`));
    const tup = `(${xs[0]},${xs[1]})`;
    add('sets-tuples', 'eq:tuple-left-right', tup, wrap(`\\left(${xs[0]}, ${xs[1]}\\right)`));
    add('sets-tuples', 'ne:tuple-swapped', tup, wrap(`(${xs[1]}, ${xs[0]})`));
    add('sets-tuples', 'eq:triple', `(${xs.join(',')})`, wrap(`(${xs.join(', ')})`));
  }

  // 11. matrices
  for (let k = 0; k < 50; k++) {
    const e = [int(-9, 9), int(-9, 9), int(-9, 9), int(-9, 9)];
    const m = (env: string, v: number[]) => `\\begin{${env}} ${v[0]} & ${v[1]} \\\\ ${v[2]} & ${v[3]} \\end{${env}}`;
    const gold = m('pmatrix', e);
    add('matrices', 'eq:bmatrix', gold, wrap(m('bmatrix', e)));
    add('matrices', 'eq:left-matrix', gold, wrap(`\\left(${m('matrix', e)}\\right)`));
    add('matrices', 'ne:entry', gold, wrap(m('bmatrix', [e[0]! + 1, e[1]!, e[2]!, e[3]!])));
    if (e[1] !== e[2]) add('matrices', 'ne:transposed', gold, wrap(m('pmatrix', [e[0]!, e[2]!, e[1]!, e[3]!])));
    const v = `\\begin{pmatrix} ${e[0]} \\\\ ${e[1]} \\end{pmatrix}`;
    add(
      'matrices',
      'eq:vector-fraction',
      v,
      wrap(`\\begin{bmatrix} \\frac{${2 * e[0]!}}{2} \\\\ ${e[1]} \\end{bmatrix}`),
    );
  }

  // 12. equations and inequalities
  for (let k = 0; k < 40; k++) {
    const n = int(-20, 20);
    const a = int(2, 9);
    const v = pick(['x', 'y', 'n', 'k']);
    add('relations', 'eq:assign-pred', String(n), wrap(`${v} = ${n}`));
    add('relations', 'eq:assign-gold', `${v}=${n}`, wrap(String(n)));
    add('relations', 'ne:assign', String(n), wrap(`${v} = ${n + 1}`));
    add('relations', 'eq:line-swapped', `y=${a}x+${n}`, wrap(`${a}x + ${n} = y`));
    add('relations', 'eq:ineq-as-interval', `${v}>${n}`, wrap(`(${n}, \\infty)`));
    add('relations', 'eq:ineq-flipped', `${v}\\le ${n}`, wrap(`${n} \\geq ${v}`));
    add('relations', 'ne:ineq-strict', `${v}\\le ${n}`, wrap(`${v} < ${n}`));
  }

  // 13. multiple answers
  for (let k = 0; k < 50; k++) {
    const a = int(-9, 0);
    const b = int(1, 9);
    const gold = `${a},${b}`;
    add('multiple-answers', 'eq:two-boxes', gold, `The roots are $\\boxed{${a}}$ and $\\boxed{${b}}$.`);
    add('multiple-answers', 'eq:or', gold, wrap(`x = ${b} \\text{ or } x = ${a}`));
    add('multiple-answers', 'eq:and', gold, `The solutions are $${b}$ and $${a}$.`);
    add('multiple-answers', 'ne:one-missing', gold, wrap(String(b)));
    add('multiple-answers', 'ne:extra', gold, wrap(`${a}, ${b}, ${b + 1}`));
  }

  // 14. degrees
  for (let k = 0; k < 60; k++) {
    const d = int(1, 359);
    const gold = pick([String(d), `${d}^\\circ`]);
    add(
      'degrees',
      'eq:form',
      gold,
      wrap(
        pick([
          `${d}^\\circ`,
          `${d}°`,
          `${d}^{\\circ}`,
          `${d} degrees`,
          `${d}\\text{ degrees}`,
          `${d}\\,^\\circ`,
          `${d}^{\\degree}`,
          `${d}^\\circle`,
          `${d}\\circ`,
          `${d}^ \\circ`,
          `${d}^{\\circ}\\text{C}`,
        ]),
      ),
    );
    add('degrees', 'ne:form', gold, wrap(`${d + int(1, 30)}^\\circ`));
  }

  // 15. π forms
  for (let k = 0; k < 60; k++) {
    let p = int(1, 7);
    let q = int(2, 12);
    const g = gcd(p, q);
    [p, q] = [p / g, q / g];
    if (q === 1) q = 5;
    const num = p === 1 ? '\\pi' : `${p}\\pi`;
    const gold = `\\frac{${num}}{${q}}`;
    const forms = [
      `${num}/${q}`,
      `\\frac{${p}}{${q}}\\pi`,
      `\\dfrac{${num}}{${q}}`,
      `\\frac{${p}\\pi}{${q}}`,
      ((Math.PI * p) / q).toFixed(6),
      `${p}π/${q}`,
    ];
    add('pi-forms', 'eq:form', gold, wrap(pick(forms)));
    add('pi-forms', 'ne:denominator', gold, wrap(`\\frac{${num}}{${q + 1}}`));
    add('pi-forms', 'ne:approx-2-places', gold, wrap(((Math.PI * p) / q).toFixed(2)));
  }

  // 16. derivatives and primes
  for (let k = 0; k < 50; k++) {
    const a = int(2, 9);
    const b = int(1, 9);
    const d = `${2 * a}x+${b}`;
    add(
      'derivatives',
      'eq:fprime',
      d,
      wrap(
        pick([
          `f'(x) = ${2 * a}x + ${b}`,
          `f^{\\prime}(x)=${2 * a}x+${b}`,
          `y' = ${2 * a}x + ${b}`,
          `f^\\prime(x) = ${2 * a}x + ${b}`,
          `y^{\\prime}=${2 * a}x+${b}`,
          `\\frac{d}{dx}f(x) = ${2 * a}x + ${b}`,
          `\\dot{y} = ${2 * a}x + ${b}`,
        ]),
      ),
    );
    add('derivatives', 'eq:dydx', d, wrap(`\\frac{dy}{dx} = ${2 * a}x + ${b}`));
    add('derivatives', 'eq:gold-fprime', `f'(x)=${d}`, wrap(`${2 * a}x+${b}`));
    add('derivatives', 'ne:fprime', d, wrap(`f'(x) = ${a}x + ${b}`));
    add('derivatives', 'ne:second', `f''(x)=${2 * a}`, wrap(`f''(x) = ${a}`));
    add('derivatives', 'eq:gold-prime-cmd', `f^{\\prime}(x)=${d}`, wrap(d));
    // f^{\prime} is f to the power "prime" for math-verify, f' is f: the two left sides differ
    add('derivatives', 'ne:prime-vs-quote', `f^{\\prime}(x)=${d}`, wrap(`f'(x)=${d}`));
  }

  // 17. text answers
  const WORDS = [
    'Monday',
    'Tuesday',
    'even',
    'odd',
    'yes',
    'no',
    'Navin',
    'east',
    'circle',
    'parabola',
    'ellipse',
    'none',
  ];
  for (let k = 0; k < 30; k++) {
    const w = pick(WORDS);
    const o = pick(WORDS.filter((x) => x !== w));
    const L = pick(['A', 'B', 'C', 'D', 'E']);
    add(
      'text',
      'eq:text',
      `\\text{${w}}`,
      wrap(pick([`\\text{${w}}`, `\\textbf{${w}}`, `\\text{${w.toLowerCase()}}`, `\\mathrm{${w}}`])),
    );
    add('text', 'ne:text', `\\text{${w}}`, wrap(`\\text{${o}}`));
    add('text', 'eq:letter', `\\text{(${L})}`, wrap(pick([L, `(${L})`, `\\text{(${L})}`, `\\textbf{(${L})}`])));
    add('text', 'ne:letter', `\\text{(${L})}`, wrap(`\\text{(${L === 'A' ? 'B' : 'A'})}`));
  }

  // 18. other languages
  const LANG: ((x: string) => string)[] = [
    (x) => `La respuesta es $\\boxed{${x}}$.`,
    (x) => `Die Antwort ist $${x}$.`,
    (x) => `答案是 $\\boxed{${x}}$。`,
    (x) => `Ответ: $${x}$`,
    (x) => `La réponse finale est $${x}$.`,
    (x) => `答案：${x}`,
    (x) => `Resposta final: \\boxed{${x}}`,
    (x) => `الإجابة هي $\\boxed{${x}}$`,
    (x) => `最終的な答えは $${x}$ です。`,
  ];
  for (let k = 0; k < 60; k++) {
    const t = pick([...ints, ...fracs]);
    const o = pick(ints.filter((a) => a !== t));
    add('languages', 'eq:lang', t, pick(LANG)(t));
    add('languages', 'ne:lang', t, pick(LANG)(o));
  }

  // 19. the knobs that change verdicts, against math-verify run with the same knobs
  for (let k = 0; k < 20; k++) {
    const n = int(100, 999);
    const x = `${n}.${int(100, 999)}`;
    add('knobs', 'float_rounding:2', x, wrap(`${x.slice(0, -1)}9`), { float_rounding: 2 });
    add('knobs', 'float_rounding:6', x, wrap(`${x}4`), { float_rounding: 6 });
    const a = int(2, 9);
    add('knobs', 'strict:false-rename', `${a}x+${n}`, wrap(`${a}y + ${n}`), { strict: false });
    add('knobs', 'strict:true-rename', `${a}x+${n}`, wrap(`${a}y + ${n}`), { strict: true });
    add('knobs', 'allow_set_relation_comp', `(${n},${n + 5})`, wrap(`${n} < x < ${n + 5}`), {
      allow_set_relation_comp: true,
    });
    add('knobs', 'allow_set_relation_comp:false', `(${n},${n + 5})`, wrap(`${n} < x < ${n + 5}`), {
      allow_set_relation_comp: false,
    });
    add('knobs', 'extraction:latex', String(n), `The count is ${n}.`, { extraction: ['latex'] });
    add('knobs', 'extraction:expr', String(n), `The count is $\\frac{${2 * n}}{2}$.`, { extraction: ['expr'] });
  }
  return pairs;
}
