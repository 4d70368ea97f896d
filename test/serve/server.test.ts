// The OpenAI-compatible server, end to end: a real HTTP server on 127.0.0.1 (ephemeral port) over a
// tiny model folder, driven by the `openai` npm client. Outputs are checked against the library's
// generate() on the same folder (same seeds → same tokens), so the server adds no drift.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type Completion, type GenerateOptions, generate } from '../../src/generate/index.js';
import { type CausalLM, loadModel } from '../../src/model/index.js';
import { type RunningServer, startServer } from '../../src/serve/index.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenizer/index.js';
import { tinyModelFolder } from './fixture.js';

let server: RunningServer;
let client: OpenAI;
let model: CausalLM;
let tok: Tokenizer;
let cleanup: () => void;
let folder: string;
const logs: string[] = [];

before(async () => {
  const made = tinyModelFolder('tiny');
  cleanup = made.cleanup;
  folder = made.dir;
  server = await startServer({ modelDir: made.dir, port: 0, batching: 'continuous', log: (l) => logs.push(l) });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
  model = loadModel(made.dir);
  tok = loadTokenizer(made.dir);
});
after(async () => {
  await server?.close();
  cleanup?.();
});

/** The library's completions for one prompt (what the server must reproduce). */
const reference = (prompt: string | number[], o: GenerateOptions): Completion[] =>
  generate(model, tok, [prompt], o)[0]!;

// vLLM-style extra fields (top_k, min_p, ignore_eos) go in the body next to OpenAI's.
type Extra = { top_k?: number; min_p?: number; ignore_eos?: boolean; stop_token_ids?: number[] };
const complete = (body: OpenAI.CompletionCreateParamsNonStreaming & Extra) => client.completions.create(body);

const CHATML = (user: string) => `<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n`;

describe('kindling serve through the openai client', () => {
  it('lists the served model', async () => {
    const models = await client.models.list();
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['tiny'],
    );
  });

  it('completes a string prompt like generate() at the same seed, with usage counts', async () => {
    const prompt = 'Knights always tell the truth';
    const r = await complete({
      model: 'tiny',
      prompt,
      max_tokens: 12,
      temperature: 0.8,
      top_k: 50,
      top_p: 0.95,
      seed: 11,
    });
    const [ref] = reference(prompt, { maxNewTokens: 12, temperature: 0.8, topK: 50, topP: 0.95, seed: 11 });
    assert.equal(r.object, 'text_completion');
    assert.equal(r.model, 'tiny');
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0]!.text, ref!.text);
    assert.equal(r.choices[0]!.finish_reason, ref!.finishReason === 'length' ? 'length' : 'stop');
    assert.deepEqual(r.usage, {
      prompt_tokens: tok.encode(prompt).length,
      completion_tokens: ref!.tokenIds.length,
      total_tokens: tok.encode(prompt).length + ref!.tokenIds.length,
    });
  });

  it('answers a list of prompts with n samples each (index = prompt × n + sample)', async () => {
    const prompts = ['a', 'Knaves always lie', 'Zoey says'];
    const r = await complete({ model: 'tiny', prompt: prompts, n: 3, max_tokens: 8, seed: 4, min_p: 0.01 });
    assert.deepEqual(
      r.choices.map((c) => c.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    prompts.forEach((p, i) => {
      const ref = reference(p, { maxNewTokens: 8, n: 3, seed: 4, minP: 0.01 });
      for (let k = 0; k < 3; k++) assert.equal(r.choices[i * 3 + k]!.text, ref[k]!.text, `prompt ${i} sample ${k}`);
    });
    assert.equal(
      r.usage!.prompt_tokens,
      prompts.reduce((s, p) => s + tok.encode(p).length, 0),
    );
    assert.notEqual(r.choices[0]!.text, r.choices[1]!.text, 'the samples of a prompt differ');
  });

  it('is reproducible with a seed; token-id prompts equal their text', async () => {
    const body = { model: 'tiny', prompt: 'The puzzle', max_tokens: 16, seed: 123 };
    const a = await complete(body);
    const b = await complete(body);
    const ids = await complete({ ...body, prompt: tok.encode('The puzzle') });
    assert.equal(a.choices[0]!.text, b.choices[0]!.text);
    assert.equal(ids.choices[0]!.text, a.choices[0]!.text);
    const u1 = await complete({ ...body, seed: undefined, ignore_eos: true });
    const u2 = await complete({ ...body, seed: undefined, ignore_eos: true });
    assert.notEqual(u1.choices[0]!.text, u2.choices[0]!.text, 'unseeded requests draw their own seeds');
  });

  it('stops on a stop string across token boundaries and trims it (stop_reason names it)', async () => {
    const prompt = 'Hello';
    const greedy = await complete({ model: 'tiny', prompt, max_tokens: 30, temperature: 0, ignore_eos: true });
    const text = greedy.choices[0]!.text;
    // two printable ASCII characters from the middle of the greedy text
    const i = [...Array(text.length).keys()].find((j) => j >= 3 && /^[!-~]{2}$/.test(text.slice(j, j + 2)));
    assert.ok(i !== undefined, `no ASCII pair in ${JSON.stringify(text)}`);
    const stop = text.slice(i, i + 2);
    const r = await complete({
      model: 'tiny',
      prompt,
      max_tokens: 30,
      temperature: 0,
      ignore_eos: true,
      stop: [stop, 'never-there'],
    });
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.equal(r.choices[0]!.text, text.slice(0, text.indexOf(stop)));
    assert.equal((r.choices[0] as unknown as { stop_reason: string }).stop_reason, stop);
    assert.ok(r.usage!.completion_tokens < 30);
  });

  it('returns log-probs: the sampled token and the k most likely, matching generate()', async () => {
    const prompt = 'Oliver is a knave';
    const r = await complete({ model: 'tiny', prompt, max_tokens: 6, logprobs: 3, temperature: 0, ignore_eos: true });
    const [ref] = reference(prompt, { maxNewTokens: 6, temperature: 0, eosTokenIds: [] });
    const lp = r.choices[0]!.logprobs!;
    assert.equal(lp.tokens!.length, 6);
    assert.deepEqual(
      lp.tokens,
      ref!.tokenIds.map((t) => tok.decode([t])),
    );
    for (const [t, v] of lp.token_logprobs!.entries())
      assert.ok(Math.abs(v - ref!.logprobs[t]!) < 1e-4, `token ${t}: ${v} vs ${ref!.logprobs[t]}`);
    lp.top_logprobs!.forEach((top, t) => {
      const values = Object.values(top);
      // 3 asked, greedy (the chosen token is the top one, so never a 4th entry); fewer only when two
      // byte tokens decode to the same replacement character and share a key
      assert.ok(values.length === 3 || (values.length < 3 && Object.keys(top).some((k) => k.includes('\uFFFD'))));
      // greedy: the chosen token is the most likely one
      assert.ok(Math.abs(Math.max(...values) - lp.token_logprobs![t]!) < 1e-4);
      assert.ok(lp.tokens![t]! in top);
    });
    assert.deepEqual(lp.text_offset!.slice(0, 1), [0]);
  });

  it('chat completions render the chat template and sample like a completion of the rendered prompt', async () => {
    const question = 'Who is a knight?';
    const chat = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: question }],
      max_tokens: 10,
      seed: 5,
      n: 2,
    });
    const plain = await complete({ model: 'tiny', prompt: CHATML(question), max_tokens: 10, seed: 5, n: 2 });
    assert.equal(chat.object, 'chat.completion');
    assert.deepEqual(
      chat.choices.map((c) => [c.message.role, c.message.content]),
      plain.choices.map((c) => ['assistant', c.text]),
    );
    assert.equal(chat.usage!.prompt_tokens, tok.encode(CHATML(question)).length);
    assert.equal(chat.usage!.completion_tokens, plain.usage!.completion_tokens);

    const withLp = await client.chat.completions.create({
      model: 'tiny',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: question },
      ],
      max_tokens: 5,
      logprobs: true,
      top_logprobs: 2,
    });
    const content = withLp.choices[0]!.logprobs!.content!;
    assert.equal(content.length, withLp.usage!.completion_tokens);
    for (const c of content) {
      assert.equal(c.top_logprobs.length, 2);
      assert.ok(Array.isArray(c.bytes) && c.top_logprobs[0]!.logprob >= c.top_logprobs[1]!.logprob);
    }
  });

  // Skipped: under concurrent joins with mixed sampling options the continuous loop intermittently
  // uses a disposed tensor (a 500, once a SIGABRT of the process); found when the branch was merged.
  it('continuous batching: concurrent requests join one decode loop and sample what they sample alone', async () => {
    assert.ok(server.metrics.maxRunningRows >= 1);
    const bodies = Array.from({ length: 8 }, (_, i) => ({
      model: 'tiny',
      prompt: `Puzzle ${i}: ${'x'.repeat(i)}`,
      max_tokens: 12 + i,
      seed: 100 + i,
    }));
    // different sampling options share the loop too (each row samples with its own)
    const greedy = Array.from({ length: 3 }, (_, i) => ({
      model: 'tiny',
      prompt: `Greedy ${i}`,
      max_tokens: 6,
      temperature: 0,
      n: 2,
    }));
    const all = [...bodies, ...greedy];
    const together = await Promise.all(all.map((b) => complete(b)));
    assert.ok(server.metrics.maxRunningRows > 1, `no step ran more than one row (${server.metrics.maxRunningRows})`);
    // one at a time, through the library's generate(): the same samples at the same seeds
    for (const [i, b] of all.entries()) {
      const ref = reference(b.prompt, {
        maxNewTokens: b.max_tokens,
        n: 'n' in b ? b.n : 1,
        ...('seed' in b ? { seed: b.seed } : {}),
        ...('temperature' in b ? { temperature: b.temperature } : {}),
      });
      assert.deepEqual(
        together[i]!.choices.map((c) => c.text),
        ref.map((c) => c.text),
        `request ${i}`,
      );
    }
    // late joiners: requests sent while a long one runs get the same samples too
    const long = complete({ model: 'tiny', prompt: 'Long', max_tokens: 60, ignore_eos: true, seed: 1 });
    await new Promise((r) => setTimeout(r, 30));
    const late = await Promise.all(bodies.slice(0, 4).map((b) => complete(b)));
    late.forEach((r, i) => assert.equal(r.choices[0]!.text, together[i]!.choices[0]!.text, `late ${i}`));
    const [longRef] = reference('Long', { maxNewTokens: 60, eosTokenIds: [], seed: 1 });
    assert.equal((await long).choices[0]!.text, longRef!.text);
  });

  it('static batching: concurrent requests share one generate() call without changing their outputs', async () => {
    const st = await startServer({ modelDir: folder, port: 0, batching: 'static', log: (l) => logs.push(l) });
    try {
      const c = new OpenAI({ baseURL: `${st.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const bodies = Array.from({ length: 8 }, (_, i) => ({
        model: 'tiny',
        prompt: `Puzzle ${i}: ${'x'.repeat(i)}`,
        max_tokens: 12,
        seed: 100 + i,
      }));
      const together = await Promise.all(bodies.map((b) => c.completions.create(b)));
      assert.ok(
        st.metrics.maxRequestsPerBatch > 1,
        `no call served several requests (${st.metrics.maxRequestsPerBatch})`,
      );
      const metrics = await (await fetch(`${st.url}/metrics`)).text();
      const max = Number(/^kindling_generate_batch_requests_max (\d+)$/m.exec(metrics)?.[1]);
      assert.equal(max, st.metrics.maxRequestsPerBatch);
      assert.ok(
        logs.some((l) => /^batch: ([2-9]|\d{2,}) request\(s\)/.test(l)),
        'the log shows a batch of several requests',
      );
      for (const [i, b] of bodies.entries()) {
        const alone = await complete(b); // the continuous server
        assert.equal(together[i]!.choices[0]!.text, alone.choices[0]!.text, `request ${i}`);
      }
    } finally {
      await st.close();
    }
  });

  it('--admit-wait-steps: newcomers that wait to be prefilled together still get their own samples', async () => {
    const waiting = await startServer({ modelDir: folder, port: 0, admitWaitSteps: 3, log: () => {} });
    try {
      const post = async (body: Record<string, unknown>) => {
        const r = await fetch(`${waiting.url}/v1/completions`, { method: 'POST', body: JSON.stringify(body) });
        return ((await r.json()) as { choices: { text: string }[] }).choices.map((c) => c.text);
      };
      // a long request keeps the loop busy; a lone newcomer then waits (at most 3 steps) before joining
      const order: string[] = [];
      const long = post({ model: 'tiny', prompt: 'Long', max_tokens: 60, ignore_eos: true, seed: 1 }).then((t) => {
        order.push('long');
        return t;
      });
      await new Promise((r) => setTimeout(r, 30));
      const late = await post({ model: 'tiny', prompt: 'Late', max_tokens: 10, seed: 50 });
      order.push('late');
      assert.deepEqual(
        late,
        reference('Late', { maxNewTokens: 10, seed: 50 }).map((c) => c.text),
      );
      assert.deepEqual(await long, [reference('Long', { maxNewTokens: 60, eosTokenIds: [], seed: 1 })[0]!.text]);
      assert.deepEqual(
        order,
        ['late', 'long'],
        'the newcomer joined the running loop instead of waiting for it to end',
      );
      assert.ok(waiting.metrics.maxRunningRows > 1, 'the newcomers joined the running loop');
    } finally {
      await waiting.close();
    }
    await assert.rejects(
      startServer({ modelDir: folder, port: 0, admitWaitSteps: -1, log: () => {} }),
      /admitWaitSteps must be a non-negative integer/,
    );
  });

  it('splits a request with more samples than --max-batch into parts whose union is the same', async () => {
    for (const batching of ['static', 'continuous'] as const) {
      const small = await startServer({ modelDir: folder, port: 0, maxBatch: 2, batching, log: () => {} });
      try {
        const body = { model: 'tiny', prompt: 'Split me', n: 5, max_tokens: 8, seed: 9 };
        const split = await fetch(`${small.url}/v1/completions`, { method: 'POST', body: JSON.stringify(body) });
        const whole = await complete(body);
        const texts = ((await split.json()) as { choices: { text: string }[] }).choices.map((c) => c.text);
        assert.deepEqual(
          texts,
          whole.choices.map((c) => c.text),
          batching,
        );
        if (batching === 'static') {
          assert.equal(small.metrics.batches, 3);
          assert.equal(small.metrics.maxRowsPerBatch, 2);
        } else assert.ok(small.metrics.maxRunningRows <= 2);
      } finally {
        await small.close();
      }
    }
  });

  it('writes one log line per request', () => {
    const lines = logs.filter((l) => /"(GET|POST) \/v1\//.test(l));
    assert.ok(lines.length >= 20);
    assert.ok(lines.some((l) => /"POST \/v1\/completions" 200 \d+ms prompt_tokens=\d+ completion_tokens=\d+$/.test(l)));
  });
});
