// One registry for both uses of a task name: every name or alias that evaluation accepts, training
// accepts (and the other way round), and both read selector arguments the same way (real data).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';
import { loadExperiment } from '../../src/pipeline/config.js';
import { validateExperiment } from '../../src/pipeline/experiment.js';
import { parseMmluProCategories } from '../../src/tasks/mcq/categories.js';
import { listTasks, resolveTask } from '../../src/tasks/registry.js';
import { loadTrainingTask } from '../../src/train/training-tasks.js';

// The tasks with no training rows of its own (training on them needs --train); every other task must load rows.
const NEEDS_TRAIN_FILE = new Set(['math500', 'mbppplus']);

describe('task names: one registry for training and evaluation', () => {
  const all = listTasks().flatMap((t) => [t.name, ...t.aliases].map((raw) => ({ raw, name: t.name })));

  it('keeps every name users have been told to use', () => {
    const names = new Set(all.map((n) => n.raw));
    for (const n of ['math', 'math500', 'code', 'humanevalplus', 'mcq', 'mmlu-pro', 'kk', 'mbppplus'])
      assert.ok(names.has(n), `${n} is not a task name any more`);
    for (const n of ['math-lite', 'code-lite', 'mcq-lite']) assert.ok(names.has(n), n);
  });

  for (const { raw, name } of all) {
    it(`'${raw}' is accepted for evaluation and for training, as the same task`, async () => {
      const entry = await resolveTask(raw);
      assert.equal(entry.name, name);
      try {
        if (NEEDS_TRAIN_FILE.has(name)) {
          await assert.rejects(loadTrainingTask(raw, { limit: 2 }), /needs --train FILE|has no training split/);
          return;
        }
        const t = await loadTrainingTask(raw, { limit: 2 });
        assert.equal(t.domain, entry.domain);
        assert.equal(t.task.name, entry.task.name);
        assert.ok(t.rows.length > 0 && t.rows.length <= 2, `${raw}: ${t.rows.length} training rows`);
        await t.task.close?.();
      } finally {
        await entry.close?.();
      }
    });
  }

  it('trains a task without training rows of its own from a --train file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-names-'));
    const file = join(dir, 'math.jsonl');
    writeFileSync(file, `${JSON.stringify({ problem: 'What is 1+1?', answer: '2' })}\n`);
    await assert.rejects(loadTrainingTask('math500'), /task math needs --train FILE/);
    const t = await loadTrainingTask('math500', { train: file });
    assert.equal(t.domain, 'math');
    assert.equal(t.rows.length, 1);
  });

  it('reads MMLU-Pro categories the same way for both uses', async () => {
    assert.deepEqual(parseMmluProCategories('computer_science, Physics'), ['computer science', 'physics']);
    const entry = await resolveTask('mcq:computer_science, Physics');
    assert.equal(entry.selector, 'mmlu-pro:computer_science,physics');
    const evalCategories = new Set((await entry.load()).map((r) => entry.category(r)));
    assert.deepEqual([...evalCategories].sort(), ['computer science', 'physics']);
    const t = await loadTrainingTask('mcq:computer_science, Physics');
    const trainCategories = new Set(t.rows.map((r) => r.category));
    assert.deepEqual([...trainCategories].sort(), ['computer science', 'physics']);
    // each category's 100-row train part (the paper's RLVR rows), disjoint from what is evaluated
    assert.equal(t.rows.length, 200);
    const evalIds = new Set((await entry.load()).map((r) => r.id));
    assert.ok(t.rows.every((r) => !evalIds.has(r.id)));
  });

  it('refuses an unknown category or task with the same message for both uses', async () => {
    for (const sel of ['mcq:astrology', 'mmlu-pro:astrology']) {
      await assert.rejects(resolveTask(sel), /mmlu-pro: unknown categories astrology \(known: .*physics/);
      await assert.rejects(loadTrainingTask(sel), /mmlu-pro: unknown categories astrology \(known: .*physics/);
    }
    await assert.rejects(resolveTask('gsm8k'), /unknown task 'gsm8k' \(known: math500/);
    await assert.rejects(loadTrainingTask('gsm8k'), /unknown task 'gsm8k' \(known: math500/);
  });

  it('picks K&K sizes for training as it does for evaluation', async () => {
    const t = await loadTrainingTask('kk:3,5', { limit: null });
    assert.deepEqual([...new Set(t.rows.map((r) => r.people))].sort(), [3, 5]);
  });

  it("checks an experiment file's evaluation and RLVR task names against the same table", async () => {
    const e = loadExperiment(join(REPO_ROOT, 'configs', 'paper', 'qwen2.5-3b.yaml'));
    await validateExperiment({ ...e, eval: { ...e.eval, tasks: [...e.eval.tasks, 'mcq:physics'] } });
    const badRlvr = e.rlvr.domains.map((d, i) => (i === 0 ? { ...d, task: 'gsm8k' } : d));
    await assert.rejects(
      validateExperiment({ ...e, rlvr: { ...e.rlvr, domains: badRlvr } }),
      /qwen2\.5-3b\.yaml: rlvr task 'gsm8k' is unknown \(known: .*mcq/,
    );
    await assert.rejects(
      validateExperiment({ ...e, eval: { ...e.eval, tasks: ['gsm8k'] } }),
      /evaluation task 'gsm8k' is unknown/,
    );
  });
});
