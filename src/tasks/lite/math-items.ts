// math-lite items: integer word problems of 1–3 operations on small numbers, from 18 templates.
// An item's *signature* is its template and numbers (the names and objects are decoration). The
// pool is a seeded sequence of distinct signatures: the first 300 are the test split, the next 100
// the train split, so the two are disjoint by construction; the corpus draws its own problems and
// rejects every signature of either split, so no test problem (not even reworded) is in it.
import type { MathExample } from '../math/data.js';
import { intIn, pick, type Rand, rngFor, weightedIndex } from './rng.js';
import { LITE_WORLD_SEED } from './world.js';

export const MATH_LITE_SIZES = { test: 300, train: 100, validation: 50 } as const;

export interface MathLiteExample extends MathExample {
  /** The worked solution ("3 + 5 = 8, 8 - 2 = 6"), without the final sentence. */
  solution: string;
  /** Number of arithmetic operations (1–3). */
  level: number;
  template: string;
}

interface Words {
  a: string;
  b: string;
  /** [singular, plural] */
  obj: readonly [string, string];
  good: readonly [string, string];
}

interface Template {
  key: string;
  ops: 1 | 2 | 3;
  /** Numbers satisfying the template's constraints (all results are non-negative integers). */
  draw(r: Rand): number[];
  text(n: number[], w: Words): string;
  /** Steps as [left, op, right, result]. */
  solve(n: number[]): [number, string, number, number][];
}

const NAMES = [
  'Tom',
  'Anna',
  'Ben',
  'Mia',
  'Leo',
  'Sara',
  'Max',
  'Lily',
  'Sam',
  'Ella',
  'Noah',
  'Zoe',
  'Jack',
  'Emma',
  'Omar',
  'Nina',
  'Ravi',
  'Lucy',
  'Hugo',
  'Iris',
  'Paul',
  'Rosa',
  'Ivan',
  'Maya',
];
const OBJECTS: readonly (readonly [string, string])[] = [
  ['apple', 'apples'],
  ['pencil', 'pencils'],
  ['marble', 'marbles'],
  ['sticker', 'stickers'],
  ['cookie', 'cookies'],
  ['book', 'books'],
  ['coin', 'coins'],
  ['shell', 'shells'],
  ['stamp', 'stamps'],
  ['card', 'cards'],
  ['flower', 'flowers'],
  ['egg', 'eggs'],
  ['orange', 'oranges'],
  ['toy car', 'toy cars'],
  ['ribbon', 'ribbons'],
  ['button', 'buttons'],
];
const GOODS: readonly (readonly [string, string])[] = [
  ['pen', 'pens'],
  ['notebook', 'notebooks'],
  ['ball', 'balls'],
  ['cup', 'cups'],
  ['kite', 'kites'],
  ['hat', 'hats'],
  ['lamp', 'lamps'],
  ['bowl', 'bowls'],
];

const add = (x: number, y: number): [number, string, number, number] => [x, '+', y, x + y];
const sub = (x: number, y: number): [number, string, number, number] => [x, '-', y, x - y];
const mul = (x: number, y: number): [number, string, number, number] => [x, '*', y, x * y];
const div = (x: number, y: number): [number, string, number, number] => [x, '/', y, x / y];

export const TEMPLATES: readonly Template[] = [
  {
    key: 'gets-more',
    ops: 1,
    draw: (r) => [intIn(r, 2, 20), intIn(r, 2, 20)],
    text: ([a, b], w) =>
      `${w.a} has ${a} ${w.obj[1]}. ${w.a} gets ${b} more ${w.obj[1]}. How many ${w.obj[1]} does ${w.a} have now?`,
    solve: ([a, b]) => [add(a!, b!)],
  },
  {
    key: 'gives-away',
    ops: 1,
    draw: (r) => {
      const a = intIn(r, 5, 30);
      return [a, intIn(r, 1, a - 1)];
    },
    text: ([a, b], w) =>
      `${w.a} has ${a} ${w.obj[1]} and gives ${b} of them to ${w.b}. How many ${w.obj[1]} does ${w.a} have left?`,
    solve: ([a, b]) => [sub(a!, b!)],
  },
  {
    key: 'bags-total',
    ops: 1,
    draw: (r) => [intIn(r, 2, 9), intIn(r, 2, 9)],
    text: ([a, b], w) =>
      `There are ${a} bags with ${b} ${w.obj[1]} in each bag. How many ${w.obj[1]} are there in all?`,
    solve: ([a, b]) => [mul(a!, b!)],
  },
  {
    key: 'equal-groups',
    ops: 1,
    draw: (r) => {
      const b = intIn(r, 2, 9);
      return [b * intIn(r, 2, 9), b];
    },
    text: ([a, b], w) => `${w.a} puts ${a} ${w.obj[1]} into ${b} equal groups. How many ${w.obj[1]} are in each group?`,
    solve: ([a, b]) => [div(a!, b!)],
  },
  {
    key: 'how-many-given',
    ops: 1,
    draw: (r) => {
      const a = intIn(r, 5, 30);
      return [a, intIn(r, 1, a - 1)];
    },
    text: ([a, b], w) =>
      `${w.a} had ${a} ${w.obj[1]}. After giving some to ${w.b}, ${w.a} has ${b} ${w.obj[1]} left. How many ${w.obj[1]} did ${w.a} give to ${w.b}?`,
    solve: ([a, b]) => [sub(a!, b!)],
  },
  {
    key: 'finds-loses',
    ops: 2,
    draw: (r) => {
      const a = intIn(r, 3, 20);
      const b = intIn(r, 2, 15);
      return [a, b, intIn(r, 1, a + b - 1)];
    },
    text: ([a, b, c], w) =>
      `${w.a} has ${a} ${w.obj[1]}. ${w.a} finds ${b} more and then loses ${c}. How many ${w.obj[1]} does ${w.a} have now?`,
    solve: ([a, b, c]) => [add(a!, b!), sub(a! + b!, c!)],
  },
  {
    key: 'boxes-plus-gift',
    ops: 2,
    draw: (r) => [intIn(r, 2, 9), intIn(r, 2, 9), intIn(r, 1, 15)],
    text: ([a, b, c], w) =>
      `${w.a} buys ${a} boxes with ${b} ${w.obj[1]} in each box. ${w.b} gives ${w.a} ${c} more ${w.obj[1]}. How many ${w.obj[1]} does ${w.a} have now?`,
    solve: ([a, b, c]) => [mul(a!, b!), add(a! * b!, c!)],
  },
  {
    key: 'bags-minus-gift',
    ops: 2,
    draw: (r) => {
      const a = intIn(r, 2, 9);
      const b = intIn(r, 2, 9);
      return [a, b, intIn(r, 1, a * b - 1)];
    },
    text: ([a, b, c], w) =>
      `${w.a} has ${a} bags with ${b} ${w.obj[1]} in each bag. ${w.a} gives ${c} ${w.obj[1]} to ${w.b}. How many ${w.obj[1]} does ${w.a} have left?`,
    solve: ([a, b, c]) => [mul(a!, b!), sub(a! * b!, c!)],
  },
  {
    key: 'more-than-together',
    ops: 2,
    draw: (r) => [intIn(r, 2, 20), intIn(r, 1, 10)],
    text: ([a, b], w) =>
      `${w.a} has ${a} ${w.obj[1]}. ${w.b} has ${b} more ${w.obj[1]} than ${w.a}. How many ${w.obj[1]} do ${w.a} and ${w.b} have together?`,
    solve: ([a, b]) => [add(a!, b!), add(a!, a! + b!)],
  },
  {
    key: 'change',
    ops: 2,
    draw: (r) => {
      const a = intIn(r, 2, 9);
      const b = intIn(r, 2, 5);
      return [a, b, a * b < 20 ? 20 : 50];
    },
    text: ([a, b, c], w) =>
      `One ${w.good[0]} costs ${a} dollars. ${w.a} buys ${b} ${w.good[1]} and pays with a ${c}-dollar note. How much change does ${w.a} get?`,
    solve: ([a, b, c]) => [mul(a!, b!), sub(c!, a! * b!)],
  },
  {
    key: 'share-then-find',
    ops: 2,
    draw: (r) => {
      const b = intIn(r, 2, 6);
      return [b * intIn(r, 2, 9), b, intIn(r, 1, 9)];
    },
    text: ([a, b, c], w) =>
      `${w.a} shares ${a} ${w.obj[1]} equally among ${b} friends. Then each friend gets ${c} more ${w.obj[1]}. How many ${w.obj[1]} does each friend have now?`,
    solve: ([a, b, c]) => [div(a!, b!), add(a! / b!, c!)],
  },
  {
    key: 'age-later',
    ops: 2,
    draw: (r) => [intIn(r, 5, 15), intIn(r, 2, 10), intIn(r, 1, 10)],
    text: ([a, b, c], w) =>
      `${w.a} is ${a} years old. ${w.b} is ${b} years older than ${w.a}. How old will ${w.b} be in ${c} years?`,
    solve: ([a, b, c]) => [add(a!, b!), add(a! + b!, c!)],
  },
  {
    key: 'birds-fly',
    ops: 2,
    draw: (r) => {
      const a = intIn(r, 8, 30);
      const b = intIn(r, 1, Math.floor(a / 2));
      return [a, b, intIn(r, 1, a - b - 1)];
    },
    text: ([a, b, c]) =>
      `There are ${a} birds on a tree. ${b} birds fly away, and then ${c} more birds fly away. How many birds are left on the tree?`,
    solve: ([a, b, c]) => [sub(a!, b!), sub(a! - b!, c!)],
  },
  {
    key: 'boxes-of-bags',
    ops: 2,
    draw: (r) => [intIn(r, 2, 5), intIn(r, 2, 6), intIn(r, 2, 4)],
    text: ([a, b, c], w) =>
      `A box holds ${a} bags and each bag holds ${b} ${w.obj[1]}. How many ${w.obj[1]} are in ${c} boxes?`,
    solve: ([a, b, c]) => [mul(a!, b!), mul(a! * b!, c!)],
  },
  {
    key: 'buys-packs-gives',
    ops: 3,
    draw: (r) => {
      const a = intIn(r, 2, 15);
      const b = intIn(r, 2, 6);
      const c = intIn(r, 2, 9);
      return [a, b, c, intIn(r, 1, a + b * c - 1)];
    },
    text: ([a, b, c, d], w) =>
      `${w.a} has ${a} ${w.obj[1]}. ${w.a} buys ${b} packs with ${c} ${w.obj[1]} in each pack and then gives ${d} ${w.obj[1]} to ${w.b}. How many ${w.obj[1]} does ${w.a} have now?`,
    solve: ([a, b, c, d]) => [mul(b!, c!), add(a!, b! * c!), sub(a! + b! * c!, d!)],
  },
  {
    key: 'reading-days',
    ops: 3,
    draw: (r) => [intIn(r, 3, 20), intIn(r, 3, 20), intIn(r, 2, 3)],
    text: ([a, b, k], w) =>
      `${w.a} reads ${a} pages on Monday and ${b} pages on Tuesday. On Wednesday ${w.a} reads ${k} times as many pages as on Monday. How many pages does ${w.a} read in the three days?`,
    solve: ([a, b, k]) => [add(a!, b!), mul(k!, a!), add(a! + b!, k! * a!)],
  },
  {
    key: 'chairs',
    ops: 3,
    draw: (r) => {
      const a = intIn(r, 2, 8);
      const b = intIn(r, 3, 9);
      return [a, b, intIn(r, 1, Math.min(9, a * b - 1)), intIn(r, 1, 9)];
    },
    text: ([a, b, c, d]) =>
      `A room has ${a} rows of ${b} chairs. ${c} chairs are broken and ${d} new chairs are brought in. How many chairs can be used now?`,
    solve: ([a, b, c, d]) => [mul(a!, b!), sub(a! * b!, c!), add(a! * b! - c!, d!)],
  },
  {
    key: 'earns-spends',
    ops: 3,
    draw: (r) => {
      const a = intIn(r, 3, 12);
      const b = intIn(r, 2, 6);
      const c = intIn(r, 1, Math.floor((a * b) / 2));
      return [a, b, c, intIn(r, 1, a * b - c)];
    },
    text: ([a, b, c, d], w) =>
      `${w.a} earns ${a} dollars a day for ${b} days, then spends ${c} dollars on a ${w.good[0]} and ${d} dollars on lunch. How many dollars does ${w.a} have left?`,
    solve: ([a, b, c, d]) => [mul(a!, b!), sub(a! * b!, c!), sub(a! * b! - c!, d!)],
  },
];

export interface MathProblem {
  signature: string;
  template: string;
  ops: number;
  problem: string;
  steps: string[];
  answer: number;
}

/** One problem from a stream: a template (1, 2 and 3 operations equally likely), numbers, names. */
export function drawProblem(r: Rand): MathProblem {
  const ops = 1 + weightedIndex(r, [1, 1, 1]);
  const t = pick(
    r,
    TEMPLATES.filter((x) => x.ops === ops),
  );
  const n = t.draw(r);
  const a = pick(r, NAMES);
  let b = pick(r, NAMES);
  while (b === a) b = pick(r, NAMES);
  const words: Words = { a, b, obj: pick(r, OBJECTS), good: pick(r, GOODS) };
  const steps = t.solve(n);
  for (const s of steps)
    if (!Number.isInteger(s[3]) || s[3] < 0)
      throw new Error(`math-lite template ${t.key} made ${s.join(' ')} from ${n}`);
  return {
    signature: `${t.key}/${n.join('-')}`,
    template: t.key,
    ops: t.ops,
    problem: t.text(n, words),
    steps: steps.map(([x, op, y, z]) => `${x} ${op} ${y} = ${z}`),
    answer: steps[steps.length - 1]![3],
  };
}

function toExample(p: MathProblem): MathLiteExample {
  return {
    id: `math-lite/${p.signature}`,
    problem: p.problem,
    answer: String(p.answer),
    solution: p.steps.join(', '),
    level: p.ops,
    template: p.template,
  };
}

type MathLiteItems = {
  train: MathLiteExample[];
  validation: MathLiteExample[];
  test: MathLiteExample[];
  reserved: Set<string>;
};
const cache = new Map<number, MathLiteItems>();

/** The test, train and validation items of a seed, and every signature they use (which the corpus must avoid). */
export function mathLiteItems(seed: number = LITE_WORLD_SEED): MathLiteItems {
  let hit = cache.get(seed);
  if (!hit) {
    const r = rngFor(seed, 'math-items');
    const seen = new Set<string>();
    const items: MathProblem[] = [];
    const { test, train, validation } = MATH_LITE_SIZES;
    const need = test + train + validation;
    while (items.length < need) {
      const p = drawProblem(r);
      if (seen.has(p.signature)) continue;
      seen.add(p.signature);
      items.push(p);
    }
    hit = {
      test: items.slice(0, test).map(toExample),
      train: items.slice(test, test + train).map(toExample),
      validation: items.slice(test + train).map(toExample),
      reserved: seen,
    };
    cache.set(seed, hit);
  }
  return hit;
}
