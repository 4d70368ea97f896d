// The task registry: selectors, and what each built-in task evaluates on (real data).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runEval } from '../../src/eval/harness.js';
import { sharedDataDir } from '../../src/paths.js';
import { logicRlFile } from '../../src/tasks/kk/dataset.js';
import { readRows } from '../../src/tasks/kk/files.js';
import { parseQuiz } from '../../src/tasks/kk/parser.js';
import { solve } from '../../src/tasks/kk/solver.js';
import { KK_HELDOUT_SEED, kkHeldOutSet } from '../../src/tasks/kk-heldout.js';
import { mmluProTask } from '../../src/tasks/mcq/task.js';
import { listTasks, resolveTask, splitSelectors } from '../../src/tasks/registry.js';
import { tinySource } from './helpers.js';

describe('task registry', () => {
  it('splits --tasks values into selectors', () => {
    assert.deepEqual(splitSelectors('math500,humanevalplus,mmlu-pro:physics,history,kk:3-7'), [
      'math500',
      'humanevalplus',
      'mmlu-pro:physics,history',
      'kk:3-7',
    ]);
    // `math` is an alias of math500 but also an MMLU-Pro category: inside a selector it stays a category
    assert.deepEqual(splitSelectors('mmlu-pro:physics,math,kk'), ['mmlu-pro:physics,math', 'kk']);
    assert.deepEqual(splitSelectors('kk:3,5,math500'), ['kk:3,5', 'math500']);
  });

  it('resolves selectors to canonical names and rejects unknown ones clearly', async () => {
    assert.equal((await resolveTask('math')).selector, 'math500');
    assert.equal((await resolveTask('mmlu-pro:Physics, history')).selector, 'mmlu-pro:history,physics');
    assert.equal((await resolveTask('mmlu-pro:computer_science')).selector, 'mmlu-pro:computer_science');
    assert.equal((await resolveTask('kk')).selector, 'kk:3-7');
    assert.equal((await resolveTask('kk:5,3')).selector, 'kk:3,5');
    await assert.rejects(resolveTask('gsm8k'), /unknown task 'gsm8k' \(known: math500, mmlu-pro, kk, humanevalplus/);
    await assert.rejects(resolveTask('mmlu-pro:astrology'), /unknown categories astrology/);
    await assert.rejects(resolveTask('kk:1-3'), /sizes must be ≥ 2/);
    assert.ok(listTasks().length >= 4);
  });

  it('MMLU-Pro evaluates each category’s test part only (disjoint from its 100-row train part)', async () => {
    const entry = await resolveTask('mmlu-pro:physics,history');
    const test = await entry.load();
    const train = await mmluProTask.load('train', { categories: ['physics', 'history'] });
    const trainIds = new Set(train.map((e) => e.id));
    assert.equal(train.length, 200);
    assert.equal(test.length, 1299 + 381 - 200);
    assert.ok(test.every((e) => !trainIds.has(e.id)));
    assert.equal(entry.overall, 'macro');
    assert.deepEqual([...new Set(test.map((e) => entry.category(e)))].sort(), ['history', 'physics']);
  });

  it('MATH-500 has 500 problems, grouped by subject', async () => {
    const entry = await resolveTask('math500');
    const rows = await entry.load();
    assert.equal(rows.length, 500);
    assert.equal(new Set(rows.map((e) => entry.category(e))).size, 7);
    assert.ok(rows.every((e) => typeof entry.gold(e) === 'string'));
  });

  it('K&K held-out puzzles: 100 per size for 3–7 people, uniquely solvable, disjoint from the training files', async () => {
    const entry = await resolveTask('kk:3-7');
    const rows = await entry.load();
    assert.equal(rows.length, 500);
    assert.equal(new Set(rows.map((e) => e.id)).size, 500);
    for (const n of [3, 4, 5, 6, 7]) {
      const mine = rows.filter((e) => entry.category(e) === `${n}ppl`);
      assert.equal(mine.length, 100, `${n} people`);
      // checked independently of the generator's own check: quiz texts against the training parquet
      const train = await readRows(logicRlFile(sharedDataDir(), n, 'train'));
      const trainQuizzes = new Set(train.map((r) => r.quiz));
      const overlap = mine.filter((e) => trainQuizzes.has(e.quiz as string));
      assert.equal(overlap.length, 0, `${overlap.length} held-out ${n}-people quizzes are training quizzes`);
      for (const e of mine.slice(0, 10)) {
        const q = parseQuiz(e.quiz as string);
        assert.equal(solve(q.statements, { limit: 2 }).length, 1, `${e.id} has one solution`);
      }
    }
    // and the same puzzles every time (results cached under these ids stay valid)
    const again = await kkHeldOutSet({ sizes: [4], perSize: 3 });
    assert.deepEqual(
      again.examples.map((e) => e.quiz),
      rows
        .filter((e) => e.people === 4)
        .slice(0, 3)
        .map((e) => e.quiz),
    );
    assert.ok(rows[0]!.id.includes(`s${KK_HELDOUT_SEED}`));
    assert.equal(again.checkedAgainst.length, 1);
  });

  it('HumanEval+ evaluates the 114 tasks outside the 50-task RLVR train split, through the sandbox', async () => {
    const entry = await resolveTask('humanevalplus');
    try {
      const test = await entry.load();
      const train = await entry.task.load('train');
      assert.equal(test.length, 114);
      assert.equal(train.length, 50);
      const trainIds = new Set(train.map((e) => e.id));
      assert.ok(test.every((e) => !trainIds.has(e.id)));
      // one real evaluation through the harness: a tiny model's samples are judged in the sandbox
      const out = mkdtempSync(join(tmpdir(), 'kindling-eval-code-'));
      const r = await runEval({
        out,
        models: [{ label: 'tiny', source: tinySource(5) }],
        tasks: [entry],
        limit: 2,
        protocol: { trials: 1, maxNewTokens: 8 },
      });
      const res = r.results.results[0]!;
      assert.equal(res.examples, 2);
      assert.equal(res.complete, true);
      assert.equal(res.accuracy.mean, 0);
    } finally {
      await entry.close?.();
    }
  });
});
