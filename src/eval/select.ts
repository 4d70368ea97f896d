// `kindling select-model`: pick one model among candidates by their accuracy on a validation
// evaluation (the paper's warmup learning-rate rule, its Figure 5, needs this: the rate is chosen on
// held-out items of the target domains, never on the test items), copy it to OUT/model and record
// every candidate's scores and the choice in OUT/selection.json.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { readResults, writeJsonAtomic } from './results.js';

export const SELECTION_FORMAT = 'kindling-selection/1';

export interface SelectionCandidate {
  label: string;
  /** The candidate's model folder (as its evaluation recorded it). */
  model: string;
  /** The validation results folder it was scored in. */
  results: string;
  /** Headline score per validation task selector. */
  scores: Record<string, number>;
  /** Mean of `scores`: the selection criterion. */
  mean: number;
}

export interface Selection {
  format: typeof SELECTION_FORMAT;
  rule: string;
  tasks: string[];
  candidates: SelectionCandidate[];
  chosen: string;
  /** OUT/model, a copy of the chosen candidate's folder. */
  model: string;
}

export const SELECTION_RULE =
  'highest mean over the validation tasks of the headline accuracy (mean over trials); a tie goes to the candidate given first';

export function selectionFile(dir: string): string {
  return join(dir, 'selection.json');
}

/** Reads every candidate from the results folders, picks the best, copies it to `out`/model. */
export function selectModel(o: { dirs: readonly string[]; out: string }): Selection {
  if (o.dirs.length === 0) throw new Error('select-model: give at least one validation results folder');
  const candidates: SelectionCandidate[] = [];
  let tasks: string[] | null = null;
  for (const d of o.dirs) {
    const dir = resolve(d);
    const r = readResults(dir);
    const mine = r.tasks.map((t) => t.selector);
    if (tasks === null) tasks = mine;
    else if (mine.join('\u0000') !== tasks.join('\u0000'))
      throw new Error(
        `select-model: ${d} evaluated ${mine.join(', ')} but ${o.dirs[0]} evaluated ${tasks.join(', ')}: candidates must be scored on the same tasks`,
      );
    for (const m of r.models) {
      if (!m.dir)
        throw new Error(`select-model: ${d}: model '${m.label}' has no folder recorded, so it cannot be copied`);
      if (candidates.some((c) => c.label === m.label))
        throw new Error(`select-model: model label '${m.label}' appears twice (labels must tell candidates apart)`);
      const scores: Record<string, number> = {};
      for (const t of tasks) {
        const res = r.results.find((x) => x.model === m.label && x.task === t);
        if (!res?.complete)
          throw new Error(
            `select-model: ${d}: '${m.label}' on '${t}' is ${res ? `incomplete (${res.cells} of ${res.examples * res.trials} samples)` : 'missing'}; finish the evaluation first`,
          );
        scores[t] = res.score.mean;
      }
      const values = Object.values(scores);
      candidates.push({
        label: m.label,
        model: m.dir,
        results: dir,
        scores,
        mean: values.reduce((a, b) => a + b, 0) / values.length,
      });
    }
  }
  // Strictly greater, so the first of equal candidates wins.
  const best = candidates.reduce((a, c) => (c.mean > a.mean ? c : a));
  const out = resolve(o.out);
  const model = join(out, 'model');
  if (!existsSync(best.model)) throw new Error(`select-model: the chosen model's folder ${best.model} does not exist`);
  mkdirSync(out, { recursive: true });
  rmSync(model, { recursive: true, force: true });
  // Without the trainer's checkpoints/ (inside the model folder), wherever that folder lives.
  const skip = join(best.model, 'checkpoints');
  cpSync(best.model, model, { recursive: true, filter: (src) => src !== skip && !src.startsWith(`${skip}${sep}`) });
  const selection: Selection = {
    format: SELECTION_FORMAT,
    rule: SELECTION_RULE,
    tasks: tasks!,
    candidates,
    chosen: best.label,
    model,
  };
  writeJsonAtomic(selectionFile(out), selection);
  return selection;
}

/** Reads OUT/selection.json (or the file itself), checking its format. */
export function readSelection(path: string): Selection {
  const file = path.endsWith('.json') ? path : selectionFile(path);
  let v: Selection;
  try {
    v = JSON.parse(readFileSync(file, 'utf8')) as Selection;
  } catch (e) {
    throw new Error(`${file}: cannot read a selection (${(e as Error).message})`);
  }
  if (v?.format !== SELECTION_FORMAT) throw new Error(`${file}: field 'format' must be '${SELECTION_FORMAT}'`);
  if (!Array.isArray(v.candidates) || !v.candidates.some((c) => c.label === v.chosen))
    throw new Error(`${file}: field 'chosen' must name one of the candidates`);
  return v;
}
