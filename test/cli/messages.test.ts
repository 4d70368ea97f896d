// What a new user sees: messages that say what is wrong and what to set, --no-progress that prints
// no progress line (only the final summary), and no warning text from the demo's first stage.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, saveModel } from '../../src/model/index.js';
import { runPlan } from '../../src/pipeline/runner.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { NO_PROGRESS_ENV } from '../../src/util/progress.js';
import { tinyQwen2 } from '../tiny-model.js';
import { kindling } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-messages-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'base');
const data = join(tmp, 'traces.jsonl');
// A progress line: "<label> 3/10 (30%) …" (plain mode, as on a pipe).
const PROGRESS_LINE = /^\S+(?: \S+)*\s+\d+\/\d+ \(\d+%\)/m;

before(() => {
  const m = initModel(tinyQwen2({ max_position_embeddings: 512 }), { seed: 2 });
  saveModel(m, base, { tokenizer: byteLevelTokenizer() });
  for (const p of m.parameters()) p.dispose();
  const rows = [
    { prompt: 'Q: 2+3? A: ', completion: '5' },
    { prompt: 'Q: 7-4? A: ', completion: '3' },
    { prompt: 'Q: 6*2? A: ', completion: '12' },
    { prompt: 'Q: 1+1? A: ', completion: '2' },
  ];
  writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
});

describe('messages and progress', () => {
  it('sft: prompts alone longer than max_length say how long they are and what to set', () => {
    const long = join(tmp, 'long.jsonl');
    const prompts = ['x'.repeat(40), 'y'.repeat(60), 'z'.repeat(50)];
    writeFileSync(long, `${prompts.map((p) => JSON.stringify({ prompt: p, completion: 'ok' })).join('\n')}\n`);
    const r = kindling(['sft', '--model', base, '--data', long, '--out', join(tmp, 'long-run'), '--max_length', '32']);
    assert.equal(r.status, 1);
    // byte-level tokenizer: one token per character; the completion adds 2 + EOS.
    assert.match(
      r.stderr,
      /long\.jsonl: no usable training rows: the prompts alone are p50 50, max 60 tokens, so with max_length 32 no completion token is left to train on \(3 of 3 rows\)\. Set max_length above the longest prompt \(--max_length 63 keeps every row whole/,
    );
    assert.doesNotMatch(r.stderr, /0 dropped/);
  });

  it('a model folder that does not exist is reported as a missing model folder', () => {
    const r = kindling(['sft', '--model', join(tmp, 'nonexistent'), '--data', data, '--out', join(tmp, 'x')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /model folder not found: .*nonexistent/);
    assert.doesNotMatch(r.stderr, /tokenizer folder/);
    const g = kindling(['generate', '--model', join(tmp, 'nonexistent'), '--prompt', 'hi']);
    assert.match(g.stderr, /model folder not found: .*nonexistent/);
  });

  it('--no-progress prints no progress line; the final summary line stays', () => {
    const out = join(tmp, 'sft-run');
    const args = ['sft', '--model', base, '--data', data, '--max_steps', '2', '--per_device_train_batch_size', '2'];
    const quiet = kindling([...args, '--out', out, '--no-progress']);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, PROGRESS_LINE);
    assert.match(quiet.stderr, /^sft: 2 steps, final loss /m);
    const shown = kindling([...args, '--out', `${out}-2`]);
    assert.match(shown.stderr, PROGRESS_LINE, 'without the flag the progress lines are there');
    // Commands that never had the flag take it too.
    const kk = (...f: string[]) =>
      kindling(['kk', 'generate', '--people', '3', '--per-size', '5', '--out', join(tmp, 'p.jsonl'), ...f]);
    const k1 = kk('--no-progress');
    assert.equal(k1.status, 0, k1.stderr);
    assert.equal(k1.stderr, '');
    assert.match(k1.stdout, /kk generate: wrote 5 puzzles/);
    assert.match(kk().stderr, PROGRESS_LINE);
  });

  it('demo/run --no-progress: no per-stage progress lines (the stages inherit the setting)', async () => {
    const out = join(tmp, 'plan');
    const stage = (id: string) => ({
      id,
      title: 'two puzzles',
      deps: [],
      spec: {},
      inputs: [],
      call: { command: 'kk generate' as const, options: { people: '3', perSize: 2, out: join(out, id, 'p.jsonl') } },
      dir: join(out, id),
      hash: id,
    });
    const run = async (id: string) => {
      const lines: string[] = [];
      await runPlan(
        out,
        { stages: [stage(id)], evalDirs: [], rlvrDirs: [], report: join(out, 'r.html') },
        {
          log: (l) => lines.push(l),
        },
      );
      return lines;
    };
    assert.ok((await run('shown')).some((l) => /^\[1\/1\] shown: done in/.test(l)));
    process.env[NO_PROGRESS_ENV] = '1';
    try {
      assert.deepEqual(await run('hidden'), []);
    } finally {
      delete process.env[NO_PROGRESS_ENV];
    }
  });

  it("the demo's first stage (kk generate) prints no warning", () => {
    // The quick demo's first stage as its plan prints it, and the full demo's (300 puzzles per
    // size: enough back-pressure waits to have shown the listener leak).
    for (const quick of [true, false]) {
      const plan = kindling(['demo', ...(quick ? ['--quick'] : []), '--dry-run', '--out', join(tmp, `demo-${quick}`)]);
      assert.equal(plan.status, 0, plan.stderr);
      const cmd = /^ +kindling (kk generate .*)$/m.exec(plan.stdout)?.[1];
      assert.ok(cmd, plan.stdout);
      const r = kindling(cmd.split(' '));
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /warning/i);
    }
  });
});
