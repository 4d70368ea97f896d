// code-lite: every function's docstring example checked by CPython, a sample of 30 test items
// judged in the real Pyodide sandbox through the task (correct function → +2 and a pass, a wrong
// one → −1 and a fail), and the task's load contract.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CODE_REWARD } from '../../../src/tasks/code/index.js';
import { FORMAT_PENALTY } from '../../../src/tasks/format.js';
import { codeLitePool, createCodeLiteTask } from '../../../src/tasks/lite/index.js';
import { PYTHON } from '../../peers.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
// dist/test/tasks/lite → test/tasks/lite (the .py file is not compiled)
const SCRIPT = join(HERE, '..', '..', '..', '..', 'test', 'tasks', 'lite', 'check_functions.py');

test('code-lite: every docstring example is what CPython computes; every canonical solution runs on its inputs', () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run \`bash scripts/setup.sh --peers\``);
  const pool = codeLitePool();
  const items = [
    ...[...pool.test, ...pool.train].map((e) => ({
      name: e.entry_point,
      prompt: e.prompt,
      program: e.prompt + e.canonical_solution,
      inputs: [...JSON.parse(e.base_input_json!), ...JSON.parse(e.plus_input_json!)],
    })),
    ...pool.corpus.map((f) => ({ name: f.spec.name, prompt: f.prompt, program: f.prompt + f.body, inputs: [] })),
  ];
  const problems = JSON.parse(
    execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(items), encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
  assert.deepEqual(problems, []);
  assert.ok(items.length >= 500);
});

const task = createCodeLiteTask({ check: { cacheDir: null } });
after(() => task.close());

test('code-lite: 30 test items in the sandbox — the reference function +2, a wrong one −1, evaluation agrees', async () => {
  const rows = await task.load('test');
  // Every 10th item: all three groups and many families.
  const sample = rows.filter((_, i) => i % 10 === 0);
  assert.equal(sample.length, 30);
  assert.deepEqual(new Set(sample.map((e) => e.group)), new Set(['int', 'list', 'str']));
  const results = await Promise.all(
    sample.map(async (e, i) => {
      const fn = e.prompt + e.canonical_solution;
      const good = await task.reward(` I complete the body.</think> <answer>\n\`\`\`python\n${fn}\`\`\`\n</answer>`, e);
      // Plausible but wrong: the right signature returning the argument unchanged.
      const wrongFn = `${e.prompt}    return ${e.prompt.match(/\((\w+):/)![1]}\n`;
      const bad = await task.reward(` hmm</think> <answer>\n\`\`\`python\n${wrongFn}\`\`\`\n</answer>`, e);
      // Evaluation (on a third of them, to keep CI short): no format needed, the last python block.
      const score =
        i % 3 === 0
          ? await task.score(`Here it is:\n\`\`\`python\n${fn}\`\`\``, e)
          : { correct: true, reason: 'not run' };
      return { id: e.id, good, bad, score };
    }),
  );
  for (const r of results) {
    assert.deepEqual(r.good, { score: CODE_REWARD.correct, reason: 'correct' }, r.id);
    assert.equal(r.bad.score, CODE_REWARD.wrong, `${r.id}: ${JSON.stringify(r.bad)}`);
    assert.match(r.bad.reason, /^wrong_(fail|error)$/, r.id);
    assert.equal(r.score.correct, true, `${r.id}: ${r.score.reason}`);
  }
  const e = sample[0]!;
  assert.equal((await task.reward(`\`\`\`python\n${e.prompt + e.canonical_solution}\`\`\``, e)).score, FORMAT_PENALTY);
  // The same program inside different reasoning is judged once (the memo), with the same verdict.
  const before = { ...task.stats };
  const fn = e.prompt + e.canonical_solution;
  const again = await task.reward(
    ` Another line of thought.</think> <answer>\n\`\`\`python\n${fn}\`\`\`\n</answer>`,
    e,
  );
  assert.deepEqual(again, { score: CODE_REWARD.correct, reason: 'correct' });
  assert.deepEqual(task.stats, { checks: before.checks, hits: before.hits + 1 });
  // …but a different problem with the same program is a new check
  const other = sample[1]!;
  const cross = await task.reward(` x</think> <answer>\n\`\`\`python\n${fn}\`\`\`\n</answer>`, other);
  assert.equal(cross.score, CODE_REWARD.wrong);
  assert.equal(task.stats.checks, before.checks + 1);
});

test('code-lite: load contract (counts, determinism, disjoint splits, bad split)', async () => {
  const te = await task.load('test');
  const tr = await task.load('train');
  assert.equal(te.length, 300);
  assert.equal(tr.length, 100);
  const other = createCodeLiteTask();
  assert.deepEqual(await other.load('test'), te);
  await other.close();
  const ids = new Set(te.map((x) => x.id));
  assert.ok(tr.every((x) => !ids.has(x.id)));
  await assert.rejects(task.load('all'), /code-lite: unknown split 'all' \(train, validation, test\)/);
  assert.ok(task.prompt(te[0]!, { mode: 'eval' }).endsWith(`${te[0]!.prompt}Assistant: <think>`));
});
