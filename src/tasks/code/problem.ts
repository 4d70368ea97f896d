// One code problem, as read from an evalplus-format row (HumanEval+) or a HumanEval row.
import type { Example } from '../types.js';

export interface CodeProblem extends Example {
  /** = task_id. */
  id: string;
  task_id: string;
  /** Signature and docstring. */
  prompt: string;
  entry_point: string;
  /** Body that completes `prompt` into the reference solution. */
  canonical_solution: string;
  /** HumanEval's own `check(candidate)` test program, when the row has one. */
  test: string | null;
  /** evalplus tolerance for float outputs (0 = exact, made 1e-6 for float outputs). */
  atol: number;
  /** `base_input` / `plus_input` as their exact JSON text (Python-flavoured: NaN, big integers). */
  base_input_json: string | null;
  plus_input_json: string | null;
  n_base: number;
  n_plus: number;
}

/** The reference program evalplus runs for expected outputs: prompt + canonical_solution. */
export function referenceProgram(p: CodeProblem): string {
  return p.prompt + p.canonical_solution;
}

/** Whether the problem carries evalplus test inputs (otherwise only HumanEval's `test`). */
export function hasEvalplusInputs(p: CodeProblem): boolean {
  return p.base_input_json !== null && p.plus_input_json !== null;
}

/** The problem's own reference solution failed on its inputs: no program can be judged against it. */
export class ReferenceSolutionError extends Error {
  constructor(taskId: string, why: string) {
    super(`${taskId}: running the canonical solution failed: ${why}`);
    this.name = 'ReferenceSolutionError';
  }
}
