// code-lite items: one evalplus-format problem per (family, parameter) of code-families.ts. The
// task pool is shuffled once with the seed and cut into test (first 300), train (next 100) and
// practice (the rest); the corpus writes out practice and corpus-only functions, never a test or
// train function. Test inputs are seeded per problem; expected outputs come from running the
// canonical solution in the sandbox (src/tasks/code's ground truth), as evalplus does.
import type { CodeProblem } from '../code/problem.js';
import { FAMILIES, type Family, type FuncSpec, type Group, type Value } from './code-families.js';
import { intIn, pick, type Rand, rngFor, shuffled } from './rng.js';
import { LITE_WORLD_SEED } from './world.js';

export const CODE_LITE_SIZES = { test: 300, train: 100, validation: 50 } as const;

export interface CodeLiteExample extends CodeProblem {
  family: string;
  group: Group;
}

/** A function of the pool: what the prompt, the solution and the corpus are made from. */
export interface LiteFunction {
  family: Family;
  spec: FuncSpec;
  /** Signature + docstring (with one worked example), HumanEval style, ending in a newline. */
  prompt: string;
  /** The reference body. */
  body: string;
}

const WORDS = [
  'apple',
  'banana',
  'cherry',
  'river',
  'stone',
  'garden',
  'yellow',
  'pencil',
  'rocket',
  'window',
  'level',
  'noon',
  'kayak',
  'hello',
  'world',
  'tree',
  'sun',
  'moon',
  'paper',
  'basket',
  'racecar',
  'data',
  'code',
  'python',
  'zebra',
  'quiz',
  'jam',
  'fox',
  'wave',
  'xylophone',
  'velvet',
  'igloo',
  'orange',
  'umbrella',
];

/** Python's repr for the values a family returns (ints, bools, plain lower-ASCII strings, lists). */
export function pyRepr(v: Value): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`pyRepr: ${v} is not a safe integer`);
    return String(v === 0 ? 0 : v);
  }
  if (typeof v === 'string') {
    if (/['\\\n]/.test(v)) throw new Error(`pyRepr: string ${JSON.stringify(v)} needs escaping`);
    return `'${v}'`;
  }
  return `[${v.map(pyRepr).join(', ')}]`;
}

function words(r: Rand, n: number): string {
  return Array.from({ length: n }, () => pick(r, WORDS)).join(' ');
}

function intList(r: Rand, lo: number, hi: number, minLen: number, maxLen: number): number[] {
  return Array.from({ length: intIn(r, minLen, maxLen) }, () => intIn(r, lo, hi));
}

/** Base and plus inputs (lists of argument lists). */
export function testInputs(f: LiteFunction, r: Rand): { base: Value[][]; plus: Value[][] } {
  const { group } = f.family;
  const { edge, nonEmpty } = f.spec;
  if (group === 'int') {
    const base = [intIn(r, 1, 20), intIn(r, -10, 30), intIn(r, 0, 50)];
    const plus = [0, 1, -1, 7, 100, -25, ...(edge as number[]), intIn(r, -100, 100), intIn(r, -100, 100)];
    return { base: base.map((x) => [x]), plus: plus.map((x) => [x]) };
  }
  if (group === 'list') {
    const min = nonEmpty ? 1 : 0;
    const base = [
      intList(r, 0, 12, Math.max(min, 2), 6),
      intList(r, 0, 12, Math.max(min, 2), 6),
      intList(r, -5, 12, Math.max(min, 1), 5),
    ];
    const plus = [
      ...(nonEmpty ? [] : [[]]),
      [5],
      [3, 3, 3],
      [-3, 0, 5],
      [12, 11, 10, 9],
      intList(r, -5, 20, 8, 10),
      intList(r, 0, 3, 4, 8),
      ...(edge as number[][]),
    ];
    return { base: base.map((x) => [x]), plus: plus.filter((x) => x.length >= min).map((x) => [x]) };
  }
  // Strings: each base input holds the function's letter when it has one, so examples are telling.
  const letter =
    edge.length && typeof edge[0] === 'string' && (edge[0] as string).length === 1 ? (edge[0] as string) : null;
  const base = [pick(r, WORDS), words(r, 2), pick(r, WORDS)];
  if (letter) {
    const withLetter = WORDS.filter((w) => w.includes(letter));
    base[0] = withLetter.length ? pick(r, withLetter) : `${pick(r, WORDS)}${letter}`;
  }
  const plus = [
    '',
    'a',
    'noon',
    'Hello World',
    words(r, 3),
    words(r, 1),
    'aeiou',
    'mississippi',
    ...(edge as string[]),
  ];
  return { base: base.map((x) => [x]), plus: plus.map((x) => [x]) };
}

/** The HumanEval-style prompt: signature, then a docstring with the description and one example. */
export function functionPrompt(spec: FuncSpec, example: Value[]): string {
  const call = `${spec.name}(${example.map(pyRepr).join(', ')})`;
  const out = pyRepr((spec.js as (...a: Value[]) => Value)(...example));
  return `def ${spec.name}(${spec.args}) -> ${spec.returns}:\n    """${spec.doc}\n    >>> ${call}\n    ${out}\n    """\n`;
}

function makeFunction(family: Family, params: readonly (number | string)[], seed: number): LiteFunction {
  const spec = family.make(params);
  // The docstring example is the first base input, so prompt and tests agree whatever the seed.
  const inputs = testInputs(
    { family, spec, prompt: '', body: spec.body },
    rngFor(seed, `code-inputs\u0000${spec.name}`),
  );
  return { family, spec, prompt: functionPrompt(spec, inputs.base[0]!), body: spec.body };
}

function toExample(f: LiteFunction, seed: number): CodeLiteExample {
  const inputs = testInputs(f, rngFor(seed, `code-inputs\u0000${f.spec.name}`));
  const id = `CodeLite/${f.spec.name}`;
  return {
    id,
    task_id: id,
    prompt: f.prompt,
    entry_point: f.spec.name,
    canonical_solution: f.body,
    test: null,
    atol: 0,
    base_input_json: JSON.stringify(inputs.base),
    plus_input_json: JSON.stringify(inputs.plus),
    n_base: inputs.base.length,
    n_plus: inputs.plus.length,
    family: f.family.key,
    group: f.family.group,
  };
}

interface CodePool {
  train: CodeLiteExample[];
  validation: CodeLiteExample[];
  test: CodeLiteExample[];
  /** Functions the corpus may write out: practice items and corpus-only functions. */
  corpus: LiteFunction[];
}

const cache = new Map<number, CodePool>();

export function codeLitePool(seed: number = LITE_WORLD_SEED): CodePool {
  let hit = cache.get(seed);
  if (!hit) {
    const taskFns = FAMILIES.filter((f) => !f.corpusOnly).flatMap((f) => f.params.map((p) => makeFunction(f, p, seed)));
    const names = new Set(taskFns.map((f) => f.spec.name));
    if (names.size !== taskFns.length)
      throw new Error('code-lite: two functions share a name (a bug in code-families.ts)');
    const { test, train, validation } = CODE_LITE_SIZES;
    const need = test + train + validation;
    if (taskFns.length < need) throw new Error(`code-lite: ${taskFns.length} functions, need ${need}`);
    const order = shuffled(taskFns, rngFor(seed, 'code-split'));
    const extra = FAMILIES.flatMap((f) =>
      (f.corpusOnly ? f.params : (f.corpusParams ?? [])).map((p) => makeFunction(f, p, seed)),
    );
    for (const f of extra)
      if (names.has(f.spec.name)) throw new Error(`code-lite: corpus function ${f.spec.name} is also a task`);
    hit = {
      test: order.slice(0, test).map((f) => toExample(f, seed)),
      train: order.slice(test, test + train).map((f) => toExample(f, seed)),
      validation: order.slice(test + train, need).map((f) => toExample(f, seed)),
      corpus: [...order.slice(need), ...extra],
    };
    cache.set(seed, hit);
  }
  return hit;
}
