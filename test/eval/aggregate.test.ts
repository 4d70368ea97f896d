// Aggregation on a fixed sample file (test/eval/fixtures/samples.jsonl), every number worked out by
// hand: task 'quiz', 3 examples (e1, e2 in category A; e3 in B), 4 trials, models m1 and m2.
//   m1 correct per trial: e1 1101, e2 0000, e3 1011; tokens e1 10/20/30/40, e2 5×4, e3 100/50/50/100;
//   finish 'length' twice (e1 trial 2, e3 trial 0).
//   m2: e1 1111, e2 1000, e3 1110.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aggregateTask, allComparisons, compareResults, type TaskSelection } from '../../src/eval/aggregate.js';
import { recordKey } from '../../src/eval/records.js';
import { type CellSummary, readRecords, summarize } from '../../src/eval/store.js';
import { REPO_ROOT } from '../../src/paths.js';

const FIXTURE = join(REPO_ROOT, 'test', 'eval', 'fixtures', 'samples.jsonl');
const close = (a: number | null, b: number, what: string, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

async function cells(): Promise<Map<string, CellSummary>> {
  const m = new Map<string, CellSummary>();
  for await (const r of readRecords(FIXTURE)) m.set(recordKey(r), summarize(r));
  return m;
}

const selection = (overall: 'micro' | 'macro'): TaskSelection => ({
  selector: 'quiz',
  name: 'quiz',
  domain: 'quiz',
  overall,
  examples: [
    { id: 'e1', category: 'A' },
    { id: 'e2', category: 'A' },
    { id: 'e3', category: 'B' },
  ],
});

describe('aggregation on a fixed sample file', () => {
  it('accuracy per trial, mean ± std over trials', async () => {
    const r = aggregateTask(await cells(), 'm1', selection('micro'), 4);
    assert.deepEqual(
      r.accuracy.per_trial.map((x) => Math.round(x * 3)),
      [2, 1, 1, 2],
    );
    close(r.accuracy.mean, 0.5, 'mean');
    close(r.accuracy.std, Math.sqrt(1 / 27), 'std (n − 1)');
    assert.equal(r.score, r.accuracy, 'micro headline is plain accuracy');
    assert.equal(r.cells, 12);
    assert.equal(r.complete, true);
  });

  it('per-category accuracy and the macro average over categories', async () => {
    const r = aggregateTask(await cells(), 'm1', selection('macro'), 4);
    const [a, b] = r.categories;
    assert.equal(a!.category, 'A');
    assert.deepEqual(a!.accuracy.per_trial, [0.5, 0.5, 0, 0.5]);
    close(a!.accuracy.mean, 0.375, 'A mean');
    close(a!.accuracy.std, 0.25, 'A std');
    assert.deepEqual(b!.accuracy.per_trial, [1, 0, 1, 1]);
    close(b!.accuracy.std, 0.5, 'B std');
    assert.deepEqual(r.macro!.per_trial, [0.75, 0.25, 0.5, 0.75]);
    close(r.macro!.mean, 0.5625, 'macro mean');
    close(r.macro!.std, Math.sqrt(0.171875 / 3), 'macro std');
    assert.equal(r.score, r.macro, 'macro headline');
    assert.deepEqual(r.example_category, { e1: 'A', e2: 'A', e3: 'B' });
  });

  it('unbiased pass@k, completion length, truncation rate', async () => {
    const r = aggregateTask(await cells(), 'm1', selection('micro'), 4);
    close(r.pass_at_k['1']!, 0.5, 'pass@1');
    close(r.pass_at_k['2']!, 2 / 3, 'pass@2'); // e1 and e3 have 3 of 4 correct → 1; e2 → 0
    close(r.pass_at_k['4']!, 2 / 3, 'pass@4');
    assert.deepEqual(Object.keys(r.pass_at_k), ['1', '2', '4']);
    close(r.length.per_trial[0]!, 115 / 3, 'length trial 0');
    close(r.length.mean, 35, 'length mean');
    close(r.length.std, Math.sqrt(1000 / 9), 'length std', 1e-9);
    close(r.truncation_rate, 2 / 12, 'truncation');
    assert.deepEqual(r.finish_reasons, { stop: 9, length: 2, eos: 1 });
    assert.deepEqual(r.per_example, { e1: 3, e2: 0, e3: 3 });
  });

  it('well-formed rate and reward reasons: the format gate counted over the cells found', async () => {
    const m = await cells();
    const set = (id: string, trial: number, reason: string) => {
      const k = recordKey({ model: 'm1', task: 'quiz', example_id: id, trial } as never);
      m.set(k, { ...m.get(k)!, reward_reason: reason });
    };
    set('e2', 0, 'format_no_think_close');
    set('e2', 1, 'format_no_answer_open');
    set('e3', 1, 'no_boxed');
    const r = aggregateTask(m, 'm1', selection('micro'), 4);
    close(r.well_formed_rate, 10 / 12, 'well-formed');
    assert.deepEqual(r.reward_reasons, {
      correct: 6,
      wrong: 3,
      no_boxed: 1,
      format_no_think_close: 1,
      format_no_answer_open: 1,
    });
    m.delete(recordKey({ model: 'm1', task: 'quiz', example_id: 'e2', trial: 0 } as never));
    close(aggregateTask(m, 'm1', selection('micro'), 4).well_formed_rate, 10 / 11, 'over the cells found');
  });

  it('missing cells are reported, not invented', async () => {
    const m = await cells();
    m.delete(recordKey({ model: 'm1', task: 'quiz', example_id: 'e3', trial: 3 } as never));
    const r = aggregateTask(m, 'm1', selection('micro'), 4);
    assert.equal(r.complete, false);
    assert.equal(r.cells, 11);
    assert.deepEqual(r.per_example, { e1: 3, e2: 0 }, 'pass@k and pairing use complete examples only');
    close(r.accuracy.per_trial[3]!, 0.5, 'trial 3 over the 2 examples that have it');
  });

  it('paired comparison of two models with its confidence interval', async () => {
    const c = await cells();
    const m1 = aggregateTask(c, 'm1', selection('micro'), 4);
    const m2 = aggregateTask(c, 'm2', selection('micro'), 4);
    const cmp = compareResults(m1, m2);
    // per-example accuracy m1 .75/0/.75, m2 1/.25/.75 → differences .25/.25/0
    close(cmp.diff, 1 / 6, 'diff');
    close(cmp.low, 1 / 6 - 4.30265273 / 12, 'low', 1e-6);
    close(cmp.high, 1 / 6 + 4.30265273 / 12, 'high', 1e-6);
    assert.equal(cmp.method, 'paired-t');
    assert.equal(cmp.n, 3);
    close(cmp.diff, m2.accuracy.mean - m1.accuracy.mean, 'equals the difference of means');
    const all = allComparisons([m1, m2]);
    assert.equal(all.length, 1);
    assert.equal(`${all[0]!.b} − ${all[0]!.a}`, 'm2 − m1');
  });

  it('a macro task is compared per category (stratified) and the difference is the macro difference', async () => {
    const c = await cells();
    const m1 = aggregateTask(c, 'm1', selection('macro'), 4);
    const m2 = aggregateTask(c, 'm2', selection('macro'), 4);
    const cmp = compareResults(m1, m2);
    assert.equal(cmp.method, 'paired-t-stratified');
    close(cmp.diff, m2.macro!.mean - m1.macro!.mean, 'macro difference');
  });
});
