// Streaming (stream: true) through the `openai` client: the chunks of every choice add up to the
// non-streamed text at the same seed, for completions and chat, with stop strings, n > 1 and usage;
// and a client that disconnects takes its rows out of the decode loop (seen in /metrics counters).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type RunningServer, startServer } from '../../src/serve/index.js';
import { tinyModelFolder } from './fixture.js';

let server: RunningServer;
let client: OpenAI;
let cleanup: () => void;

before(async () => {
  const made = tinyModelFolder('tiny');
  cleanup = made.cleanup;
  server = await startServer({ modelDir: made.dir, port: 0, batching: 'continuous', log: () => {} });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
});
after(async () => {
  await server?.close();
  cleanup?.();
});

type Extra = { top_k?: number; ignore_eos?: boolean };

async function streamedCompletion(body: OpenAI.CompletionCreateParamsStreaming & Extra) {
  const texts: string[] = [];
  const finish: (string | null)[] = [];
  let usage: OpenAI.CompletionUsage | null | undefined;
  let chunks = 0;
  for await (const chunk of await client.completions.create(body)) {
    chunks++;
    assert.equal(chunk.object, 'text_completion');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      texts[c.index] = (texts[c.index] ?? '') + c.text;
      if (c.finish_reason) finish[c.index] = c.finish_reason;
    }
  }
  return { texts, finish, usage, chunks };
}

const metric = async (name: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text);
  assert.ok(m, `no ${name} in /metrics`);
  return Number(m[1]);
};

describe('streaming', () => {
  it('completions: concatenated chunks equal the non-streamed text (n > 1, several prompts, usage)', async () => {
    const body = { model: 'tiny', prompt: ['Knights', 'Knaves lie'], n: 3, max_tokens: 20, seed: 7 };
    const whole = await client.completions.create(body);
    const s = await streamedCompletion({ ...body, stream: true, stream_options: { include_usage: true } });
    assert.deepEqual(
      s.texts,
      whole.choices.map((c) => c.text),
    );
    assert.deepEqual(
      s.finish,
      whole.choices.map((c) => c.finish_reason),
    );
    assert.deepEqual(s.usage, whole.usage);
    assert.ok(s.chunks > 6, `only ${s.chunks} chunks: not streamed token by token`);
  });

  it('stop strings are trimmed across chunk boundaries exactly as without streaming', async () => {
    const prompt = 'Hello';
    const greedy = await client.completions.create({
      model: 'tiny',
      prompt,
      max_tokens: 40,
      temperature: 0,
      ignore_eos: true,
    } as OpenAI.CompletionCreateParamsNonStreaming);
    const text = greedy.choices[0]!.text;
    // three printable characters from the middle: the stop string spans tokens
    const i = [...Array(text.length).keys()].find((j) => j >= 4 && /^[!-~]{3}$/.test(text.slice(j, j + 3)));
    assert.ok(i !== undefined, `no ASCII triple in ${JSON.stringify(text)}`);
    const stop = [text.slice(i, i + 3), 'never-there-at-all'];
    for (const n of [1, 2]) {
      const body = { model: 'tiny', prompt, max_tokens: 40, ignore_eos: true, stop, n, seed: 3, temperature: 0 };
      const whole = await client.completions.create(body as OpenAI.CompletionCreateParamsNonStreaming);
      const s = await streamedCompletion({ ...body, stream: true } as OpenAI.CompletionCreateParamsStreaming);
      assert.equal(whole.choices[0]!.text, text.slice(0, i));
      assert.deepEqual(
        s.texts,
        whole.choices.map((c) => c.text),
      );
      assert.deepEqual(s.finish, ['stop', 'stop'].slice(0, n));
      assert.equal(s.usage, undefined, 'no usage chunk unless asked');
    }
  });

  it('chat: role first, then content deltas that add up to the non-streamed message, then usage', async () => {
    const body = {
      model: 'tiny',
      messages: [{ role: 'user' as const, content: 'Who is a knight?' }],
      max_tokens: 16,
      seed: 5,
      n: 2,
      stop: ['e'],
    };
    const whole = await client.chat.completions.create(body);
    const stream = await client.chat.completions.create({
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts: string[] = [];
    const roles: string[] = [];
    const finish: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        if (c.delta.role) roles[c.index] = c.delta.role;
        texts[c.index] = (texts[c.index] ?? '') + (c.delta.content ?? '');
        if (c.finish_reason) finish[c.index] = c.finish_reason;
      }
    }
    assert.deepEqual(roles, ['assistant', 'assistant']);
    assert.deepEqual(
      texts,
      whole.choices.map((c) => c.message.content),
    );
    assert.deepEqual(
      finish,
      whole.choices.map((c) => c.finish_reason),
    );
    assert.deepEqual(usage, whole.usage);
  });

  it('refuses logprobs with stream, and stream_options without stream', async () => {
    await assert.rejects(
      client.completions.create({ model: 'tiny', prompt: 'x', stream: true, logprobs: 2 }),
      (e: InstanceType<typeof OpenAI.APIError>) => e.status === 400 && /logprobs/.test(e.message),
    );
    await assert.rejects(
      client.completions.create({ model: 'tiny', prompt: 'x', stream_options: { include_usage: true } }),
      (e: InstanceType<typeof OpenAI.APIError>) => e.status === 400 && /stream_options/.test(e.message),
    );
  });
});

describe('cancellation', () => {
  it("a disconnected client's rows leave the decode loop at the next step", async () => {
    const rowsBefore = await metric('kindling_cancelled_rows_total\\{where="running"\\}');
    const tokensBefore = await metric('kindling_generation_tokens_total');
    const ac = new AbortController();
    // 8 rows × 100 tokens, streamed: once the first chunk arrives the rows are running
    const r = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'tiny',
        prompt: 'Long one',
        max_tokens: 100,
        n: 8,
        ignore_eos: true,
        stream: true,
      }),
      signal: ac.signal,
    });
    const reader = r.body!.getReader();
    await reader.read();
    ac.abort();
    // wait (bounded) until the counter moves; the assertion is on the counters, not on time
    for (let i = 0; i < 200 && (await metric('kindling_cancelled_rows_total\\{where="running"\\}')) === rowsBefore; i++)
      await new Promise((res) => setTimeout(res, 10));
    assert.equal(await metric('kindling_cancelled_rows_total\\{where="running"\\}'), rowsBefore + 8);
    for (let i = 0; i < 200 && (await metric('kindling_running_rows')) > 0; i++)
      await new Promise((res) => setTimeout(res, 10));
    assert.equal(await metric('kindling_running_rows'), 0);
    assert.ok(
      (await metric('kindling_generation_tokens_total')) - tokensBefore < 800,
      'the cancelled rows stopped before their budget',
    );
    assert.ok((await metric('kindling_cancelled_requests_total')) >= 1);
    // and the server answers the next request
    const ok = await client.completions.create({ model: 'tiny', prompt: 'after', max_tokens: 3 });
    assert.equal(ok.choices.length, 1);
  });

  it('a non-streamed request whose client hangs up is cancelled too', async () => {
    const before = await metric('kindling_cancelled_rows_total\\{where="running"\\}');
    const ac = new AbortController();
    const pending = fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'tiny', prompt: 'Long two', max_tokens: 120, n: 4, ignore_eos: true }),
      signal: ac.signal,
    }).catch(() => null);
    for (let i = 0; i < 500 && (await metric('kindling_running_rows')) < 4; i++)
      await new Promise((res) => setTimeout(res, 5));
    ac.abort();
    await pending;
    for (let i = 0; i < 200 && (await metric('kindling_cancelled_rows_total\\{where="running"\\}')) === before; i++)
      await new Promise((res) => setTimeout(res, 10));
    assert.equal(await metric('kindling_cancelled_rows_total\\{where="running"\\}'), before + 4);
  });
});
