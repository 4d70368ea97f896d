// Generated puzzles: unique solutions, text that parses back to the same trees, the dataset's
// statement-type mix, determinism, and the knobs (depth, width, self-knave, no dedup).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedDataDir } from '../../../src/paths.js';
import {
  children,
  depth,
  evaluate,
  formatQuiz,
  generatePuzzles,
  isLeaf,
  logicRlFile,
  parseQuiz,
  readRows,
  type Statement,
  sampleSurface,
  solve,
  statementKey,
  statementsFromPython,
} from '../../../src/tasks/kk/index.js';

const TYPES = ['leaf', 'not', 'and', 'or', 'implies', 'iff'] as const;
const kind = (s: Statement) => (isLeaf(s) ? 'leaf' : s.op);

const saysSelfKnave = (s: Statement, speaker: number): boolean =>
  isLeaf(s) ? s.op === 'knave' && s.person === speaker : children(s).some((c) => saysSelfKnave(c, speaker));

function mix(statements: Statement[][]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(TYPES.map((t) => [t, 0]));
  let total = 0;
  for (const st of statements)
    for (const s of st) {
      counts[kind(s)]!++;
      total++;
    }
  return Object.fromEntries(TYPES.map((t) => [t, counts[t]! / total]));
}

function roundTrip(statements: Statement[], seed: number): void {
  const surface = sampleSurface(statements.length, seed);
  const quiz = formatQuiz(statements, surface);
  const p = parseQuiz(quiz);
  assert.deepEqual(p.names, surface.names);
  assert.deepEqual(p.statements.map(statementKey), statements.map(statementKey), quiz);
  assert.equal(formatQuiz(p.statements, p), quiz);
}

describe('K&K generator', () => {
  it('sizes 2–8, several seeds: one solution each, no duplicates, text re-parses to the same trees', () => {
    for (let n = 2; n <= 8; n++) {
      for (const seed of [1, 7, 2024]) {
        const puzzles = generatePuzzles(40, { people: n, seed });
        const keys = new Set(puzzles.map((p) => p.statements.map(statementKey).join(';')));
        assert.equal(keys.size, puzzles.length, `duplicates for n=${n} seed=${seed}`);
        puzzles.forEach((p, i) => {
          const sols = solve(p.statements);
          assert.equal(sols.length, 1, `n=${n} seed=${seed} #${i}`);
          assert.deepEqual(sols[0], p.solution);
          p.statements.forEach((s, speaker) => {
            assert.ok(depth(s) <= 2);
            assert.ok(!saysSelfKnave(s, speaker), 'a person said "I am a knave"');
          });
          roundTrip(p.statements, seed + i);
        });
      }
    }
  });

  it('has the dataset’s statement-type mix (within 3 points per type)', async () => {
    const data: Statement[][] = [];
    for (const n of [3, 4, 5, 6, 7])
      for (const row of await readRows(logicRlFile(sharedDataDir(), n, 'train')))
        data.push(statementsFromPython(row.statements as string));
    const ours: Statement[][] = [];
    for (const n of [3, 4, 5, 6, 7])
      for (const seed of [11, 12]) ours.push(...generatePuzzles(200, { people: n, seed }).map((p) => p.statements));
    const a = mix(data);
    const b = mix(ours);
    const report = TYPES.map((t) => `${t} ${(a[t]! * 100).toFixed(1)}% vs ${(b[t]! * 100).toFixed(1)}%`).join(', ');
    console.log(`statement types, dataset vs generated: ${report}`);
    for (const t of TYPES) assert.ok(Math.abs(a[t]! - b[t]!) < 0.03, `${t}: ${report}`);
  });

  it('is deterministic in the seed and differs across seeds', () => {
    const a = generatePuzzles(20, { people: 5, seed: 99 }).map((p) => p.statements.map(statementKey).join(';'));
    const b = generatePuzzles(20, { people: 5, seed: 99 }).map((p) => p.statements.map(statementKey).join(';'));
    const c = generatePuzzles(20, { people: 5, seed: 100 }).map((p) => p.statements.map(statementKey).join(';'));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('honours depth, width and the other knobs, and deeper trees still round-trip through text', () => {
    const deep = generatePuzzles(30, { people: 4, seed: 5, depth: 3, width: 3 });
    assert.ok(
      deep.some((p) => p.statements.some((s) => depth(s) === 3)),
      'no depth-3 statement drawn',
    );
    assert.ok(
      deep.some((p) => p.statements.some((s) => (s.op === 'and' || s.op === 'or') && s.args.length === 3)),
      'no 3-operand and/or',
    );
    deep.forEach((p, i) => {
      assert.ok(p.statements.every((s) => depth(s) <= 3));
      roundTrip(p.statements, i);
    });
    // "I am a knave" is a paradox, so such puzzles only survive without the solution filters.
    const loose = { people: 3, seed: 3, requireSolution: false, requireUnique: false } as const;
    const selfKnave = generatePuzzles(100, { ...loose, allowSelfKnave: true });
    assert.ok(
      selfKnave.some((p) => p.statements.some((s, i) => saysSelfKnave(s, i))),
      'allowSelfKnave never drew "I am a knave"',
    );
    assert.ok(
      selfKnave.some((p) => p.allSolutions.length === 0),
      'requireSolution: false never kept an unsolvable puzzle',
    );
    assert.ok(!generatePuzzles(100, loose).some((p) => p.statements.some((s, i) => saysSelfKnave(s, i))));
    const noDedup = generatePuzzles(300, { ...loose, dedupOperands: false });
    assert.ok(
      noDedup.some((p) =>
        p.statements.some(
          (s) => (s.op === 'and' || s.op === 'or') && statementKey(s.args[0]!) === statementKey(s.args[1]!),
        ),
      ),
      'dedupOperands: false never repeated an operand',
    );
    const multi = generatePuzzles(50, { people: 3, seed: 4, requireUnique: false });
    assert.ok(
      multi.some((p) => p.allSolutions.length > 1),
      'requireUnique: false never kept an ambiguous puzzle',
    );
    for (const p of multi)
      for (const sol of p.allSolutions) assert.ok(p.statements.every((s, i) => evaluate(s, sol) === sol[i]));
    assert.throws(() => generatePuzzles(1, { people: 1 }), /people must be an integer ≥ 2/);
    assert.throws(
      () => generatePuzzles(5, { people: 2, seed: 1, maxRetry: 1 }),
      /no puzzle passed the filters in 1 attempts/,
    );
  });

  it('supports 12 people (generation and solving)', () => {
    const puzzles = generatePuzzles(3, { people: 12, seed: 8 });
    for (const p of puzzles) {
      assert.equal(p.statements.length, 12);
      assert.equal(solve(p.statements).length, 1);
    }
  });
});
