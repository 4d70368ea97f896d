// The dataset's own short chain of thought (columns cot_head, cot_repeat_steps, cot_foot): a
// backtracking search that assumes roles person by person — knight first — moving people mentioned
// by the last accepted claim to the front of the queue, and rejects an assumption when some assigned
// person's claim can no longer be made consistent. Reproduced so generated rows match the files; the
// long, reflective traces for warmup come from the symbolic teacher instead.
import { statementText } from './formatter.js';
import { children, evaluate, isLeaf, type Statement } from './puzzle.js';
import type { Roles } from './vocabulary.js';

type Step =
  | { kind: 'ok'; person: number; value: boolean }
  | { kind: 'conflict'; person: number; value: boolean; with: number; withValue: boolean }
  | { kind: 'reconsider'; person: number; exhausted: number[] };

/** Mentions with repeats, in order (the original's _find_mentioned_people). */
function mentionsWithRepeats(s: Statement): number[] {
  return isLeaf(s) ? [s.person] : children(s).flatMap(mentionsWithRepeats);
}

/** First assigned person (by index) whose claim no completion of the others can satisfy. */
function firstConflict(statements: readonly Statement[], a: (boolean | undefined)[]): number | undefined {
  const free = a.flatMap((v, i) => (v === undefined ? [i] : []));
  const full = a.slice();
  for (let p = 0; p < a.length; p++) {
    if (a[p] === undefined) continue;
    let ok = false;
    for (let bits = 0; bits < 1 << free.length && !ok; bits++) {
      // Same set of completions as itertools.product; only existence matters.
      free.forEach((q, k) => {
        full[q] = ((bits >> k) & 1) === 0;
      });
      if (evaluate(statements[p]!, full as boolean[]) === a[p]) ok = true;
    }
    if (!ok) return p;
  }
  return undefined;
}

function search(statements: readonly Statement[]): { steps: Step[]; success: boolean } {
  const n = statements.length;
  const steps: Step[] = [];
  const a: (boolean | undefined)[] = new Array(n).fill(undefined);
  const options = new Map<number, boolean[]>();
  for (let p = 0; p < n; p++) options.set(p, [false, true]);
  let order = Array.from({ length: n }, (_, i) => i);
  let cursor = 0;
  for (;;) {
    if (cursor >= n) return { steps, success: true };
    if (options.get(order[cursor]!)!.length === 0) {
      const exhausted: number[] = [];
      while (cursor >= 0 && options.get(order[cursor]!)!.length === 0) {
        const p = order[cursor]!;
        options.set(p, [false, true]);
        a[p] = undefined;
        exhausted.push(p);
        cursor--;
      }
      if (cursor < 0) return { steps, success: false };
      steps.push({ kind: 'reconsider', person: order[cursor]!, exhausted });
    }
    const person = order[cursor]!;
    const value = options.get(person)!.pop()!;
    a[person] = value;
    const bad = firstConflict(statements, a);
    if (bad === undefined) {
      steps.push({ kind: 'ok', person, value });
      cursor++;
      let rest = order.slice(cursor);
      for (const p of mentionsWithRepeats(statements[person]!).reverse()) {
        const idx = rest.indexOf(p);
        if (idx < 0) continue;
        rest = [p, ...rest.slice(0, idx), ...rest.slice(idx + 1)];
      }
      order = [...order.slice(0, cursor), ...rest];
    } else {
      steps.push({ kind: 'conflict', person, value, with: bad, withValue: a[bad]! });
    }
  }
}

export interface DatasetCot {
  cot_head: string;
  cot_repeat_steps: string[];
  cot_foot: string;
}

/** The cot_* columns, with claims repeated (the dataset's "repeat" variant). */
export function datasetCot(statements: readonly Statement[], names: readonly string[], roles: Roles): DatasetCot {
  const { steps, success } = search(statements);
  const claim = (p: number) => statementText(statements[p]!, names, roles);
  const role = (v: boolean) => (v ? roles.a_knight : roles.a_knave);
  const text = steps.map((s) => {
    if (s.kind === 'ok')
      return `Assume ${names[s.person]} is ${role(s.value)}. No contradiction is found in their ${s.value ? '' : 'false '}claim that ${claim(s.person)}.`;
    if (s.kind === 'conflict')
      return `${names[s.person]} cannot be ${role(s.value)}, because this would contradict the ${s.withValue ? '' : 'false '}claim of ${s.with === s.person ? 'their own' : names[s.with]} that ${claim(s.with)}.`;
    const ex = s.exhausted.map((p) => names[p]!);
    const list =
      ex.length === 1
        ? ex[0]
        : ex.length === 2
          ? ex.join(' and ')
          : `${ex.slice(0, -1).join(', ')}, and ${ex[ex.length - 1]}`;
    return `We have exhausted all possibilities for ${list}, so let us go back and reconsider ${names[s.person]}.`;
  });
  return {
    cot_head:
      "Let's think step by step, by considering whether each person is lying and if that leads to contradiction.",
    cot_repeat_steps: text,
    cot_foot: success ? 'This leads to a feasible solution.' : 'All the configurations lead to contradictions.',
  };
}
