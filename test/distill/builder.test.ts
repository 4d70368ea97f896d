// The dataset builder against the fault-injecting server (real HTTP on loopback): every key ends up
// exactly once — a sample row or a failure record — through 429s with Retry-After, 500s, hangs,
// malformed JSON, reset connections, a server that ignores n, a prompt that always fails and one
// the server rejects; re-runs resume and retry failures; fatal errors and a dead server stop the run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type BuildOptions,
  DatasetBuilder,
  OpenAITeacher,
  sidecarPath,
  type TeacherPuzzle,
} from '../../src/distill/index.js';
import { kkPrompt, paperReward } from '../../src/tasks/kk/index.js';
import { PAPER_PROMPTS } from '../../src/tasks/prompts.js';
import { type Fault, startFaultServer } from './fault-server.js';
import { answerer, somePuzzles } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-builder-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let puzzles: TeacherPuzzle[];
before(async () => {
  puzzles = [...(await somePuzzles(3, 7)), ...(await somePuzzles(6, 7))];
});

const readJsonl = (f: string) =>
  existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
const teacherArgs = (url: string, timeoutMs = 1500) => ({
  baseURL: url,
  model: 'fault-model',
  api: 'completions' as const,
  temperature: 0.6,
  topP: 0.95,
  topK: 40,
  maxTokens: 8192,
  stop: PAPER_PROMPTS.stops.teacher,
  requestTimeoutMs: timeoutMs,
});
const teacherFor = (url: string, timeoutMs = 1500) => new OpenAITeacher(teacherArgs(url, timeoutMs));
const options = (url: string, out: string, extra: Partial<BuildOptions> = {}): BuildOptions => ({
  puzzles,
  teacher: teacherFor(url),
  out,
  samplesPerPuzzle: 3,
  concurrency: 4,
  maxAttempts: 4,
  backoff: { baseMs: 10, maxMs: 40 },
  ...extra,
});
const key = (r: Record<string, unknown>) => `${r.puzzle_id}/${r.sample}`;

describe('dataset builder under faults', () => {
  it('writes every key exactly once, records poison and rejected prompts, resumes', async () => {
    const prompts = puzzles.map((p) => kkPrompt(p.quiz));
    const faults: Fault[][] = [
      ['rate_limit'],
      ['error500', 'error500'],
      ['hang'],
      ['hang_body'],
      ['malformed'],
      ['reset'],
      ['one_choice'],
    ];
    const POISON = 7; // always 500
    const REJECTED = 8; // 400: this prompt is bad, no retries
    const server = await startFaultServer({
      answer: answerer(puzzles),
      retryAfter: '1',
      plan: (prompt, attempt) => {
        const i = prompts.indexOf(prompt);
        if (i === POISON) return 'error500';
        if (i === REJECTED) return 'bad_request';
        return faults[i]?.[attempt - 1] ?? 'ok';
      },
    });
    try {
      const out = join(dir, 'faults.jsonl');
      const logs: string[] = [];
      const s = await new DatasetBuilder(options(server.url, out, { log: (l) => logs.push(l) })).run();

      const rows = readJsonl(out);
      const failed = readJsonl(sidecarPath(out, 'failed'));
      const all = [...rows, ...failed].map(key);
      assert.equal(all.length, puzzles.length * 3, 'every key once');
      assert.equal(new Set(all).size, all.length, 'no duplicates');
      assert.deepEqual(
        [...new Set(failed.map((r) => r.puzzle_id as string))].sort(),
        [puzzles[POISON]!.id, puzzles[REJECTED]!.id].sort(),
      );
      for (const f of failed) {
        assert.equal(f.status, 'failed');
        if (f.puzzle_id === puzzles[POISON]!.id) assert.deepEqual([f.kind, f.attempts], ['server', 4]);
        else assert.deepEqual([f.kind, f.attempts], ['request', 1]);
        assert.match(String(f.error), /^HTTP (500|400)/);
      }
      assert.equal(
        server.requests.filter((r) => r.body.prompt === prompts[POISON]).length,
        4,
        'N tries for a poison row',
      );
      assert.equal(server.requests.filter((r) => r.body.prompt === prompts[REJECTED]).length, 1);

      // Retry-After: 1 pauses every request and the rate-limited prompt is retried once, successfully,
      // and the pause was logged (that Retry-After is a floor on the delay is backoffDelay's, tested
      // without a clock in teacher.test.ts).
      const limited = server.requests.filter((r) => r.body.prompt === prompts[0]);
      assert.deepEqual(
        limited.map((r) => r.fault),
        ['rate_limit', 'ok'],
      );
      assert.ok(logs.some((l) => /server asked to wait 1\.0 s, pausing all requests/.test(l)));
      assert.ok(server.maxInFlight <= 4 && server.maxInFlight >= 2, `max in flight ${server.maxInFlight}`);
      // The server that answered n=3 with one choice was asked again for the other two.
      const partial = server.requests.filter((r) => r.body.prompt === prompts[6]).map((r) => r.body.n);
      assert.deepEqual(partial, [3, 2]);

      // Rows: fields, the paper's prompt, reward, and </answer> put back where it was the stop.
      for (const r of rows) {
        assert.deepEqual(Object.keys(r), [
          'id',
          'puzzle_id',
          'sample',
          'people',
          'prompt',
          'completion',
          'finish_reason',
          'reward',
          'correct',
          'completion_tokens',
          'teacher',
          'params',
        ]);
        const p = puzzles.find((x) => x.id === r.puzzle_id)!;
        assert.equal(r.id, `${p.id}-s${r.sample}`);
        assert.equal(r.prompt, kkPrompt(p.quiz));
        assert.equal(r.reward, paperReward(r.completion as string, p.solution_text_format).score);
        assert.equal(r.correct, r.reward === 2);
        assert.equal(r.teacher, `openai:${server.url}#fault-model`);
        if (r.finish_reason === 'stop') assert.ok((r.completion as string).endsWith('</answer>'));
      }
      assert.equal(s.status, 'complete');
      const K = puzzles.length * 3;
      assert.deepEqual([s.keys, s.samples, s.kept, s.failed, s.missing], [K, K - 6, K - 6, 6, 0]);
      // One per injected fault (more only if a loaded machine made a normal answer miss the deadline).
      assert.ok(s.this_run.errors >= 1 + 2 + 1 + 1 + 1 + 1 + 4 + 1, `errors ${s.this_run.errors}`);
      assert.deepEqual(s.failures.by_kind, { server: 3, request: 3 });
      const correct = rows.filter((r) => r.correct).length;
      assert.equal(s.accuracy.overall, Math.round((correct / rows.length) * 1e4) / 1e4);
      assert.deepEqual(Object.keys(s.accuracy.by_size), ['3', '6']);
      assert.equal(s.accuracy.by_size['3']!.samples + s.accuracy.by_size['6']!.samples, K - 6);
      assert.equal(s.finish_reasons.length, rows.filter((r) => r.finish_reason === 'length').length);
      assert.ok(s.finish_reasons.length! > 0 && s.finish_reasons.stop! > 0);
      assert.equal(s.completion_length!.unit, 'chars', 'n > 1 gives no per-sample token counts');

      // A re-run against the same (still failing) server: failures recorded again, not twice.
      const again = await new DatasetBuilder(options(server.url, out)).run();
      assert.deepEqual([again.failed, again.this_run.written, again.kept], [6, 0, K - 6]);
      assert.equal(readJsonl(sidecarPath(out, 'failed')).length, 6);
      // Other sampling settings on the same file are refused, naming the file and line.
      await assert.rejects(
        new DatasetBuilder(
          options(server.url, out, { teacher: new OpenAITeacher({ ...teacherArgs(server.url), temperature: 0.7 }) }),
        ).run(),
        /faults\.jsonl:1: written by teacher .* with params .*"temperature":0\.6.*this run uses .*"temperature":0\.7/,
      );
      // The server restarted elsewhere (same model, new URL) and healthy: the failed keys are filled.
      const healthy = await startFaultServer({ answer: answerer(puzzles) });
      try {
        const done = await new DatasetBuilder(options(healthy.url, out)).run();
        assert.deepEqual([done.failed, done.kept, done.missing, done.this_run.written], [0, K, 0, 6]);
        const keys = readJsonl(out).map(key);
        assert.equal(new Set(keys).size, K);
        assert.equal(keys.length, K);
        assert.equal(existsSync(sidecarPath(out, 'failed')), false);
      } finally {
        await healthy.close();
      }
    } finally {
      await server.close();
    }
  });

  it('a recovered server fills the failed keys; --filter keeps only correct rows and remembers the rest', async () => {
    let broken = true;
    const server = await startFaultServer({
      answer: answerer(puzzles),
      plan: (prompt) => (broken && prompt === kkPrompt(puzzles[2]!.quiz) ? 'error500' : 'ok'),
    });
    try {
      const out = join(dir, 'filter.jsonl');
      const o = options(server.url, out, { filter: 'correct', maxAttempts: 2 });
      let s = await new DatasetBuilder(o).run();
      assert.equal(s.failed, 3);
      const filtered = readJsonl(sidecarPath(out, 'filtered'));
      assert.ok(readJsonl(out).every((r) => r.correct === true));
      assert.ok(filtered.length > 0 && filtered.every((r) => r.correct === false));
      assert.equal(s.samples, readJsonl(out).length + filtered.length, 'accuracy counts filtered samples too');
      broken = false;
      const before = server.requests.length;
      s = await new DatasetBuilder(options(server.url, out, { filter: 'correct' })).run();
      assert.equal(server.requests.length - before, 1, 'only the failed puzzle is asked again');
      assert.deepEqual([s.failed, s.missing, s.samples], [0, 0, puzzles.length * 3]);
      assert.equal(existsSync(sidecarPath(out, 'failed')), false, 'no failures left');
      const keys = [...readJsonl(out), ...readJsonl(sidecarPath(out, 'filtered'))].map(key);
      assert.equal(new Set(keys).size, puzzles.length * 3);
      assert.equal(keys.length, puzzles.length * 3);
    } finally {
      await server.close();
    }
  });

  it('stops the run on a wrong key or a dead server instead of failing every key', async () => {
    const server = await startFaultServer({ answer: answerer(puzzles), plan: () => 'unauthorized' });
    try {
      const s = await new DatasetBuilder(options(server.url, join(dir, 'auth.jsonl'))).run();
      assert.equal(s.status, 'aborted');
      assert.match(s.error!, /HTTP 401.*check the API key/);
      assert.equal(s.failed, 0, 'an auth error is not blamed on the keys');
      assert.ok(server.requests.length <= 4, 'nothing new is sent after a fatal error');
    } finally {
      await server.close();
    }
    const down = await startFaultServer({ answer: answerer(puzzles), plan: () => 'error500' });
    try {
      const s = await new DatasetBuilder(
        options(down.url, join(dir, 'down.jsonl'), { maxAttempts: 2, maxConsecutiveFailures: 3, concurrency: 1 }),
      ).run();
      assert.equal(s.status, 'aborted');
      assert.match(s.error!, /3 puzzles in a row failed .*the teacher looks down/);
      assert.equal(s.failed, 9);
      assert.equal(s.missing, puzzles.length * 3 - 9);
    } finally {
      await down.close();
    }
  });

  it('stop() finishes and writes the requests in flight, then a re-run completes', async () => {
    const server = await startFaultServer({ answer: answerer(puzzles), delayMs: 150 });
    try {
      const out = join(dir, 'stop.jsonl');
      let stopped = false;
      const b: DatasetBuilder = new DatasetBuilder(
        options(server.url, out, {
          onProgress: (p) => {
            if (!stopped && p.inFlight === 4) {
              stopped = true;
              b.stop();
            }
          },
        }),
      );
      const s = await b.run();
      assert.equal(s.status, 'interrupted');
      assert.equal(server.requests.length, 4, 'nothing new after stop()');
      assert.equal(s.this_run.written, 12, 'the 4 requests in flight were finished and written');
      assert.equal(s.missing, puzzles.length * 3 - 12);
      const s2 = await new DatasetBuilder(options(server.url, out)).run();
      assert.deepEqual(
        [s2.status, s2.kept, s2.missing, s2.this_run.written],
        ['complete', puzzles.length * 3, 0, puzzles.length * 3 - 12],
      );
      assert.equal(new Set(readJsonl(out).map(key)).size, readJsonl(out).length);
    } finally {
      await server.close();
    }
  });
});
