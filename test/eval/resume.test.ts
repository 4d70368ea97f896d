// Resume: an interrupted evaluation recomputes nothing that was finished and never duplicates a
// cell — in process (an abort between batches, then a torn last line) and through the CLI (the
// process killed with SIGKILL while it writes).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runEval } from '../../src/eval/harness.js';
import { REPO_ROOT } from '../../src/paths.js';
import { arithmeticEntry, tinyModelDir, tinySource } from './helpers.js';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const keyOf = (line: string) => {
  const r = JSON.parse(line);
  return `${r.model}|${r.task}|${r.example_id}|${r.trial}`;
};

describe('resume', () => {
  it('an aborted run keeps its finished cells; the rerun computes only the rest; a torn last line is dropped', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kindling-eval-resume-'));
    const file = join(out, 'samples.jsonl');
    const source = tinySource(7);
    const base = {
      out,
      models: [{ label: 'tiny', source }],
      tasks: [arithmeticEntry(12)],
      batchPrompts: 2,
      protocol: { maxNewTokens: 8 },
    };

    const abort = new AbortController();
    await assert.rejects(
      runEval({
        ...base,
        signal: abort.signal,
        onProgress: (e) => e.done >= 16 && abort.abort(new Error('interrupted by the test')),
      }),
      /interrupted by the test/,
    );
    const before = lines(file);
    assert.equal(before.length, 16, 'two batches of 2 prompts × 4 trials were finished and written');
    // a crash in the middle of a write leaves half a line
    appendFileSync(file, before[0]!.slice(0, 40));

    const logs: string[] = [];
    const r = await runEval({ ...base, onLog: (m) => logs.push(m) });
    assert.equal(r.cached, 16, 'finished cells are found');
    assert.equal(r.computed, 48 - 16, 'only the missing cells are computed');
    assert.ok(r.repairedBytes > 0 && logs.some((l) => /unfinished last line/.test(l)), 'the torn line is reported');
    const after = lines(file);
    assert.equal(after.length, 48);
    assert.deepEqual(after.slice(0, 16), before, 'finished lines are untouched');
    assert.equal(new Set(after.map(keyOf)).size, 48, 'no cell twice');
    for (const l of after) JSON.parse(l); // every line is whole

    // Everything cached: nothing is computed and the model is not even loaded (its folder does not exist).
    const again = await runEval({ ...base, models: [{ label: 'tiny', dir: join(out, 'no-such-model') }] });
    assert.equal(again.computed, 0);
    assert.equal(again.cached, 48);
    assert.equal(lines(file).length, 48);
    assert.equal(again.results.results[0]!.complete, true);

    // More trials later: only the new trials are sampled, each example's old trials stay.
    const more = await runEval({ ...base, protocol: { ...base.protocol, trials: 6 } });
    assert.equal(more.cached, 48);
    assert.equal(more.computed, 24);
  });

  it('the CLI killed mid-run resumes without recomputing or duplicating', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kindling-eval-kill-'));
    const model = tinyModelDir(root, 'base', 3);
    const out = join(root, 'out');
    const file = join(out, 'samples.jsonl');
    const args = [
      join(REPO_ROOT, 'bin', 'kindling.js'),
      'eval',
      '--model',
      `base=${model}`,
      '--tasks',
      'math500',
      '--limit',
      '8',
      '--batch-size',
      '1',
      '--max-new-tokens',
      '160',
      '--out',
      out,
      '--quiet',
    ];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // kill it once at least one batch (4 trials) is on disk
    const deadline = Date.now() + 120_000;
    while (!(existsSync(file) && lines(file).length >= 4) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const text = readFileSync(file, 'utf8');
    const finished = text.split('\n').slice(0, -1); // lines with their newline written
    assert.ok(finished.length >= 4 && finished.length < 32, `killed mid-run (${finished.length} lines finished)`);

    const r = spawnSync(
      process.execPath,
      args.filter((a) => a !== '--quiet'),
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const m = /(\d+) samples computed, (\d+) cached/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(Number(m![2]), finished.length, 'every finished line is reused');
    assert.equal(Number(m![1]), 32 - finished.length, 'only unfinished cells are computed');
    const after = lines(file);
    assert.equal(after.length, 32);
    assert.deepEqual(after.slice(0, finished.length), finished);
    assert.equal(new Set(after.map(keyOf)).size, 32);
  });
});
