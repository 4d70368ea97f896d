// The Logic-RL K&K train files (4,500 puzzles): every quiz parses, re-formats to the identical text,
// and solves to exactly the file's answer; the statements column round-trips; and the generator
// regenerates every column of every row from seed 1234 (NumPy PCG64 reproduced).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sharedDataDir } from '../../../src/paths.js';
import {
  formatQuiz,
  generateRows,
  logicRlFile,
  parseQuiz,
  type Row,
  readRows,
  solutionTextFormat,
  solve,
  statementKey,
  statementsFromPython,
  statementsToPython,
} from '../../../src/tasks/kk/index.js';

const SIZES = [3, 4, 5, 6, 7];
const files = new Map<number, Row[]>();

before(async () => {
  for (const n of SIZES) files.set(n, await readRows(logicRlFile(sharedDataDir(), n, 'train')));
});

describe('Logic-RL K&K train files', () => {
  it('hold 900 rows per size with the columns we use', () => {
    for (const n of SIZES) {
      const rows = files.get(n)!;
      assert.equal(rows.length, 900);
      for (const k of ['quiz', 'names', 'solution', 'solution_text_format', 'statements', 'index'])
        assert.ok(k in rows[0]!, `${n}ppl lacks ${k}`);
    }
  });

  it('every quiz parses, formats back to the same text and has exactly the file’s solution', () => {
    let checked = 0;
    for (const n of SIZES) {
      for (const row of files.get(n)!) {
        const where = `${n}ppl row ${row._line}`;
        const p = parseQuiz(row.quiz as string);
        assert.deepEqual(p.names, row.names, where);
        assert.equal(formatQuiz(p.statements, p), row.quiz, `${where}: re-formatted text differs`);
        const sols = solve(p.statements);
        assert.equal(sols.length, 1, `${where}: ${sols.length} solutions`);
        assert.equal(solutionTextFormat(p.names, sols[0]!, p.roles), row.solution_text_format, where);
        assert.deepEqual(sols[0], row.solution, where);
        // The parsed trees are the file's statement trees.
        const fromColumn = statementsFromPython(row.statements as string);
        assert.deepEqual(p.statements.map(statementKey), fromColumn.map(statementKey), where);
        assert.equal(statementsToPython(fromColumn), row.statements, `${where}: statements column does not round-trip`);
        checked++;
      }
    }
    assert.equal(checked, 4500);
  });

  it('regenerates every column of all 4,500 rows from seed 1234 (stream index 100–999)', () => {
    for (const n of SIZES) {
      const rows = files.get(n)!;
      let i = 0;
      for (const gen of generateRows({ people: n, count: 900, seed: 1234, startIndex: 100 })) {
        const { _line, ...want } = rows[i]!;
        assert.deepEqual(gen, want, `${n}ppl row ${i + 1} differs`);
        // Same key order too, so JSONL output is byte-identical to a row-wise JSON dump of the file.
        assert.equal(JSON.stringify(gen), JSON.stringify(want));
        i++;
      }
      assert.equal(i, 900);
    }
  });
});
