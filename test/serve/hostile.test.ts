// Hostile traffic on loopback, bounded (every count and timeout below is fixed; it stops by itself):
// oversized bodies, bodies that stop mid-way, slow clients, invalid UTF-8, deeply nested JSON,
// absurd numbers in every field, malformed HTTP and a flood of concurrent connections, all at once,
// interleaved with valid requests whose answers are checked against generate() at the same seeds.
// Every hostile request must get an OpenAI-style 4xx (or its connection closed), never a 500; the
// server must still be up and correct at the end.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { loadModel } from '../../src/model/index.js';
import { type RunningServer, startServer } from '../../src/serve/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { tinyModelFolder } from './fixture.js';

const MAX_BODY = 64 * 1024;
const REQUEST_TIMEOUT_MS = 1500;
const MAX_CONNECTIONS = 48;
const HOSTILE_AT_ONCE = 8;

let server: RunningServer;
let cleanup: () => void;
let folder: string;

before(async () => {
  const made = tinyModelFolder('tiny');
  cleanup = made.cleanup;
  folder = made.dir;
  server = await startServer({
    modelDir: made.dir,
    port: 0,
    batching: 'continuous',
    maxBodyBytes: MAX_BODY,
    headersTimeoutMs: 1000,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    maxConnections: MAX_CONNECTIONS,
    log: () => {},
  });
});
after(async () => {
  await server?.close();
  cleanup?.();
});

interface RawReply {
  /** HTTP status of the first response, or null when the server closed without one. */
  status: number | null;
  body: string;
}

/**
 * Writes `parts` to a fresh connection (waiting `gapMs` between them), then reads until the server
 * closes or `readMs` passes (then hangs up: a client that stops mid-way). `end`: half-close after
 * the last part.
 */
function raw(
  parts: (string | Buffer)[],
  o: { gapMs?: number; readMs?: number; end?: boolean } = {},
): Promise<RawReply> {
  return new Promise((resolve) => {
    const s: Socket = connect(server.port, '127.0.0.1');
    const got: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(got).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    };
    const timer = setTimeout(finish, o.readMs ?? 4000);
    s.on('data', (d) => got.push(d));
    s.on('close', finish);
    s.on('error', finish);
    s.on('connect', async () => {
      for (const p of parts) {
        if (s.destroyed) return;
        s.write(p);
        if (o.gapMs) await new Promise((r) => setTimeout(r, o.gapMs));
      }
      if (o.end) s.end();
    });
  });
}

const post = (body: string | Buffer, headers: Record<string, string | number> = {}) => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h = { 'content-type': 'application/json', 'content-length': b.length, ...headers };
  const head = `POST /v1/completions HTTP/1.1\r\nhost: x\r\n${Object.entries(h)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}connection: close\r\n\r\n`;
  return [Buffer.from(head), b];
};

// Every numeric field with values no client should send.
const NUMERIC_FIELDS = [
  'max_tokens',
  'n',
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'seed',
  'logprobs',
  'presence_penalty',
  'frequency_penalty',
  'repetition_penalty',
  'best_of',
];
// As JSON text, so 1e400 (→ Infinity in JSON.parse) and -0 reach the server as written.
const ABSURD = [
  '1e400',
  '-1e400',
  '1e308',
  '-1e308',
  '9007199254740993',
  '-9007199254740993',
  '-1',
  '0.5',
  '-0',
  '"7"',
  'null',
  'true',
  '[]',
  '{}',
];

/** Valid requests and their expected texts (generate() on the same folder, one at a time). */
function validRequests() {
  const model = loadModel(folder);
  const tok = loadTokenizer(folder);
  const reqs = [
    { prompt: 'Knights always', max_tokens: 10, seed: 1, temperature: 0.9 },
    { prompt: 'Knaves', max_tokens: 6, temperature: 0 },
    { prompt: 'Zoey says that', max_tokens: 12, seed: 5, n: 2 },
    { prompt: 'x', max_tokens: 4, seed: 9, top_k: 20 },
  ];
  const expected = reqs.map((r) =>
    generate(model, tok, [r.prompt], {
      maxNewTokens: r.max_tokens,
      n: r.n ?? 1,
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
      ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
      ...(r.top_k !== undefined ? { topK: r.top_k } : {}),
    })[0]!.map((c) => c.text),
  );
  for (const p of model.parameters()) p.dispose();
  return reqs.map((r, i) => ({ body: { model: 'tiny', ...r }, texts: expected[i]! }));
}

describe('hostile traffic', () => {
  it('every hostile class at once, valid requests answered correctly throughout, the server up at the end', async () => {
    const valid = validRequests();
    const checkValid = async (round: number) => {
      const rs = await Promise.all(
        valid.map(async (v) => {
          const r = await fetch(`${server.url}/v1/completions`, { method: 'POST', body: JSON.stringify(v.body) });
          return { status: r.status, json: (await r.json()) as { choices: { text: string }[] } };
        }),
      );
      rs.forEach((r, i) => {
        assert.equal(r.status, 200, `round ${round} valid ${i}: ${JSON.stringify(r.json)}`);
        assert.deepEqual(
          r.json.choices.map((c) => c.text),
          valid[i]!.texts,
          `round ${round} valid ${i}`,
        );
      });
    };
    await checkValid(0);

    const ok = JSON.stringify({ model: 'tiny', prompt: 'ok', max_tokens: 2 });
    const expectStatus = (what: string, allowed: (number | null)[]) => (r: RawReply) => {
      assert.ok(allowed.includes(r.status), `${what}: got ${r.status} ${r.body.slice(0, 200)}`);
      if (r.status !== null && r.status >= 400 && r.body.startsWith('{'))
        assert.equal(typeof (JSON.parse(r.body) as { error: { message: string } }).error.message, 'string', what);
      return r;
    };
    // Started HOSTILE_AT_ONCE at a time (under the connection limit: the flood below tests that).
    const hostile: (() => Promise<unknown>)[] = [];
    const add = (p: () => Promise<RawReply>, what: string, allowed: (number | null)[]) =>
      hostile.push(() => p().then(expectStatus(what, allowed)));

    // oversized bodies: declared too large (refused before reading), and chunked past the limit
    for (let i = 0; i < 3; i++)
      add(() => raw(post(Buffer.alloc(MAX_BODY + 1, 'a'))), 'declared oversized body', [413, null]);
    for (let i = 0; i < 2; i++) {
      const head = 'POST /v1/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n';
      const chunk = `${(16 * 1024).toString(16)}\r\n${'a'.repeat(16 * 1024)}\r\n`;
      add(() => raw([head, ...Array.from({ length: 6 }, () => chunk)]), 'chunked oversized body', [413, null]);
    }
    // bodies that stop mid-way: the client hangs up, or goes silent until the request timeout
    for (let i = 0; i < 4; i++) {
      const [head, body] = post(ok, { 'content-length': 500 });
      add(() => raw([head!, body!.subarray(0, 10)], { readMs: 200 }), 'body cut, client gone', [null]);
      add(() => raw([head!, body!.subarray(0, 10)], { readMs: REQUEST_TIMEOUT_MS * 3 }), 'body cut, client silent', [
        408,
        400,
        null,
      ]);
      add(() => raw([head!, body!.subarray(0, 10)], { end: true }), 'body cut, half-closed', [400, null]);
    }
    // slow clients: headers one byte at a time past the header timeout; a valid body trickled in
    // within the timeout (answered)
    add(
      () => raw([...'POST /v1/completions HTTP/1.1\r\nhost: x\r\n'], { gapMs: 100, readMs: 6000 }),
      'slowloris headers',
      [408],
    );
    {
      const [head, body] = post(ok);
      const pieces = [head!, ...body!.toString().match(/.{1,8}/g)!];
      add(() => raw(pieces, { gapMs: 20 }), 'slow but complete body', [200]);
    }
    // a client that asks for a long stream and never reads it, then leaves
    add(
      () =>
        raw(
          post(JSON.stringify({ model: 'tiny', prompt: 'z', max_tokens: 100, n: 8, ignore_eos: true, stream: true })),
          {
            readMs: 300,
          },
        ),
      'stream never read',
      [200, null],
    );
    // invalid UTF-8: a lone continuation byte, an overlong, a surrogate, a truncated sequence
    for (const bad of [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]])
      add(
        () =>
          raw(post(Buffer.concat([Buffer.from('{"model":"tiny","prompt":"'), Buffer.from(bad), Buffer.from('"}')]))),
        'invalid UTF-8',
        [400],
      );
    // deeply nested JSON, in a field and as the whole body
    add(
      () => raw(post(`{"model":"tiny","prompt":"a","stop":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)),
      'nested field',
      [400],
    );
    add(() => raw(post(`${'{"a":'.repeat(8_000)}1${'}'.repeat(8_000)}`)), 'nested body', [400]);
    // absurd numbers in every field (and prompt token ids, stop_token_ids)
    for (const field of NUMERIC_FIELDS)
      for (const value of ABSURD)
        add(
          () => raw(post(`{"model":"tiny","prompt":"a","max_tokens":2,"${field}":${value}}`)),
          `${field}: ${value}`,
          [200, 400],
        );
    for (const value of ABSURD) {
      add(() => raw(post(`{"model":"tiny","prompt":[1,${value}],"max_tokens":2}`)), `prompt id ${value}`, [200, 400]);
      add(
        () => raw(post(`{"model":"tiny","prompt":"a","max_tokens":2,"stop_token_ids":[${value}]}`)),
        `stop id ${value}`,
        [200, 400],
      );
    }
    // malformed HTTP
    add(() => raw(['GARBAGE \x00\x01\x02 NOT HTTP\r\n\r\n']), 'garbage request line', [400, null]);
    add(() => raw([`GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`]), 'oversized header', [
      431,
      400,
      null,
    ]);
    add(() => raw(post(ok, { 'content-length': 'banana' })), 'bad content-length', [400, null]);

    // the hostile requests and rounds of valid ones at the same time
    const running = (async () => {
      const queue = [...hostile];
      await Promise.all(
        Array.from({ length: HOSTILE_AT_ONCE }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) await next();
        }),
      );
    })();
    for (let round = 1; round <= 3; round++) await checkValid(round);
    await running;

    // a flood of connections: twice the limit at once, each sending a valid request; those over the
    // limit are closed unanswered, the others answered with the same text
    const flood = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS * 2 }, () => raw(post(JSON.stringify(valid[1]!.body)), { readMs: 8000 })),
    );
    const answered = flood.filter((r) => r.status === 200);
    assert.ok(
      flood.every((r) => r.status === 200 || r.status === 503 || r.status === null),
      flood.map((r) => r.status).join(','),
    );
    assert.ok(answered.length > 0, 'no flood request was answered');
    assert.ok(server.metrics.refusedConnections > 0, 'the flood never reached the connection limit');
    for (const r of answered)
      assert.deepEqual(
        (JSON.parse(r.body) as { choices: { text: string }[] }).choices.map((c) => c.text),
        valid[1]!.texts,
      );

    // still up and correct, and nothing along the way was an internal error
    await checkValid(4);
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    const fiveHundreds = [...server.metrics.requests].filter(
      ([k]) => /status="5\d\d"/.test(k) && !/status="503"/.test(k),
    );
    assert.deepEqual(fiveHundreds, []);
  });
});
