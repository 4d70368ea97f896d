// Programs to judge in the code tests: each problem's canonical solution and mutants of it
// (return None, raise, off-by-one on the result, swapped branch, boundary flip, output type
// changes, float perturbations inside and outside the tolerance, stdout noise, stdin reads), plus
// hand-made synthetic problems that exercise evalplus's comparison rules (fixtures/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../src/paths.js';
import { type CodeProblem, jsonlLines, parseCodeRow, referenceProgram } from '../../../src/tasks/code/index.js';

export interface Sample {
  id: string;
  problem: CodeProblem;
  kind: string;
  program: string;
  /** The row's JSON text without the solution (for the evalplus peer). */
  rowJson: string;
}

const FIXTURES = join(REPO_ROOT, 'test', 'tasks', 'code', 'fixtures');

/** Re-indents `wrapper` code that post-processes the canonical result into a new entry point. */
function wrap(p: CodeProblem, body: string): string {
  const e = p.entry_point;
  return `${referenceProgram(p)}\n\n_kindling_original = ${e}\n\ndef ${e}(*args, **kwargs):\n    r = _kindling_original(*args, **kwargs)\n${body}`;
}

const OFF_BY_ONE = `    if isinstance(r, bool):
        return not r
    if isinstance(r, int):
        return r + 1
    if isinstance(r, float):
        return r + 1.0
    if isinstance(r, str):
        return r + ' '
    if isinstance(r, (list, tuple)):
        return r[:-1] if r else type(r)([0])
    if isinstance(r, dict):
        return {**r, '_extra': 1}
    if isinstance(r, set):
        return r | {'_extra'}
    if r is None:
        return 0
    return r
`;

const FLOAT_NUDGE = (expr: string) => `    def nudge(v):
        if isinstance(v, float):
            return ${expr}
        if isinstance(v, list):
            return [nudge(u) for u in v]
        return v
    return nudge(r)
`;

/** The canonical solution and its mutants for one problem (mutants that do not apply are left out). */
export function mutantsOf(p: CodeProblem): { kind: string; program: string }[] {
  const out: { kind: string; program: string }[] = [{ kind: 'canonical', program: referenceProgram(p) }];
  out.push({ kind: 'return_none', program: `${p.prompt}    return None\n` });
  out.push({ kind: 'raise', program: `${p.prompt}    raise ValueError('mutant')\n` });
  out.push({ kind: 'off_by_one', program: wrap(p, OFF_BY_ONE) });
  const lines = p.canonical_solution.split('\n');
  const ifLine = lines.findIndex((l) => /^\s*(if|elif) .*:\s*$/.test(l));
  if (ifLine >= 0) {
    const swapped = [...lines];
    swapped[ifLine] = swapped[ifLine]!.replace(/^(\s*)(if|elif) (.*):\s*$/, '$1$2 not ($3):');
    out.push({ kind: 'swapped_branch', program: p.prompt + swapped.join('\n') });
  }
  const flips: [RegExp, string][] = [
    [/ <= /, ' < '],
    [/ >= /, ' > '],
    [/ < /, ' <= '],
    [/ > /, ' >= '],
  ];
  for (const [re, to] of flips) {
    if (re.test(p.canonical_solution)) {
      out.push({ kind: 'boundary', program: p.prompt + p.canonical_solution.replace(re, to) });
      break;
    }
  }
  out.push({ kind: 'list_as_tuple', program: wrap(p, '    return tuple(r) if isinstance(r, list) else r\n') });
  out.push({ kind: 'int_as_float', program: wrap(p, '    return float(r) if type(r) is int else r\n') });
  out.push({ kind: 'float_within_tol', program: wrap(p, FLOAT_NUDGE('v + 1e-9')) });
  out.push({ kind: 'float_outside_tol', program: wrap(p, FLOAT_NUDGE('v * 1.001 + 1e-3')) });
  out.push({ kind: 'prints', program: wrap(p, "    print('noise', r)\n    return r\n") });
  out.push({ kind: 'reads_stdin', program: wrap(p, '    input()\n    return r\n') });
  return out;
}

export function sample(p: CodeProblem, kind: string, program: string): Sample {
  const row = {
    task_id: p.task_id,
    prompt: p.prompt,
    entry_point: p.entry_point,
    canonical_solution: p.canonical_solution,
    atol: p.atol,
  };
  // base_input / plus_input keep their exact source text (big integers, NaN).
  const head = JSON.stringify(row).slice(0, -1);
  const rowJson = `${head}, "base_input": ${p.base_input_json}, "plus_input": ${p.plus_input_json}}`;
  return { id: `${p.task_id}#${kind}`, problem: p, kind, program, rowJson };
}

export function loadSynthetic(): { problems: CodeProblem[]; variants: Record<string, Record<string, string>> } {
  const file = join(FIXTURES, 'synthetic-problems.jsonl');
  const problems = jsonlLines(readFileSync(file, 'utf8')).map(
    ({ line, lineNo }) => parseCodeRow(line, `${file}:${lineNo}`).problem,
  );
  const variants = JSON.parse(readFileSync(join(FIXTURES, 'synthetic-variants.json'), 'utf8'));
  return { problems, variants };
}

export function syntheticSamples(): Sample[] {
  const { problems, variants } = loadSynthetic();
  const out: Sample[] = [];
  for (const p of problems) {
    out.push(sample(p, 'canonical', referenceProgram(p)));
    for (const [kind, body] of Object.entries(variants[p.task_id] ?? {})) out.push(sample(p, kind, p.prompt + body));
  }
  return out;
}
