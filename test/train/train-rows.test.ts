// `grpo --train FILE` reads rows in the source datasets' own columns: Logic-RL parquet (read in
// place from ../shared/data), MATH rows (unique_id, no id), and a clear error for a row without
// the field the task needs — from the library and from the CLI (which fails before any model loads).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sharedDataDir } from '../../src/paths.js';
import { loadTrainingTask } from '../../src/train/training-tasks.js';
import { kindling } from '../cli/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-train-rows-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const logicRl = join(sharedDataDir(), 'kk', 'logic-rl', '3ppl', 'train.parquet');

describe('--train rows in the source formats', () => {
  it('reads Logic-RL parquet rows in place (id from `index`)', async () => {
    const { rows, task } = await loadTrainingTask('kk', { train: logicRl, limit: 5 });
    assert.equal(rows.length, 5);
    assert.equal(typeof rows[0]!.index, 'number');
    assert.equal(rows[0]!.id, String(rows[0]!.index));
    assert.equal(new Set(rows.map((r) => r.id)).size, 5);
    assert.equal(rows[0]!.people, 3);
    assert.match(String(rows[0]!.solution_text_format), /\(1\) .* is a (knight|knave)/);
    // the row is usable: its own gold answer earns the top reward
    const gold = `<think>ok</think>\n<answer>${rows[0]!.solution_text_format}</answer>`;
    assert.equal((await task.reward(gold, rows[0]!)).score > 0, true);
  });

  it('reads MATH rows with unique_id and no id; answer from the solution when absent', async () => {
    const file = join(tmp, 'math.jsonl');
    writeFileSync(
      file,
      `${[
        { problem: 'What is 1+1?', answer: '2', unique_id: 'test/algebra/1.json' },
        { problem: 'What is 2+3?', solution: 'We add: $\\boxed{5}$.', unique_id: 'train/algebra/7.json' },
        { problem: 'What is 3+3?', answer: '6' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
    );
    const { rows, task } = await loadTrainingTask('math', { train: file });
    assert.deepEqual(
      rows.map((r) => r.id),
      ['test/algebra/1.json', 'train/algebra/7.json', 'row-3'],
    );
    assert.equal(rows[1]!.answer, '5');
    assert.equal((await task.reward('<think>x</think>\n<answer>\\boxed{5}</answer>', rows[1]!)).score > 0, true);
  });

  it('a row lacking the needed field fails naming file, row and field', async () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ quiz: 'You meet 2 inhabitants: A and B.', solution_text_format: 'x' })}\n${JSON.stringify({ quiz: 'q', index: 3 })}\n`,
    );
    await assert.rejects(loadTrainingTask('kk', { train: file }), /bad\.jsonl:2: field 'solution_text_format'/);
    const m = join(tmp, 'bad-math.jsonl');
    writeFileSync(m, `${JSON.stringify({ problem: 'p', unique_id: 'u' })}\n`);
    await assert.rejects(loadTrainingTask('math', { train: m }), /bad-math\.jsonl:1: field 'answer' is missing/);
  });

  it('duplicate ids are an error naming both rows', async () => {
    const file = join(tmp, 'dup.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ problem: 'p', answer: '1', id: 'a' })}\n${JSON.stringify({ problem: 'q', answer: '2', id: 'a' })}\n`,
    );
    await assert.rejects(
      loadTrainingTask('math', { train: file }),
      /dup\.jsonl:2: id 'a' was already used by .*dup\.jsonl:1/,
    );
  });

  it('kindling grpo --train: a parquet row error names the file and row; unknown tasks listed once', () => {
    const r = kindling([
      'grpo',
      '--model',
      join(tmp, 'none'),
      '--task',
      'math',
      '--train',
      logicRl,
      '--out',
      join(tmp, 'out'),
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /3ppl\/train\.parquet: row 1: field 'problem' must be a non-empty string \(missing\)/);
    assert.doesNotMatch(r.stderr, /not valid JSON/);
    const u = kindling(['grpo', '--model', join(tmp, 'none'), '--task', 'nope', '--out', join(tmp, 'out')]);
    assert.match(u.stderr, /unknown task 'nope'/);
    const listed = /known: ([^;)]*)/.exec(u.stderr)![1]!.split(', ');
    assert.deepEqual(listed, [...new Set(listed)]);
    assert.ok(listed.includes('kk'));
    assert.match(u.stderr, /aliases: .*mcq → mmlu-pro/);
  });
});
