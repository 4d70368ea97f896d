// The small Python functions of code-lite: families of one-line functions (add k, count a letter,
// keep the elements above k, …), each parameterised so that there are hundreds of distinct tasks.
// `params` are the task range; `corpusParams` only ever appear in the pretraining corpus (as do the
// `corpusOnly` families), so the corpus teaches the skill on functions no test asks for.
// Each family carries a JavaScript twin of its Python body, used only to write the docstring's
// example (a test checks every example against Python itself).

export type Value = number | boolean | string | Value[];
export type Group = 'int' | 'list' | 'str';

export interface FuncSpec {
  name: string;
  /** Python parameter list, e.g. 'x: int'. */
  args: string;
  returns: string;
  /** The docstring's first sentence. */
  doc: string;
  /** The body, indented four spaces, ending in a newline. */
  body: string;
  js: (...args: never[]) => Value;
  /** Extra test inputs that matter for this function (thresholds, its letter). */
  edge: Value[];
  /** The list argument must not be empty (max/min). */
  nonEmpty?: boolean;
}

export interface Family {
  key: string;
  group: Group;
  params: readonly (readonly (number | string)[])[];
  corpusParams?: readonly (readonly (number | string)[])[];
  /** Never in the task pool; only in the corpus. */
  corpusOnly?: boolean;
  make(p: readonly (number | string)[]): FuncSpec;
}

const range = (lo: number, hi: number): number[][] => Array.from({ length: hi - lo + 1 }, (_, i) => [lo + i]);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
/** Python's % for a positive modulus (JavaScript's keeps the dividend's sign). */
const pmod = (x: number, k: number): number => ((x % k) + k) % k;

const INT = { args: 'x: int' };
const LIST = { args: 'xs: list' };
const STR = { args: 's: str' };

function intFamily(
  key: string,
  params: number[][],
  corpusParams: number[][],
  make: (k: number) => Omit<FuncSpec, 'args' | 'edge'> & { edge?: Value[] },
): Family {
  return {
    key,
    group: 'int',
    params,
    corpusParams,
    make: ([k]) => {
      const f = make(k as number);
      return { ...INT, edge: [k as number, (k as number) - 1, (k as number) + 1, -(k as number)], ...f };
    },
  };
}

function single(
  key: string,
  group: Group,
  spec: Omit<FuncSpec, 'args' | 'edge'> & { edge?: Value[] },
  corpusOnly = false,
): Family {
  const args = group === 'int' ? INT : group === 'list' ? LIST : STR;
  return { key, group, params: [[]], corpusOnly, make: () => ({ ...args, edge: [], ...spec }) };
}

export const FAMILIES: readonly Family[] = [
  // ---- integers
  intFamily('add', range(1, 30), range(31, 60), (k) => ({
    name: `add_${k}`,
    returns: 'int',
    doc: `Return x plus ${k}.`,
    body: `    return x + ${k}\n`,
    js: ((x: number) => x + k) as FuncSpec['js'],
  })),
  intFamily('subtract', range(1, 30), range(31, 60), (k) => ({
    name: `subtract_${k}`,
    returns: 'int',
    doc: `Return x minus ${k}.`,
    body: `    return x - ${k}\n`,
    js: ((x: number) => x - k) as FuncSpec['js'],
  })),
  intFamily('times', range(2, 12), range(13, 25), (k) => ({
    name: `times_${k}`,
    returns: 'int',
    doc: `Return x multiplied by ${k}.`,
    body: `    return x * ${k}\n`,
    js: ((x: number) => x * k) as FuncSpec['js'],
  })),
  intFamily('power', range(2, 4), range(5, 6), (k) => ({
    name: `power_${k}`,
    returns: 'int',
    doc: `Return x raised to the power ${k}.`,
    body: `    return x ** ${k}\n`,
    js: ((x: number) => x ** k) as FuncSpec['js'],
    edge: [2, -2, 3],
  })),
  intFamily('floor-div', range(2, 10), range(11, 20), (k) => ({
    name: `floor_div_${k}`,
    returns: 'int',
    doc: `Return x divided by ${k}, rounded down.`,
    body: `    return x // ${k}\n`,
    js: ((x: number) => Math.floor(x / k)) as FuncSpec['js'],
  })),
  intFamily('mod', range(2, 10), range(11, 20), (k) => ({
    name: `mod_${k}`,
    returns: 'int',
    doc: `Return the remainder of x divided by ${k}.`,
    body: `    return x % ${k}\n`,
    js: ((x: number) => pmod(x, k)) as FuncSpec['js'],
  })),
  intFamily('multiple-of', range(2, 12), range(13, 25), (k) => ({
    name: `is_multiple_of_${k}`,
    returns: 'bool',
    doc: `Return True if x is a multiple of ${k}, else False.`,
    body: `    return x % ${k} == 0\n`,
    js: ((x: number) => pmod(x, k) === 0) as FuncSpec['js'],
    edge: [k, 2 * k, k + 1, 0],
  })),
  intFamily('greater-than', range(0, 30), range(31, 60), (k) => ({
    name: `is_greater_than_${k}`,
    returns: 'bool',
    doc: `Return True if x is greater than ${k}, else False.`,
    body: `    return x > ${k}\n`,
    js: ((x: number) => x > k) as FuncSpec['js'],
  })),
  intFamily('less-than', range(0, 30), range(31, 60), (k) => ({
    name: `is_less_than_${k}`,
    returns: 'bool',
    doc: `Return True if x is less than ${k}, else False.`,
    body: `    return x < ${k}\n`,
    js: ((x: number) => x < k) as FuncSpec['js'],
  })),
  intFamily('distance', range(0, 30), range(31, 50), (k) => ({
    name: `distance_to_${k}`,
    returns: 'int',
    doc: `Return the distance between x and ${k}, that is the absolute value of x minus ${k}.`,
    body: `    return abs(x - ${k})\n`,
    js: ((x: number) => Math.abs(x - k)) as FuncSpec['js'],
  })),
  {
    key: 'clamp',
    group: 'int',
    params: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((lo) => [10, 12, 15, 20, 25].map((hi) => [lo, hi])),
    corpusParams: [-5, -3, -1].flatMap((lo) => [5, 30, 40].map((hi) => [lo, hi])),
    make: ([lo, hi]) => ({
      ...INT,
      name: `clamp_${String(lo).replace('-', 'minus_')}_${hi}`,
      returns: 'int',
      doc: `Return x limited to the range from ${lo} to ${hi}: ${lo} if x is smaller, ${hi} if x is larger, else x.`,
      body: `    return min(max(x, ${lo}), ${hi})\n`,
      js: ((x: number) => Math.min(Math.max(x, lo as number), hi as number)) as FuncSpec['js'],
      edge: [lo as number, hi as number, (lo as number) - 1, (hi as number) + 1],
    }),
  },
  single('double', 'int', {
    name: 'double',
    returns: 'int',
    doc: 'Return x times two.',
    body: '    return 2 * x\n',
    js: ((x: number) => 2 * x) as FuncSpec['js'],
  }),
  single('square', 'int', {
    name: 'square',
    returns: 'int',
    doc: 'Return x squared.',
    body: '    return x * x\n',
    js: ((x: number) => x * x) as FuncSpec['js'],
  }),
  single('absolute', 'int', {
    name: 'absolute',
    returns: 'int',
    doc: 'Return the absolute value of x.',
    body: '    return abs(x)\n',
    js: ((x: number) => Math.abs(x)) as FuncSpec['js'],
  }),
  single('negate', 'int', {
    name: 'negate',
    returns: 'int',
    doc: 'Return x with its sign flipped.',
    body: '    return -x\n',
    js: ((x: number) => 0 - x) as FuncSpec['js'],
  }),
  single('is-even', 'int', {
    name: 'is_even',
    returns: 'bool',
    doc: 'Return True if x is even, else False.',
    body: '    return x % 2 == 0\n',
    js: ((x: number) => pmod(x, 2) === 0) as FuncSpec['js'],
  }),
  single('is-odd', 'int', {
    name: 'is_odd',
    returns: 'bool',
    doc: 'Return True if x is odd, else False.',
    body: '    return x % 2 == 1\n',
    js: ((x: number) => pmod(x, 2) === 1) as FuncSpec['js'],
  }),
  single('sign', 'int', {
    name: 'sign',
    returns: 'int',
    doc: 'Return 1 if x is positive, -1 if x is negative and 0 if x is zero.',
    body: '    if x > 0:\n        return 1\n    if x < 0:\n        return -1\n    return 0\n',
    js: ((x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0)) as FuncSpec['js'],
  }),
  single(
    'triple',
    'int',
    {
      name: 'triple',
      returns: 'int',
      doc: 'Return x times three.',
      body: '    return 3 * x\n',
      js: ((x: number) => 3 * x) as FuncSpec['js'],
    },
    true,
  ),
  single(
    'cube',
    'int',
    {
      name: 'cube',
      returns: 'int',
      doc: 'Return x cubed.',
      body: '    return x * x * x\n',
      js: ((x: number) => x * x * x) as FuncSpec['js'],
    },
    true,
  ),
  single(
    'is-zero',
    'int',
    {
      name: 'is_zero',
      returns: 'bool',
      doc: 'Return True if x is zero, else False.',
      body: '    return x == 0\n',
      js: ((x: number) => x === 0) as FuncSpec['js'],
    },
    true,
  ),
  single(
    'is-positive',
    'int',
    {
      name: 'is_positive',
      returns: 'bool',
      doc: 'Return True if x is greater than zero, else False.',
      body: '    return x > 0\n',
      js: ((x: number) => x > 0) as FuncSpec['js'],
    },
    true,
  ),

  // ---- lists of integers
  listFamily('add-each', range(1, 10), range(11, 20), (k) => ({
    name: `add_${k}_to_each`,
    returns: 'list',
    doc: `Return a new list with ${k} added to every element of xs.`,
    body: `    return [x + ${k} for x in xs]\n`,
    js: ((xs: number[]) => xs.map((x) => x + k)) as FuncSpec['js'],
  })),
  listFamily('multiply-each', range(2, 10), range(11, 15), (k) => ({
    name: `multiply_each_by_${k}`,
    returns: 'list',
    doc: `Return a new list with every element of xs multiplied by ${k}.`,
    body: `    return [x * ${k} for x in xs]\n`,
    js: ((xs: number[]) => xs.map((x) => x * k)) as FuncSpec['js'],
  })),
  listFamily('count-greater', range(0, 10), range(11, 15), (k) => ({
    name: `count_greater_than_${k}`,
    returns: 'int',
    doc: `Return how many elements of xs are greater than ${k}.`,
    body: `    return sum(1 for x in xs if x > ${k})\n`,
    js: ((xs: number[]) => xs.filter((x) => x > k).length) as FuncSpec['js'],
  })),
  listFamily('keep-greater', range(0, 10), range(11, 15), (k) => ({
    name: `keep_greater_than_${k}`,
    returns: 'list',
    doc: `Return the elements of xs that are greater than ${k}, in their order.`,
    body: `    return [x for x in xs if x > ${k}]\n`,
    js: ((xs: number[]) => xs.filter((x) => x > k)) as FuncSpec['js'],
  })),
  listFamily('count-equal', range(0, 9), range(10, 12), (k) => ({
    name: `count_equal_to_${k}`,
    returns: 'int',
    doc: `Return how many elements of xs are equal to ${k}.`,
    body: `    return xs.count(${k})\n`,
    js: ((xs: number[]) => xs.filter((x) => x === k).length) as FuncSpec['js'],
  })),
  listFamily('contains', range(0, 9), range(10, 12), (k) => ({
    name: `contains_${k}`,
    returns: 'bool',
    doc: `Return True if ${k} is in xs, else False.`,
    body: `    return ${k} in xs\n`,
    js: ((xs: number[]) => xs.includes(k)) as FuncSpec['js'],
  })),
  listFamily('sum-first', range(1, 5), range(6, 8), (k) => ({
    name: `sum_first_${k}`,
    returns: 'int',
    doc: `Return the sum of the first ${k} elements of xs (of all of them if xs is shorter).`,
    body: `    return sum(xs[:${k}])\n`,
    js: ((xs: number[]) => xs.slice(0, k).reduce((a, b) => a + b, 0)) as FuncSpec['js'],
  })),
  single('sum-list', 'list', {
    name: 'sum_list',
    returns: 'int',
    doc: 'Return the sum of the elements of xs.',
    body: '    return sum(xs)\n',
    js: ((xs: number[]) => xs.reduce((a, b) => a + b, 0)) as FuncSpec['js'],
  }),
  single('max-list', 'list', {
    name: 'max_list',
    returns: 'int',
    doc: 'Return the largest element of xs. xs is not empty.',
    body: '    return max(xs)\n',
    js: ((xs: number[]) => Math.max(...xs)) as FuncSpec['js'],
    nonEmpty: true,
  }),
  single('min-list', 'list', {
    name: 'min_list',
    returns: 'int',
    doc: 'Return the smallest element of xs. xs is not empty.',
    body: '    return min(xs)\n',
    js: ((xs: number[]) => Math.min(...xs)) as FuncSpec['js'],
    nonEmpty: true,
  }),
  single('product-list', 'list', {
    name: 'product_list',
    returns: 'int',
    doc: 'Return the product of the elements of xs (1 for an empty list).',
    body: '    result = 1\n    for x in xs:\n        result *= x\n    return result\n',
    js: ((xs: number[]) => xs.reduce((a, b) => a * b, 1)) as FuncSpec['js'],
  }),
  single('list-length', 'list', {
    name: 'list_length',
    returns: 'int',
    doc: 'Return the number of elements in xs.',
    body: '    return len(xs)\n',
    js: ((xs: number[]) => xs.length) as FuncSpec['js'],
  }),
  single('reverse-list', 'list', {
    name: 'reverse_list',
    returns: 'list',
    doc: 'Return a new list with the elements of xs in reverse order.',
    body: '    return xs[::-1]\n',
    js: ((xs: number[]) => [...xs].reverse()) as FuncSpec['js'],
  }),
  single('sort-list', 'list', {
    name: 'sort_list',
    returns: 'list',
    doc: 'Return a new list with the elements of xs sorted from smallest to largest.',
    body: '    return sorted(xs)\n',
    js: ((xs: number[]) => [...xs].sort((a, b) => a - b)) as FuncSpec['js'],
  }),
  single('count-even', 'list', {
    name: 'count_even',
    returns: 'int',
    doc: 'Return how many elements of xs are even.',
    body: '    return sum(1 for x in xs if x % 2 == 0)\n',
    js: ((xs: number[]) => xs.filter((x) => pmod(x, 2) === 0).length) as FuncSpec['js'],
  }),
  single(
    'first-element',
    'list',
    {
      name: 'first_element',
      returns: 'int',
      doc: 'Return the first element of xs. xs is not empty.',
      body: '    return xs[0]\n',
      js: ((xs: number[]) => xs[0]!) as FuncSpec['js'],
      nonEmpty: true,
    },
    true,
  ),
  single(
    'last-element',
    'list',
    {
      name: 'last_element',
      returns: 'int',
      doc: 'Return the last element of xs. xs is not empty.',
      body: '    return xs[-1]\n',
      js: ((xs: number[]) => xs[xs.length - 1]!) as FuncSpec['js'],
      nonEmpty: true,
    },
    true,
  ),
  single(
    'count-odd',
    'list',
    {
      name: 'count_odd',
      returns: 'int',
      doc: 'Return how many elements of xs are odd.',
      body: '    return sum(1 for x in xs if x % 2 == 1)\n',
      js: ((xs: number[]) => xs.filter((x) => pmod(x, 2) === 1).length) as FuncSpec['js'],
    },
    true,
  ),

  // ---- strings
  letterFamily('count-letter', (c) => ({
    name: `count_letter_${c}`,
    returns: 'int',
    doc: `Return how many times the letter '${c}' appears in s.`,
    body: `    return s.count('${c}')\n`,
    js: ((s: string) => s.split(c).length - 1) as FuncSpec['js'],
  })),
  letterFamily('starts-with', (c) => ({
    name: `starts_with_${c}`,
    returns: 'bool',
    doc: `Return True if s starts with the letter '${c}', else False.`,
    body: `    return s.startswith('${c}')\n`,
    js: ((s: string) => s.startsWith(c)) as FuncSpec['js'],
  })),
  letterFamily('ends-with', (c) => ({
    name: `ends_with_${c}`,
    returns: 'bool',
    doc: `Return True if s ends with the letter '${c}', else False.`,
    body: `    return s.endswith('${c}')\n`,
    js: ((s: string) => s.endsWith(c)) as FuncSpec['js'],
  })),
  letterFamily('remove-letter', (c) => ({
    name: `remove_letter_${c}`,
    returns: 'str',
    doc: `Return s with every '${c}' removed.`,
    body: `    return s.replace('${c}', '')\n`,
    js: ((s: string) => s.split(c).join('')) as FuncSpec['js'],
  })),
  {
    key: 'replace-letter',
    group: 'str',
    params: ['a', 'e', 'i', 'o', 'u'].flatMap((x) =>
      ['a', 'e', 'i', 'o', 'u', 'y'].filter((y) => y !== x).map((y) => [x, y]),
    ),
    corpusParams: [
      ['s', 'z'],
      ['t', 'd'],
      ['r', 'l'],
      ['b', 'p'],
      ['m', 'n'],
    ],
    make: ([x, y]) => ({
      ...STR,
      name: `replace_${x}_with_${y}`,
      returns: 'str',
      doc: `Return s with every '${x}' replaced by '${y}'.`,
      body: `    return s.replace('${x}', '${y}')\n`,
      js: ((s: string) => s.split(x as string).join(y as string)) as FuncSpec['js'],
      edge: [x as string, `${x}${x}`, `b${x}d`],
    }),
  },
  strFamily('repeat', range(2, 5), range(6, 7), (k) => ({
    name: `repeat_${k}_times`,
    returns: 'str',
    doc: `Return s repeated ${k} times.`,
    body: `    return s * ${k}\n`,
    js: ((s: string) => s.repeat(k)) as FuncSpec['js'],
  })),
  strFamily('first-chars', range(1, 6), range(7, 9), (k) => ({
    name: `first_${k}_chars`,
    returns: 'str',
    doc: `Return the first ${k} characters of s (all of s if it is shorter).`,
    body: `    return s[:${k}]\n`,
    js: ((s: string) => s.slice(0, k)) as FuncSpec['js'],
  })),
  strFamily('last-chars', range(1, 6), range(7, 9), (k) => ({
    name: `last_${k}_chars`,
    returns: 'str',
    doc: `Return the last ${k} characters of s (all of s if it is shorter).`,
    body: `    return s[-${k}:]\n`,
    js: ((s: string) => s.slice(-k)) as FuncSpec['js'],
  })),
  {
    key: 'add-suffix',
    group: 'str',
    params: ['ing', 'ed', 'er', 's', 'ly', 'ness'].map((w) => [w]),
    corpusParams: ['est', 'ful', 'less'].map((w) => [w]),
    make: ([w]) => ({
      ...STR,
      name: `add_suffix_${w}`,
      returns: 'str',
      doc: `Return s with '${w}' added at the end.`,
      body: `    return s + '${w}'\n`,
      js: ((s: string) => s + w) as FuncSpec['js'],
      edge: [],
    }),
  },
  {
    key: 'add-prefix',
    group: 'str',
    params: ['un', 're', 'pre', 'over', 'mis'].map((w) => [w]),
    corpusParams: ['sub', 'anti', 'out'].map((w) => [w]),
    make: ([w]) => ({
      ...STR,
      name: `add_prefix_${w}`,
      returns: 'str',
      doc: `Return s with '${w}' added at the start.`,
      body: `    return '${w}' + s\n`,
      js: ((s: string) => w + s) as FuncSpec['js'],
      edge: [],
    }),
  },
  single('reverse-string', 'str', {
    name: 'reverse_string',
    returns: 'str',
    doc: 'Return s reversed.',
    body: '    return s[::-1]\n',
    js: ((s: string) => [...s].reverse().join('')) as FuncSpec['js'],
  }),
  single('count-vowels', 'str', {
    name: 'count_vowels',
    returns: 'int',
    doc: "Return how many vowels (the letters 'a', 'e', 'i', 'o' and 'u') are in s.",
    body: "    return sum(1 for c in s if c in 'aeiou')\n",
    js: ((s: string) => [...s].filter((c) => 'aeiou'.includes(c)).length) as FuncSpec['js'],
  }),
  single('to-upper', 'str', {
    name: 'to_upper',
    returns: 'str',
    doc: 'Return s in upper case.',
    body: '    return s.upper()\n',
    js: ((s: string) => s.toUpperCase()) as FuncSpec['js'],
  }),
  single('to-lower', 'str', {
    name: 'to_lower',
    returns: 'str',
    doc: 'Return s in lower case.',
    body: '    return s.lower()\n',
    js: ((s: string) => s.toLowerCase()) as FuncSpec['js'],
  }),
  single('is-palindrome', 'str', {
    name: 'is_palindrome',
    returns: 'bool',
    doc: 'Return True if s reads the same forwards and backwards, else False.',
    body: '    return s == s[::-1]\n',
    js: ((s: string) => s === [...s].reverse().join('')) as FuncSpec['js'],
  }),
  single('count-words', 'str', {
    name: 'count_words',
    returns: 'int',
    doc: 'Return the number of words in s (words are separated by spaces).',
    body: '    return len(s.split())\n',
    js: ((s: string) => s.split(' ').filter(Boolean).length) as FuncSpec['js'],
  }),
  single('string-length', 'str', {
    name: 'string_length',
    returns: 'int',
    doc: 'Return the number of characters in s.',
    body: '    return len(s)\n',
    js: ((s: string) => s.length) as FuncSpec['js'],
  }),
  single('capitalize-first', 'str', {
    name: 'capitalize_first',
    returns: 'str',
    doc: 'Return s with its first character in upper case and the rest unchanged.',
    body: '    return s[:1].upper() + s[1:]\n',
    js: ((s: string) => s.slice(0, 1).toUpperCase() + s.slice(1)) as FuncSpec['js'],
  }),
  single(
    'first-char',
    'str',
    {
      name: 'first_char',
      returns: 'str',
      doc: 'Return the first character of s, or an empty string if s is empty.',
      body: '    return s[:1]\n',
      js: ((s: string) => s.slice(0, 1)) as FuncSpec['js'],
    },
    true,
  ),
  single(
    'count-spaces',
    'str',
    {
      name: 'count_spaces',
      returns: 'int',
      doc: 'Return how many spaces are in s.',
      body: "    return s.count(' ')\n",
      js: ((s: string) => s.split(' ').length - 1) as FuncSpec['js'],
    },
    true,
  ),
  single(
    'is-empty',
    'str',
    {
      name: 'is_empty',
      returns: 'bool',
      doc: 'Return True if s has no characters, else False.',
      body: '    return len(s) == 0\n',
      js: ((s: string) => s.length === 0) as FuncSpec['js'],
    },
    true,
  ),
];

function listFamily(
  key: string,
  params: number[][],
  corpusParams: number[][],
  make: (k: number) => Omit<FuncSpec, 'args' | 'edge'>,
): Family {
  return {
    key,
    group: 'list',
    params,
    corpusParams,
    make: ([k]) => ({
      ...LIST,
      edge: [[k as number], [k as number, (k as number) + 1, (k as number) - 1], [k as number, k as number]],
      ...make(k as number),
    }),
  };
}

function strFamily(
  key: string,
  params: number[][],
  corpusParams: number[][],
  make: (k: number) => Omit<FuncSpec, 'args' | 'edge'>,
): Family {
  return { key, group: 'str', params, corpusParams, make: ([k]) => ({ ...STR, edge: [], ...make(k as number) }) };
}

function letterFamily(key: string, make: (c: string) => Omit<FuncSpec, 'args' | 'edge'>): Family {
  return {
    key,
    group: 'str',
    params: LETTERS.map((c) => [c]),
    // Corpus-only: capital letters, so each letter family is in the corpus whatever the split.
    corpusParams: ['A', 'E', 'S', 'T'].map((c) => [c]),
    make: ([c]) => ({ ...STR, edge: [c as string, `${c}${c}`, `x${c}`, `${c}x`, `${c}a${c}`], ...make(c as string) }),
  };
}
