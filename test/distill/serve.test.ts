// `kindling distill` against the project's own `kindling serve` (a tiny random model) on loopback:
// both real processes; the model is found through /v1/models, the run completes and the rows are
// well-formed (the random model's text fails the format gate: reward −2, which the rows must say).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';
import { kkPrompt, paperReward } from '../../src/tasks/kk/index.js';
import { kkFile, somePuzzles } from './helpers.js';
import { tinyTeacherFolder } from './tiny-model.js';

const model = tinyTeacherFolder('distill-tiny');
let serve: ReturnType<typeof spawn>;
let url = '';
let serveErr = '';

before(async () => {
  serve = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'kindling.js'), 'serve', '--model', model.dir, '--port', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kindling serve did not start; stderr:\n${serveErr}`)), 60_000);
    serve.stderr!.on('data', (d: Buffer) => {
      serveErr += d.toString();
      const m = /serving 'distill-tiny' .* at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(serveErr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    serve.on('exit', (code) => reject(new Error(`kindling serve exited with ${code}; stderr:\n${serveErr}`)));
  });
});
after(async () => {
  const exited = new Promise((r) => serve.on('exit', r));
  serve.kill('SIGTERM');
  await exited;
  model.cleanup();
});

describe('kindling distill against kindling serve', () => {
  it('completes a small run with well-formed rows', async () => {
    const out = join(model.dir, '..', 'serve-traces.jsonl');
    const summary = join(model.dir, '..', 'serve-summary.json');
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const c = spawn(
        process.execPath,
        [
          join(REPO_ROOT, 'bin', 'kindling.js'),
          'distill',
          '--teacher',
          `openai:${url}`,
          '--puzzles',
          kkFile(3),
          '--limit',
          '3',
          '--samples-per-puzzle',
          '2',
          '--max-tokens',
          '24',
          '--concurrency',
          '2',
          '--seed',
          '1',
          '--tokenizer',
          model.dir,
          '--out',
          out,
          '--summary',
          summary,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let o = '';
      let e = '';
      c.stdout.on('data', (d) => (o += d));
      c.stderr.on('data', (d) => (e += d));
      c.on('exit', (code) => resolve({ code, out: o, err: e }));
    });
    assert.equal(r.code, 0, `${r.err}\n--- serve:\n${serveErr}`);
    const puzzles = await somePuzzles(3, 3);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 6);
    assert.deepEqual(
      rows.map((x) => `${x.puzzle_id}/${x.sample}`).sort(),
      puzzles.flatMap((p) => [`${p.id}/0`, `${p.id}/1`]).sort(),
    );
    for (const row of rows) {
      const p = puzzles.find((x) => x.id === row.puzzle_id)!;
      assert.equal(row.id, `${p.id}-s${row.sample}`);
      assert.equal(row.people, 3);
      assert.equal(row.prompt, kkPrompt(p.quiz));
      assert.equal(typeof row.completion, 'string');
      assert.ok(['stop', 'length'].includes(row.finish_reason as string), String(row.finish_reason));
      assert.equal(row.reward, paperReward(row.completion as string, p.solution_text_format).score);
      assert.equal(row.correct, row.reward === 2);
      // Counted by re-tokenizing the text: a random byte model's broken UTF-8 decodes to U+FFFD, so this can exceed 24.
      assert.ok(Number.isInteger(row.completion_tokens) && (row.completion_tokens as number) > 0);
      assert.equal(row.teacher, `openai:${url}#distill-tiny`);
      assert.deepEqual(row.params, {
        api: 'completions',
        temperature: 0.6,
        top_p: 0.95,
        top_k: 40,
        seed: 1,
        max_tokens: 24,
        stop: ['</answer>', 'User:', 'Assistant:'],
        append_answer_close: 'stop',
      });
    }
    // The two samples of a puzzle come from one request with n = 2 and differ.
    assert.notEqual(
      rows.find((x) => x.sample === 0)!.completion,
      rows.find((x) => x.sample === 1 && x.puzzle_id === rows.find((y) => y.sample === 0)!.puzzle_id)!.completion,
    );
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    assert.deepEqual([s.status, s.samples, s.failed, s.missing], ['complete', 6, 0, 0]);
    assert.equal(s.completion_length.unit, 'tokens');
    assert.match(serveErr, /"POST \/v1\/completions" 200/);
  });
});
