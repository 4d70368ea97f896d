// The openai teacher against a real HTTP server on loopback: what it sends (the paper's sampling
// fields, vLLM's extra ones, the key from the environment), how each failure is classified, and how
// completions are normalised (</answer> put back, chat reasoning folded into the think block).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  appendClose,
  backoffDelay,
  chatToCompletion,
  createOpenAITeacher,
  deriveSeed,
  OpenAITeacher,
  type OpenAITeacherOptions,
  parseRetryAfter,
  parseTeacherSpec,
  TeacherError,
  type TeacherPuzzle,
} from '../../src/distill/index.js';
import { kkPrompt, paperReward } from '../../src/tasks/kk/index.js';
import { PAPER_PROMPTS } from '../../src/tasks/prompts.js';
import { type Fault, type FaultServer, startFaultServer } from './fault-server.js';
import { answerer, somePuzzles } from './helpers.js';

let puzzles: TeacherPuzzle[];
let server: FaultServer;
let fault: Fault = 'ok';

before(async () => {
  puzzles = await somePuzzles(4, 3);
  server = await startFaultServer({ answer: answerer(puzzles), plan: () => fault, retryAfter: '7' });
});
after(() => server.close());

const teacher = (extra: Partial<OpenAITeacherOptions> = {}) =>
  new OpenAITeacher({
    baseURL: server.url,
    model: 'fault-model',
    api: 'completions',
    apiKey: 'sk-test-123',
    temperature: 0.6,
    topP: 0.95,
    topK: 40,
    maxTokens: 8192,
    stop: PAPER_PROMPTS.stops.teacher,
    requestTimeoutMs: 1000,
    ...extra,
  });
const ask = (t: OpenAITeacher, samples = [0, 1, 2, 3]) =>
  t.generate({ puzzle: puzzles[0]!, prompt: kkPrompt(puzzles[0]!.quiz), samples }, new AbortController().signal);
async function failure(t: OpenAITeacher): Promise<TeacherError> {
  try {
    await ask(t);
  } catch (e) {
    assert.ok(e instanceof TeacherError, String(e));
    return e;
  }
  assert.fail('expected a failure');
}

describe('openai teacher', () => {
  it("sends the paper's sampling fields, vLLM's extra ones and the API key", async () => {
    fault = 'ok';
    const got = await ask(teacher({ minP: 0.05, seed: 11 }));
    const req = server.requests.at(-1)!;
    assert.equal(req.path, '/v1/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test-123');
    const { prompt, ...rest } = req.body;
    assert.equal(prompt, kkPrompt(puzzles[0]!.quiz), 'the raw prompt, no chat template');
    assert.deepEqual(rest, {
      model: 'fault-model',
      n: 4,
      temperature: 0.6,
      top_p: 0.95,
      max_tokens: 8192,
      stop: ['</answer>', 'User:', 'Assistant:'],
      top_k: 40,
      min_p: 0.05,
      seed: deriveSeed(11, puzzles[0]!.id, 0),
    });
    assert.equal(got.length, 4);
    // </answer> is put back on the samples that stopped on it, not on the one cut by length.
    assert.equal(paperReward(got[0]!.completion, puzzles[0]!.solution_text_format).score, 2);
    assert.equal(paperReward(got[1]!.completion, puzzles[0]!.solution_text_format).score, -0.5);
    assert.ok(got[0]!.completion.endsWith('</answer>'));
    assert.equal(got[2]!.finishReason, 'length');
    assert.ok(!got[2]!.completion.includes('</answer>'));
    assert.equal(got[0]!.completionTokens, null, 'usage sums all choices, so no per-sample count');
    const one = await ask(teacher(), [3]);
    assert.equal(typeof one[0]!.completionTokens, 'number');
    assert.equal(server.requests.at(-1)!.body.top_k, 40);
    assert.equal('min_p' in server.requests.at(-1)!.body, false, 'unset extras are not sent');
    assert.equal('seed' in server.requests.at(-1)!.body, false);
  });

  it('classifies every failure', async () => {
    const cases: [Fault, string, boolean][] = [
      ['rate_limit', 'rate_limit', true],
      ['error500', 'server', true],
      ['hang', 'timeout', true],
      ['hang_body', 'timeout', true],
      ['malformed', 'bad_response', true],
      ['reset', 'connection', true],
      ['bad_request', 'request', false],
      ['unauthorized', 'auth', false],
      ['not_found', 'not_found', false],
    ];
    for (const [f, kind, retryable] of cases) {
      fault = f;
      const e = await failure(teacher());
      assert.equal(e.kind, kind, `${f}: ${e.message}`);
      assert.equal(e.retryable, retryable, f);
      if (f === 'rate_limit') assert.equal(e.retryAfterMs, 7000, 'Retry-After: 7 (seconds)');
      if (f === 'unauthorized' || f === 'not_found') assert.ok(e.fatal);
    }
    fault = 'ok';
  });

  it('stops at once when the run is cancelled', async () => {
    fault = 'hang';
    const ctl = new AbortController();
    const t = teacher({ requestTimeoutMs: 60_000 });
    const p = t.generate({ puzzle: puzzles[0]!, prompt: kkPrompt(puzzles[0]!.quiz), samples: [0] }, ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(p, (e: TeacherError) => e.kind === 'aborted');
    fault = 'ok';
  });

  it('chat completions: one user message, reasoning folded into the think block', async () => {
    fault = 'ok';
    const got = await ask(teacher({ api: 'chat' }), [0]);
    const req = server.requests.at(-1)!;
    assert.equal(req.path, '/v1/chat/completions');
    assert.deepEqual(req.body.messages, [{ role: 'user', content: kkPrompt(puzzles[0]!.quiz) }]);
    assert.equal(paperReward(got[0]!.completion, puzzles[0]!.solution_text_format).score, 2);
    assert.equal(chatToCompletion('<answer> x </answer>', 'I think.\n'), 'I think.\n</think> <answer> x </answer>');
    assert.equal(chatToCompletion('<think>\nhmm</think> <answer> x', null), 'hmm</think> <answer> x');
  });

  it('finds the model when the spec names none', async () => {
    const t = await createOpenAITeacher({
      baseURL: server.url,
      api: 'completions',
      temperature: 0.6,
      topP: 0.95,
      maxTokens: 10,
      stop: [],
      requestTimeoutMs: 1000,
    });
    assert.equal(t.id, `openai:${server.url}#fault-model`);
  });

  it('puts </answer> back only where it was the stop', () => {
    assert.equal(appendClose('a <answer> x ', 'stop', '</answer>', 'stop'), 'a <answer> x </answer>');
    assert.equal(appendClose('a <answer> x ', 'stop', 'User:', 'stop'), 'a <answer> x ');
    assert.equal(appendClose('a <answer> x ', 'stop', undefined, 'stop'), 'a <answer> x </answer>', 'unclosed answer');
    assert.equal(appendClose('no answer', 'stop', null, 'stop'), 'no answer');
    assert.equal(appendClose('a <answer> x ', 'length', null, 'stop'), 'a <answer> x ');
    assert.equal(appendClose('cut', 'length', null, 'always'), 'cut</answer>');
    assert.equal(appendClose('a <answer> x ', 'stop', '</answer>', 'never'), 'a <answer> x ');
  });
});

describe('retry timing and teacher specs', () => {
  it('backs off exponentially with jitter and honours Retry-After as a floor', () => {
    const o = { baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000 };
    assert.equal(
      backoffDelay(1, o, null, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(3, o, null, () => 0.999999),
      399.9998,
    );
    assert.equal(
      backoffDelay(10, o, null, () => 0),
      500,
      'capped at maxMs, then jittered',
    );
    assert.equal(
      backoffDelay(1, o, 2000, () => 0),
      2000,
      'Retry-After wins over a shorter backoff',
    );
    assert.equal(
      backoffDelay(1, o, 60_000, () => 0),
      5000,
      'but is capped',
    );
    const seen = new Set(Array.from({ length: 20 }, () => backoffDelay(2, o)));
    assert.ok(seen.size > 1, 'jitter');
    for (const d of seen) assert.ok(d >= 100 && d < 200);
  });

  it('reads Retry-After in seconds, as a date, or retry-after-ms', () => {
    const h = (m: Record<string, string>) => (n: string) => m[n] ?? null;
    assert.equal(parseRetryAfter(h({ 'retry-after': '3' })), 3000);
    assert.equal(parseRetryAfter(h({ 'retry-after': '0.5' })), 500);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '3' })), 250);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' })), null);
    assert.equal(parseRetryAfter(h({})), null);
  });

  it('parses --teacher', () => {
    assert.deepEqual(parseTeacherSpec('symbolic'), { kind: 'symbolic' });
    assert.deepEqual(parseTeacherSpec('openai:http://127.0.0.1:8000/v1#Qwen/QwQ-32B'), {
      kind: 'openai',
      baseURL: 'http://127.0.0.1:8000/v1',
      model: 'Qwen/QwQ-32B',
    });
    assert.deepEqual(parseTeacherSpec('openai:http://localhost:11434'), {
      kind: 'openai',
      baseURL: 'http://localhost:11434/v1',
    });
    assert.throws(() => parseTeacherSpec('vllm:x'), /--teacher must be 'symbolic' or 'openai:URL#MODEL'/);
    assert.throws(() => parseTeacherSpec('openai:not a url#m'), /not a URL/);
  });
});
