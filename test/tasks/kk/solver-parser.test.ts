// Solver against brute force, the parser on every template and on bad text, the statements codec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  and,
  DEFAULT_ROLES,
  evaluate,
  formatQuiz,
  generatePuzzles,
  iff,
  implies,
  KkParseError,
  knave,
  knight,
  not,
  or,
  parseQuiz,
  parseStatement,
  SAYING_TEMPLATES,
  type Statement,
  solve,
  statementKey,
  statementsFromPython,
  statementsToPython,
} from '../../../src/tasks/kk/index.js';

function bruteForce(st: Statement[]): boolean[][] {
  const out: boolean[][] = [];
  const n = st.length;
  for (let bits = 0; bits < 1 << n; bits++) {
    // Knight-first lexicographic order, like itertools.product([True, False]).
    const a = Array.from({ length: n }, (_, i) => ((bits >> (n - 1 - i)) & 1) === 0);
    if (st.every((s, i) => evaluate(s, a) === a[i])) out.push(a);
  }
  return out;
}

describe('K&K solver', () => {
  it('finds exactly the brute-force solutions, in the same order, for random (also ambiguous) puzzles', () => {
    for (const people of [2, 3, 5, 8]) {
      for (const p of generatePuzzles(60, {
        people,
        seed: people,
        requireSolution: false,
        requireUnique: false,
        depth: 3,
        width: 3,
      })) {
        assert.deepEqual(solve(p.statements), bruteForce(p.statements));
      }
    }
  });

  it('handles no solution, several solutions and the limit', () => {
    assert.deepEqual(solve([knave(0), knight(0)]), []); // person 0 says "I am a knave"
    assert.equal(solve([knight(0), knight(1)]).length, 4);
    assert.equal(solve([knight(0), knight(1)], { limit: 2 }).length, 2);
  });

  it('solves 12- and 16-person puzzles and agrees with brute force on 12', () => {
    const chain12: Statement[] = Array.from({ length: 12 }, (_, i) =>
      i === 11 ? knight(0) : i % 2 ? knave(i + 1) : knight(i + 1),
    );
    assert.deepEqual(solve(chain12), bruteForce(chain12));
    const [p] = generatePuzzles(1, { people: 16, seed: 3 });
    assert.equal(solve(p!.statements).length, 1);
  });
});

describe('K&K parser', () => {
  const names = ['Emma', 'Liam', 'Olivia'];
  const st: Statement[] = [implies(knight(1), knave(2)), iff(knave(0), knight(2)), or(knight(0), not(knight(1)))];

  it('reads every saying template and any speaking order', () => {
    for (let t = 0; t < SAYING_TEMPLATES.length; t++) {
      const surface = { names, templates: [t, (t + 5) % 18, (t + 11) % 18], order: [2, 0, 1] };
      const quiz = formatQuiz(st, surface);
      const p = parseQuiz(quiz);
      assert.deepEqual(p.statements.map(statementKey), st.map(statementKey), quiz);
      assert.deepEqual(p.templates, surface.templates);
      assert.deepEqual(p.order, surface.order);
      assert.equal(formatQuiz(p.statements, p), quiz);
    }
  });

  it('reads nested statements and other role words', () => {
    const deep: Statement[] = [
      not(and(knight(1), or(knave(2), knight(0)))),
      implies(iff(knight(0), knave(2)), not(knight(2))),
      knight(2),
    ];
    const roles = {
      ...DEFAULT_ROLES,
      knight: 'saint',
      knave: 'sinner',
      Knight: 'Saint',
      Knave: 'Sinner',
      a_knight: 'a saint',
      a_knave: 'a sinner',
    };
    const quiz = formatQuiz(deep, { names, templates: [0, 3, 7], roles });
    assert.match(quiz, /it is not the case that \(Liam is a saint and \(Olivia is a sinner or Emma is a saint\)\)/);
    const p = parseQuiz(quiz);
    assert.deepEqual(p.statements.map(statementKey), deep.map(statementKey));
    assert.equal(p.roles.a_knave, 'a sinner');
  });

  it('names the sentence it cannot read', () => {
    const quiz = formatQuiz(st, { names, templates: [0, 1, 2] }).replace('Liam told you that', 'Liam sang that');
    assert.throws(
      () => parseQuiz(quiz),
      (e: Error) =>
        e instanceof KkParseError &&
        /sentence 2 .*"Liam sang that Emma is a knave if and only if Olivia is a knight\."/.test(e.message),
    );
    const bad = formatQuiz(st, { names, templates: [0, 1, 2] }).replace('Olivia is a knight', 'Zed is a knight');
    assert.throws(() => parseQuiz(bad), /sentence 2 .*expected an inhabitant's name .*"Zed"/);
    assert.throws(() => parseQuiz('Hello there.'), /does not start with the K&K introduction/);
    assert.throws(
      () => parseStatement('Emma is a knight and Liam is a knave or Olivia is a knight', names, DEFAULT_ROLES),
      /mixed without parentheses/,
    );
    const silent = formatQuiz(st, { names, templates: [0, 1, 2] }).replace(
      / "Emma is a knight or Liam is not a knight\." - Olivia\.| Olivia said, "Emma is a knight or Liam is not a knight\."/,
      '',
    );
    assert.throws(() => parseQuiz(silent), /no statement from Olivia/);
  });

  it('the statements column codec round-trips and rejects junk', () => {
    const text =
      "(('->', ('telling-truth', 1), ('lying', 2)), ('<=>', ('lying', 0), ('telling-truth', 2)), ('or', ('telling-truth', 0), ('not', ('telling-truth', 1))))";
    assert.deepEqual(statementsFromPython(text).map(statementKey), st.map(statementKey));
    assert.equal(statementsToPython(st), text);
    assert.throws(() => statementsFromPython("(('xor', ('lying', 0)),)"), /unknown operator 'xor'/);
    assert.throws(() => statementsFromPython("(('lying', 5), ('lying', 0))"), /bad person index 5/);
  });
});
