// Per-task rules evalplus applies on top of plain "call the entry point, compare the output".
//  - MBPP+ input deserialisation (evalplus 0.3.1, data/mbpp.py mbpp_deserialize_inputs): JSON has
//    no tuples, sets or complex numbers, so some MBPP+ tasks store their inputs as lists/strings and
//    evalplus rebuilds the Python values by task number before running anything. Each group of
//    task numbers shares one rule; the rules themselves run in Python (evalplus-driver.ts, _decode).
//  - Special oracles (evalplus/eval/__init__.py unsafe_execute): a few tasks are compared by a
//    looser or different test than `out == expected`, chosen by entry point within the dataset.
// The tables are the data of those functions, restated by task number; the code is ours.

/** How a task's stored inputs become the Python arguments (see _decode in evalplus-driver.ts). */
export type InputRule =
  /** every argument: list → tuple */
  | 'tuple_args'
  /** every argument is a list of lists: each inner list → tuple */
  | 'tuple_items'
  /** every argument is a list of lists: inner lists → tuples, then the argument → tuple */
  | 'tuple_items_then_args'
  /** (first argument's items → tuples, second argument) */
  | 'tuple_items_of_first'
  /** (first argument → tuple, second argument) */
  | 'tuple_first'
  /** (first argument → tuple, second, third) */
  | 'tuple_first_of_three'
  /** (first argument, second argument → tuple) */
  | 'tuple_second'
  /** first argument's list items → tuples (other items kept), then the argument → tuple */
  | 'tuple_list_items_then_first'
  /** first argument's items: non-empty list → set, anything else → {} (evalplus writes {} here) */
  | 'sets_of_first'
  /** (float(first), complex(second)) */
  | 'float_complex'
  /** (complex(first),) */
  | 'complex_first'
  /** first argument is a dict: each value → tuple; other arguments kept */
  | 'dict_values_tuple'
  /** every list at any depth → tuple */
  | 'all_tuples';

const MBPP_RULE_GROUPS: [InputRule, number[]][] = [
  [
    'tuple_args',
    [2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630, 726, 740, 744, 809],
  ],
  ['tuple_items', [63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780]],
  ['tuple_items_of_first', [75, 413, 444, 753]],
  ['tuple_second', [106, 750]],
  ['sets_of_first', [115]],
  ['float_complex', [124]],
  ['tuple_first', [250, 405, 446, 617, 720, 763, 808]],
  ['tuple_items_then_args', [259, 401, 445]],
  ['tuple_list_items_then_first', [278]],
  ['tuple_first_of_three', [307]],
  ['dict_values_tuple', [722]],
  ['complex_first', [252]],
  ['all_tuples', [580, 615, 791]],
];

const MBPP_RULES = new Map<number, InputRule>(MBPP_RULE_GROUPS.flatMap(([rule, ids]) => ids.map((id) => [id, rule])));

/** Every rule with one MBPP+ task number that uses it (tests build a row per rule). */
export const MBPP_RULE_EXAMPLES: readonly { rule: InputRule; taskNumber: number }[] = MBPP_RULE_GROUPS.map(
  ([rule, ids]) => ({ rule, taskNumber: ids[0]! }),
);

/** Oracle names the driver knows ('' = plain comparison). */
export type Oracle =
  | ''
  | 'find_zero'
  | 'mbpp_always'
  | 'mbpp_sum_div'
  | 'mbpp_surface_area'
  | 'mbpp_digit_distance'
  | 'mbpp_set_eq'
  | 'mbpp_not_none';

const MBPP_ORACLES: Record<string, Oracle> = {
  are_equivalent: 'mbpp_always', // Mbpp/164: any output passes
  sum_div: 'mbpp_sum_div', // Mbpp/295: 0 passes too
  surface_Area: 'mbpp_surface_area', // Mbpp/581: the slant-height reading passes too
  digit_distance_nums: 'mbpp_digit_distance', // Mbpp/558: zero-padded digits pass too
  // outputs compared as sets
  similar_elements: 'mbpp_set_eq',
  find_char_long: 'mbpp_set_eq',
  common_in_nested_lists: 'mbpp_set_eq',
  extract_singly: 'mbpp_set_eq',
  larg_nnum: 'mbpp_set_eq',
  intersection_array: 'mbpp_set_eq',
  find_dissimilar: 'mbpp_set_eq',
  Diff: 'mbpp_set_eq',
  // outputs are regex matches: only "is it None" is recorded and compared
  check_str: 'mbpp_not_none',
  text_match_three: 'mbpp_not_none',
  text_starta_endb: 'mbpp_not_none',
};

/** The MBPP+ task number of an evalplus id ('Mbpp/2' → 2), or null for other datasets. */
export function mbppTaskNumber(taskId: string): number | null {
  const m = /^Mbpp\/(\d+)$/.exec(taskId);
  return m ? Number(m[1]) : null;
}

/** The input rule and oracle evalplus uses for a task. */
export function evalplusRules(taskId: string, entryPoint: string): { input_rule: InputRule | ''; oracle: Oracle } {
  const n = mbppTaskNumber(taskId);
  if (n !== null) return { input_rule: MBPP_RULES.get(n) ?? '', oracle: MBPP_ORACLES[entryPoint] ?? '' };
  // evalplus applies this oracle to HumanEval's find_zero (HumanEval/32).
  if (taskId.startsWith('HumanEval/') && entryPoint === 'find_zero') return { input_rule: '', oracle: 'find_zero' };
  return { input_rule: '', oracle: '' };
}
