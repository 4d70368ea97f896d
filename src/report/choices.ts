// The report's "Choices made on the validation split": each `kindling select-model` selection
// (candidates, their validation scores, the one kept), so a reader sees that the protocol was fixed
// on held-out items before the test evaluation.
import type { Selection } from '../eval/select.js';

export const CHOICES_CAPTION =
  'Choices made before the test evaluation, on validation splits disjoint from the test items (no test item was used for any choice). Accuracy in %, one column per validation task; the kept candidate is marked.';

export interface ChoiceTable {
  rule: string;
  header: string[];
  rows: string[][];
}

const p1 = (x: number) => (100 * x).toFixed(1);

export function choiceTables(selections: readonly Selection[]): ChoiceTable[] {
  return selections.map((s) => ({
    rule: s.rule,
    header: ['candidate', ...s.tasks, 'mean', 'kept'],
    rows: s.candidates.map((c) => [
      c.label,
      ...s.tasks.map((t) => p1(c.scores[t] ?? Number.NaN)),
      p1(c.mean),
      c.label === s.chosen ? 'yes' : '',
    ]),
  }));
}
