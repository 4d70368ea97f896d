// Bad requests get OpenAI-style errors ({error: {message, type, param, code}}) with 4xx statuses,
// and the server keeps answering after every one of them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type RunningServer, startServer } from '../../src/serve/index.js';
import { tinyModelFolder } from './fixture.js';

let server: RunningServer;
let cleanup: () => void;

before(async () => {
  const made = tinyModelFolder('tiny');
  cleanup = made.cleanup;
  server = await startServer({ modelDir: made.dir, port: 0, log: () => {} });
});
after(async () => {
  await server?.close();
  cleanup?.();
});

async function call(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  const r = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: r.status,
    json: (await r.json()) as { error?: { message: string; type: string; param: string | null; code: string | null } },
  };
}

const ok = { model: 'tiny', prompt: 'ok', max_tokens: 2 };

// [what, path, body, status, param, message pattern]
const BAD: [string, string, unknown, number, string | null, RegExp][] = [
  ['malformed JSON', '/v1/completions', '{"model": "tiny", "prompt": ', 400, null, /not valid JSON/],
  ['a JSON array body', '/v1/completions', '[1, 2]', 400, null, /must be a JSON object/],
  ['no model', '/v1/completions', { prompt: 'hi' }, 400, 'model', /'model' is required/],
  ['an unknown model', '/v1/completions', { ...ok, model: 'gpt-5' }, 400, 'model', /'gpt-5' does not exist/],
  ['no prompt', '/v1/completions', { model: 'tiny' }, 400, 'prompt', /'prompt' is required/],
  ['an empty prompt', '/v1/completions', { ...ok, prompt: '' }, 400, 'prompt', /empty string/],
  [
    'a prompt of the wrong type',
    '/v1/completions',
    { ...ok, prompt: { text: 'x' } },
    400,
    'prompt',
    /must be a string/,
  ],
  [
    'a token id outside the vocabulary',
    '/v1/completions',
    { ...ok, prompt: [1, 2, 300] },
    400,
    'prompt',
    /token id 300 is not in \[0, 300\)/,
  ],
  [
    'an over-long prompt',
    '/v1/completions',
    { ...ok, prompt: 'x'.repeat(127) },
    400,
    'prompt',
    /maximum context length is 128 tokens.*127 in the prompt, 2 in the completion/,
  ],
  [
    'max_tokens beyond the context',
    '/v1/completions',
    { ...ok, max_tokens: 500 },
    400,
    'prompt',
    /maximum context length/,
  ],
  ['n = 0', '/v1/completions', { ...ok, n: 0 }, 400, 'n', /'n' must be an integer from 1 to 128/],
  [
    'a negative temperature',
    '/v1/completions',
    { ...ok, temperature: -1 },
    400,
    'temperature',
    /'temperature' must be a number ≥ 0/,
  ],
  ['top_p = 0', '/v1/completions', { ...ok, top_p: 0 }, 400, 'top_p', /'top_p' must be a number in \(0, 1\]/],
  ['a fractional top_k', '/v1/completions', { ...ok, top_k: 2.5 }, 400, 'top_k', /'top_k' must be an integer/],
  ['min_p > 1', '/v1/completions', { ...ok, min_p: 2 }, 400, 'min_p', /'min_p' must be a number in \[0, 1\]/],
  [
    'max_tokens as a string',
    '/v1/completions',
    { ...ok, max_tokens: '5' },
    400,
    'max_tokens',
    /'max_tokens' must be an integer/,
  ],
  ['a non-string stop', '/v1/completions', { ...ok, stop: [1] }, 400, 'stop', /'stop' must be/],
  ['a non-integer seed', '/v1/completions', { ...ok, seed: 1.5 }, 400, 'seed', /'seed' must be an integer/],
  [
    'logprobs > 20',
    '/v1/completions',
    { ...ok, logprobs: 21 },
    400,
    'logprobs',
    /'logprobs' must be an integer from 0 to 20/,
  ],
  [
    'stream_options without stream',
    '/v1/completions',
    { ...ok, stream_options: { include_usage: true } },
    400,
    'stream_options',
    /only allowed with 'stream': true/,
  ],
  ['echo', '/v1/completions', { ...ok, echo: true }, 400, 'echo', /not supported/],
  ['a presence penalty', '/v1/completions', { ...ok, presence_penalty: 0.5 }, 400, 'presence_penalty', /not supported/],
  ['chat without messages', '/v1/chat/completions', { model: 'tiny' }, 400, 'messages', /'messages' is required/],
  [
    'chat with an unknown role',
    '/v1/chat/completions',
    { model: 'tiny', messages: [{ role: 'robot', content: 'x' }] },
    400,
    'messages[0].role',
    /must be one of/,
  ],
  [
    'chat top_logprobs without logprobs',
    '/v1/chat/completions',
    { model: 'tiny', messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 },
    400,
    'top_logprobs',
    /needs 'logprobs': true/,
  ],
  [
    'chat with tools',
    '/v1/chat/completions',
    {
      model: 'tiny',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f' } }],
    },
    400,
    'tools',
    /not supported/,
  ],
  ['an unknown route', '/v1/embeddings', { model: 'tiny', input: 'x' }, 404, null, /no route POST \/v1\/embeddings/],
  ['a wrong method', '/v1/completions', undefined, 405, null, /GET \/v1\/completions is not allowed/],
];

describe('bad requests', () => {
  for (const [what, path, body, status, param, message] of BAD) {
    it(`${what} → ${status}, and the server keeps serving`, async () => {
      const r = await call(path, body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      const e = r.json.error!;
      assert.match(e.message, message);
      assert.equal(e.param, param);
      assert.equal(typeof e.type, 'string');
      assert.ok('code' in e);
      const after = await call('/v1/completions', ok);
      assert.equal(after.status, 200);
    });
  }

  it('the openai client raises BadRequestError with the field', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    await assert.rejects(
      client.completions.create({ model: 'tiny', prompt: 'x', max_tokens: 2, temperature: -3 }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError);
        assert.equal(e.status, 400);
        assert.equal(e.param, 'temperature');
        return true;
      },
    );
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      OpenAI.BadRequestError,
    );
    const fine = await client.completions.create({ model: 'tiny', prompt: 'x', max_tokens: 2 });
    assert.equal(fine.choices.length, 1);
  });

  it('a flood of mixed good and bad requests at once: every good one is answered', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0 ? { ...ok, n: -1 } : i % 3 === 1 ? '{oops' : { ...ok, seed: i },
    );
    const rs = await Promise.all(bodies.map((b) => call('/v1/completions', b)));
    assert.deepEqual(
      rs.map((r) => r.status),
      bodies.map((_, i) => (i % 3 === 2 ? 200 : 400)),
    );
    const health = await call('/health');
    assert.equal(health.status, 200);
  });
});
