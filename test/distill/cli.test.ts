// `kindling distill` as a user runs it: real child processes. The symbolic teacher writes what
// `kk teach` writes; a run killed with SIGKILL mid-way (and left with a half-written last line)
// resumes to exactly an uninterrupted run's keys; Ctrl-C finishes what is in flight and exits 130;
// bad input fails with the file, line or option.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, sharedDataDir } from '../../src/paths.js';
import { readRows } from '../../src/tasks/kk/index.js';
import { startFaultServer } from './fault-server.js';
import { answerer, kkFile, somePuzzles } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
}
function start(...args: string[]): Run {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), 'distill', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done };
}
const kindling = (...args: string[]) => start(...args).done;
const readJsonl = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const keys = (f: string) => readJsonl(f).map((r) => `${r.puzzle_id}/${r.sample}`);
const lineCount = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').length - 1 : 0);
async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let mixed: string;
before(async () => {
  // Three 3-people and three 7-people puzzles in one JSONL file.
  mixed = join(dir, 'mixed.jsonl');
  const rows = [...(await readRows(kkFile(3))).slice(0, 3), ...(await readRows(kkFile(7))).slice(0, 3)];
  writeFileSync(
    mixed,
    rows
      .map(({ quiz, solution_text_format, names, index }) =>
        JSON.stringify({ quiz, solution_text_format, names, index }),
      )
      .join('\n'),
  );
});

describe('kindling distill', () => {
  it('symbolic: the kk teach traces, with token counts and a summary file', async () => {
    const out = join(dir, 'sym.jsonl');
    const summary = join(dir, 'sym-summary.json');
    const tokenizer = join(sharedDataDir(), 'tokenizers', 'qwen2.5');
    const r = await kindling(
      '--teacher',
      'symbolic',
      '--puzzles',
      mixed,
      '--samples-per-puzzle',
      '2',
      '--seed',
      '5',
      '--tokenizer',
      tokenizer,
      '--out',
      out,
      '--summary',
      summary,
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /distill complete: 12\/12 samples \(12 kept\), 0 failed, 0 missing/);
    assert.match(r.out, /accuracy 100\.0 % \(3 ppl 100\.0 % of 6, 7 ppl 100\.0 % of 6\)/);
    assert.match(r.out, /completion length \(tokens\): mean/);
    assert.match(r.err, /distill +12\/12/, 'progress lines on stderr');
    const rows = readJsonl(out);
    const teach = join(dir, 'teach.jsonl');
    const t = await new Promise<number | null>((resolve) =>
      spawn(
        process.execPath,
        [
          join(REPO_ROOT, 'bin', 'kindling.js'),
          'kk',
          'teach',
          '--in',
          mixed,
          '--samples-per-puzzle',
          '2',
          '--seed',
          '5',
          '--out',
          teach,
        ],
        { stdio: 'ignore' },
      ).on('exit', resolve),
    );
    assert.equal(t, 0);
    const byId = new Map(readJsonl(teach).map((x) => [x.id, x]));
    for (const row of rows) {
      const k = byId.get(row.id)!;
      assert.equal(row.completion, k.completion, `${row.id}: the same trace as kk teach`);
      assert.equal(row.prompt, k.prompt);
      assert.equal(row.correct, true);
      assert.equal(row.finish_reason, 'stop');
      assert.ok(
        Number.isInteger(row.completion_tokens) &&
          (row.completion_tokens as number) < (row.completion as string).length / 2,
      );
    }
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    assert.deepEqual(s.accuracy.by_size, {
      '3': { samples: 6, correct: 6, accuracy: 1 },
      '7': { samples: 6, correct: 6, accuracy: 1 },
    });
    assert.equal(s.completion_length.unit, 'tokens');
    assert.deepEqual(s.finish_reasons, { stop: 12 });
    // Re-running does nothing and says so.
    const again = await kindling(
      '--teacher',
      'symbolic',
      '--puzzles',
      mixed,
      '--samples-per-puzzle',
      '2',
      '--seed',
      '5',
      '--tokenizer',
      tokenizer,
      '--out',
      out,
    );
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /this run: 0 written/);
    assert.equal(lineCount(out), 12);
  });

  it('SIGKILL mid-run, a half-written last line, re-run: the keys of an uninterrupted run, none twice', async () => {
    const puzzles = await somePuzzles(3, 30);
    const server = await startFaultServer({ answer: answerer(puzzles), delayMs: 40 });
    try {
      const args = (out: string) => [
        '--teacher',
        `openai:${server.url}#fault-model`,
        '--puzzles',
        kkFile(3),
        '--limit',
        '30',
        '--samples-per-puzzle',
        '2',
        '--concurrency',
        '3',
        '--out',
        out,
      ];
      const whole = join(dir, 'whole.jsonl');
      const w = await kindling(...args(whole));
      assert.equal(w.code, 0, w.err);

      const out = join(dir, 'killed.jsonl');
      const run = start(...args(out));
      await until(() => lineCount(out) >= 8, 'some rows');
      run.child.kill('SIGKILL');
      const killed = await run.done;
      assert.equal(killed.signal, 'SIGKILL');
      const before = lineCount(out);
      assert.ok(before >= 8 && before < 60, `${before} rows before the kill`);
      assert.ok(existsSync(`${out}.lock`), 'the killed run left its lock');
      // What a kill in the middle of a write leaves: part of a row, no newline.
      appendFileSync(
        out,
        '{"id":"kk-3ppl-129-s1","puzzle_id":"kk-3ppl-129","sample":1,"people":3,"prompt":"\\n    A conv',
      );

      const requestsBefore = server.requests.length;
      const r = await kindling(...args(out));
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /repaired .*killed\.jsonl:\d+: dropped a half-written last line/);
      assert.ok(server.requests.length - requestsBefore < 30, 'done keys were not asked again');
      const got = keys(out);
      assert.equal(new Set(got).size, got.length, 'no duplicates');
      assert.deepEqual([...got].sort(), [...keys(whole)].sort());
      assert.ok(readFileSync(out, 'utf8').endsWith('\n'));
      assert.equal(existsSync(`${out}.lock`), false);
    } finally {
      await server.close();
    }
  });

  it('Ctrl-C finishes the requests in flight, writes them and exits 130; a re-run completes', async () => {
    const puzzles = await somePuzzles(4, 12);
    const server = await startFaultServer({ answer: answerer(puzzles), delayMs: 400 });
    try {
      const out = join(dir, 'int.jsonl');
      const args = [
        '--teacher',
        `openai:${server.url}#fault-model`,
        '--puzzles',
        kkFile(4),
        '--limit',
        '12',
        '--samples-per-puzzle',
        '2',
        '--concurrency',
        '4',
        '--out',
        out,
        '--summary',
        join(dir, 'int.json'),
      ];
      const run = start(...args);
      await until(() => server.requests.length >= 4, 'requests in flight');
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, r.err);
      assert.match(r.err, /finishing the requests in flight/);
      assert.match(r.err, /interrupted; re-run the same command to resume/);
      assert.equal(server.requests.length, 4, 'nothing new was sent');
      assert.equal(lineCount(out), 8, 'the 4 requests in flight were written (n = 2 each)');
      assert.equal(JSON.parse(readFileSync(join(dir, 'int.json'), 'utf8')).status, 'interrupted');
      const again = await kindling(...args);
      assert.equal(again.code, 0, again.err);
      assert.equal(new Set(keys(out)).size, 24);
      assert.equal(lineCount(out), 24);
    } finally {
      await server.close();
    }
  });

  it('reports bad input with the file, line, field or option', async () => {
    let r = await kindling('--teacher', 'gpt', '--puzzles', mixed, '--out', join(dir, 'x.jsonl'));
    assert.equal(r.code, 1);
    assert.match(r.err, /--teacher must be 'symbolic' or 'openai:URL#MODEL'/);
    r = await kindling('--teacher', 'symbolic', '--puzzles', join(dir, 'missing.jsonl'), '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /missing\.jsonl: no such file/);
    r = await kindling('--teacher', 'symbolic', '--puzzles', mixed, '--puzzles', mixed, '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /mixed\.jsonl:1: puzzle id 'kk-3ppl-100' is already used by .*mixed\.jsonl:1/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      '{"quiz": "A very special island is inhabited only by knights and knaves. Hello.", "solution_text_format": "(1) A is a knight", "names": ["A"]}\n',
    );
    r = await kindling('--teacher', 'symbolic', '--puzzles', bad, '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /bad\.jsonl:1: field 'quiz': the quiz does not/);
    r = await kindling('--teacher', 'symbolic', '--puzzles', mixed, '--filter', 'best', '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /--filter must be one of none, format, correct; got 'best'/);
    r = await kindling(
      '--teacher',
      'openai:http://127.0.0.1:9/v1',
      '--puzzles',
      mixed,
      '--request-timeout',
      '2',
      '--out',
      join(dir, 'x.jsonl'),
    );
    assert.equal(r.code, 1);
    assert.match(r.err, /--teacher openai:http:\/\/127\.0\.0\.1:9\/v1: connection failed/);
  });

  it('has --help with the documented options', async () => {
    const r = await kindling('--help');
    assert.equal(r.code, 0);
    for (const opt of [
      '--teacher <spec>',
      '--puzzles <file>',
      '--out <file>',
      '--samples-per-puzzle <n>',
      '--temperature <t>',
      '--top-p <p>',
      '--top-k <k>',
      '--min-p <p>',
      '--seed <n>',
      '--max-tokens <n>',
      '--stop <s>',
      '--api <kind>',
      '--append-answer-close <when>',
      '--api-key-env <name>',
      '--concurrency <n>',
      '--filter <which>',
      '--request-timeout <s>',
      '--max-attempts <n>',
      '--backoff <s>',
      '--backoff-max <s>',
      '--max-consecutive-failures <n>',
      '--no-retry-failed',
      '--tokenizer <dir>',
      '--summary <file>',
      '--slip-rate <p>',
      '--wrong-rate <p>',
      '--verbosity <level>',
      '--limit <n>',
    ])
      assert.ok(r.out.includes(opt), opt);
  });
});
