// The built-in symbolic teacher: for any K&K puzzle, a long, self-checking reasoning trace in the
// paper's format — the completion after "Assistant: <think>", ending
// "</think> <answer> (1) … </answer>". It restates the claims, assumes roles and follows the
// consequences claim by claim, backtracks on contradictions, re-checks every statement against the
// assignment it found and (when thorough) rules out the alternatives it skipped. Options add caught
// slips and deliberately wrong answers (to mimic an unfiltered teacher); phrasing, the order people
// are tried in and which role is tried first vary with the seed.
import { solutionTextFormat } from '../formatter.js';
import { evaluate, isLeaf, type Statement, statementKey } from '../puzzle.js';
import { solve } from '../solver.js';
import { DEFAULT_ROLES, type Roles } from '../vocabulary.js';
import { Rand } from './rand.js';
import { cap, Reasoner, type Verbosity } from './reasoner.js';

export interface TeacherPuzzle {
  statements: readonly Statement[];
  names: readonly string[];
  roles?: Roles;
}

export interface TeacherOptions {
  /** 'low': search and a short check; 'medium': + restated claims and full re-check; 'high' (default): + glosses, recaps, ruling out skipped alternatives. */
  verbosity?: 'low' | 'medium' | 'high';
  /** Probability, per deduction and per re-checked statement, of a plausible slip that is caught and corrected a few lines later. Default 0. */
  slipRate?: number;
  /** Probability that the trace deliberately ends in a wrong answer (a misread claim, or a slip left uncaught). Default 0. */
  wrongAnswerRate?: number;
  /** Seed (any string or number): the same seed and puzzle give the same trace. Default 0. */
  seed?: string | number;
}

export interface TeacherTrace {
  /** The text after "Assistant: <think>". */
  completion: string;
  /** The roles given in the answer. */
  answer: boolean[];
  /** Whether the answer equals the puzzle's unique solution. */
  correct: boolean;
  /** Slips made (and caught) in the trace. */
  slips: number;
  /** 'solved', or how a deliberately wrong answer was produced. */
  mode: 'solved' | 'misread' | 'uncaught_slip';
}

const VERBOSITY: Record<NonNullable<TeacherOptions['verbosity']>, Verbosity> = { low: 0, medium: 1, high: 2 };

/** Variants of the puzzle where one claim is misread (a role flipped, and/or or if/iff swapped) that still have one, different, solution. */
function misreadings(
  st: readonly Statement[],
  truth: readonly boolean[],
): { statements: Statement[]; person: number }[] {
  const variants = (s: Statement, speaker: number): Statement[] => {
    const out: Statement[] = [];
    if (isLeaf(s)) {
      const flipped: Statement = { op: s.op === 'knight' ? 'knave' : 'knight', person: s.person };
      if (!(flipped.op === 'knave' && s.person === speaker)) out.push(flipped);
      return out;
    }
    switch (s.op) {
      case 'not':
        out.push(s.arg);
        for (const v of variants(s.arg, speaker)) out.push({ op: 'not', arg: v });
        break;
      case 'and':
      case 'or':
        out.push({ op: s.op === 'and' ? 'or' : 'and', args: s.args });
        s.args.forEach((a, k) => {
          for (const v of variants(a, speaker))
            out.push({ op: s.op, args: s.args.map((x, j) => (j === k ? v : x)) } as Statement);
        });
        break;
      case 'implies':
        out.push({ op: 'iff', left: s.antecedent, right: s.consequent });
        for (const v of variants(s.consequent, speaker))
          out.push({ op: 'implies', antecedent: s.antecedent, consequent: v });
        break;
      case 'iff':
        out.push({ op: 'implies', antecedent: s.left, consequent: s.right });
        for (const v of variants(s.right, speaker)) out.push({ op: 'iff', left: s.left, right: v });
        break;
    }
    return out;
  };
  const found: { statements: Statement[]; person: number }[] = [];
  st.forEach((s, i) => {
    for (const v of variants(s, i)) {
      if (statementKey(v) === statementKey(s)) continue;
      const statements = st.map((x, j) => (j === i ? v : x));
      const sols = solve(statements, { limit: 2 });
      if (sols.length === 1 && sols[0]!.some((b, j) => b !== truth[j])) found.push({ statements, person: i });
    }
  });
  return found;
}

export function answerText(names: readonly string[], answer: readonly boolean[], roles: Roles = DEFAULT_ROLES): string {
  return solutionTextFormat(names, answer, roles);
}

/** Writes one reasoning trace for a puzzle (which must have exactly one solution). */
export function teachTrace(puzzle: TeacherPuzzle, options: TeacherOptions = {}): TeacherTrace {
  const roles = puzzle.roles ?? DEFAULT_ROLES;
  const { names } = puzzle;
  const solutions = solve(puzzle.statements, { limit: 2 });
  if (solutions.length !== 1)
    throw new Error(
      `the teacher needs a puzzle with exactly one solution; this one has ${solutions.length === 0 ? 'none' : 'several'}`,
    );
  const truth = solutions[0]!;
  const r = new Rand(`${options.seed ?? 0}|${puzzle.statements.map(statementKey).join(';')}|${names.join(',')}`);
  const verbosity = VERBOSITY[options.verbosity ?? 'high'];
  if (verbosity === undefined) throw new Error(`verbosity must be low, medium or high, got '${options.verbosity}'`);
  const slipRate = options.slipRate ?? 0;
  const wrongRate = options.wrongAnswerRate ?? 0;
  for (const [k, v] of [
    ['slipRate', slipRate],
    ['wrongAnswerRate', wrongRate],
  ] as const)
    if (!(v >= 0 && v <= 1)) throw new Error(`${k} must be in [0, 1], got ${v}`);

  let mode: TeacherTrace['mode'] = 'solved';
  let statements = puzzle.statements;
  if (r.chance(wrongRate)) {
    const options = misreadings(puzzle.statements, truth);
    if (options.length) {
      statements = r.pick(options).statements;
      mode = 'misread';
    } else mode = 'uncaught_slip';
  }

  const R = new Reasoner(statements, names, roles, r, verbosity, slipRate);
  const w = R.w;
  const n = names.length;

  // Opening and restatement.
  R.say(
    R.p(
      `Okay, let's work through this. There are ${n} inhabitants: ${w.list([...names])}. Knights always tell the truth and knaves always lie, so anything a knight says is true and anything a knave says is false.`,
      `Alright, we have ${n} people — ${w.list([...names])} — and each one is either a knight (always truthful) or a knave (always lying). I need to figure out who is which.`,
      `Let me think about this carefully. ${n} inhabitants: ${w.list([...names])}. A knight's statement must be true and a knave's statement must be false; that's the only rule, and I'll use it on each claim.`,
      `So the island has ${n} inhabitants here, ${w.list([...names])}. Every one of them is a knight, whose statements are true, or a knave, whose statements are false.`,
    ),
  );
  const restate = verbosity >= 1 || r.chance(0.5);
  if (restate) {
    const lines = statements.map((s, i) => {
      const g = verbosity >= 2 || (verbosity === 1 && r.chance(0.4)) ? w.gloss(s, i) : null;
      return `${i + 1}. ${w.name(i)} says: "${w.claim(s)}".${g ? ` ${g}` : ''}`;
    });
    R.say(
      `${R.p('First, let me list what everyone claims:', 'Let me write down the statements first.', "Here's what each person says:")}\n${lines.join('\n')}`,
    );
  }

  // Search.
  const found = R.search(new Array(n).fill(undefined), 0, true);
  if (!found) throw new Error('internal: the teacher found no solution for a solvable puzzle');
  R.say(
    `${R.p('So we have a complete assignment:', 'That gives a full assignment:', 'Putting it together:')} ${w.summary(found)}.`,
  );

  // Re-check every statement.
  if (mode !== 'uncaught_slip') {
    const order =
      verbosity >= 2 && r.chance(0.3) ? r.shuffle(statements.map((_, i) => i)) : statements.map((_, i) => i);
    const checks = order.map((i) => {
      const s = statements[i]!;
      const v = evaluate(s, found);
      const why = cap(w.explainValue(s, found));
      const ok = v === found[i];
      if (!ok) throw new Error('internal: the teacher verified a wrong assignment');
      const verdict = `A ${v ? 'true' : 'false'} statement from ${w.aRole(found[i]!)} — consistent.`;
      if (R.r.chance(slipRate)) {
        R.slips++;
        return `- ${w.name(i)} (${w.role(found[i]!)}) said "${w.claim(s)}". Hmm, that comes out ${w.tf(!v)}… which would not fit ${w.aRole(found[i]!)}. Wait, let me recompute that carefully. ${why}. So it's ${w.tf(v)} after all. ${verdict}`;
      }
      return `- ${w.name(i)} (${w.role(found[i]!)}) said "${w.claim(s)}". ${why}. ${verdict}`;
    });
    const head =
      verbosity === 0
        ? R.p('Quick check of each statement:', 'Let me verify quickly:')
        : R.p(
            'Now let me double-check every statement against this assignment.',
            'Before answering, let me verify each claim with these roles.',
            'Let me re-check all the statements to be sure.',
          );
    R.say(`${head}\n${checks.join('\n')}`);
  }

  // Rule out the alternatives the search never tried.
  if (verbosity >= 2 && mode === 'solved') {
    if (R.untried.length === 0)
      R.say(
        R.p(
          'Every other possibility was ruled out along the way, so this is the only solution.',
          'And since the other options all led to contradictions, the solution is unique.',
        ),
      );
    for (const alt of R.untried) {
      R.say(
        R.p(
          `But wait — I should make sure there isn't another solution. I assumed ${w.fact(alt.person, alt.value)} without trying the opposite. What if ${w.fact(alt.person, !alt.value)}?`,
          `Let me also check the other branch to be thorough: suppose instead that ${w.fact(alt.person, !alt.value)}.`,
          `Is this the only answer? Earlier I went with ${w.name(alt.person)} as ${w.aRole(alt.value)}. Let me see what happens if ${w.name(alt.person)} is ${w.aRole(!alt.value)} instead.`,
        ),
      );
      const k = alt.before.slice();
      k[alt.person] = !alt.value;
      if (R.search(k, 1, false)) throw new Error('internal: a second solution in a unique puzzle');
      R.say(
        R.p(
          `So that branch fails too: ${w.name(alt.person)} must be ${w.aRole(alt.value)}.`,
          `That also ends in a contradiction, which confirms that ${w.fact(alt.person, alt.value)}.`,
        ),
      );
    }
  }

  let answer = found.slice();
  if (mode === 'uncaught_slip') {
    const p = r.int(n);
    answer[p] = !answer[p];
    R.say(R.p('I think that settles it; no need to go over it again.', "That seems right, I'm fairly confident."));
  } else
    R.say(
      R.p(
        'Everything is consistent.',
        'All statements check out.',
        'Every claim fits, so I am confident in this answer.',
      ),
    );
  if (mode === 'misread') answer = found.slice();
  R.say(
    `${R.p('So the final answer is:', 'Final answer:', 'Therefore:')} ${w.list(names.map((_, i) => w.fact(i, answer[i]!)))}.`,
  );

  const completion = `${R.out.join('\n\n')}\n</think> <answer> ${answerText(names, answer, roles)} </answer>`;
  const correct = answer.every((b, i) => b === truth[i]);
  return { completion, answer, correct, slips: R.slips, mode };
}
