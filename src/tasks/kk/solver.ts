// All assignments that make every knight's statement true and every knave's false. Depth-first over
// people with three-valued pruning: a branch dies as soon as some assigned person's statement is
// already decided against their role, so 12+ people solve in well under a millisecond typically.
import { type Assignment, evaluatePartial, type Statement } from './puzzle.js';

export interface SolveOptions {
  /** Stop after this many solutions (2 is enough to test uniqueness). Default: all. */
  limit?: number;
}

/** Solutions in lexicographic order with knight (true) before knave. */
export function solve(statements: readonly Statement[], options: SolveOptions = {}): boolean[][] {
  const n = statements.length;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const a: (boolean | undefined)[] = new Array(n).fill(undefined);
  const out: boolean[][] = [];
  const consistent = (upTo: number): boolean => {
    for (let i = 0; i <= upTo; i++) {
      const v = evaluatePartial(statements[i]!, a);
      if (v !== undefined && v !== a[i]) return false;
    }
    return true;
  };
  const rec = (k: number): void => {
    if (out.length >= limit) return;
    if (k === n) {
      out.push(a.slice() as boolean[]);
      return;
    }
    for (const v of [true, false]) {
      a[k] = v;
      if (consistent(k)) rec(k + 1);
      if (out.length >= limit) break;
    }
    a[k] = undefined;
  };
  rec(0);
  return out;
}

/** True when the assignment satisfies every person's statement. */
export function isSolution(statements: readonly Statement[], assignment: Assignment): boolean {
  return statements.every((s, i) => evaluatePartial(s, assignment) === assignment[i]);
}

/** Number of solutions, counting at most `cap`. */
export function countSolutions(statements: readonly Statement[], cap = Number.POSITIVE_INFINITY): number {
  return solve(statements, { limit: cap }).length;
}
