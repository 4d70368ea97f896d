// A fault-injecting OpenAI-compatible server for the distill tests: real HTTP on 127.0.0.1 with
// node:http. Each request is answered according to a plan (per prompt and attempt): a normal
// completion, 429 with Retry-After, 500, a response that never comes, headers then a stalled body,
// malformed JSON, a reset connection, a 400/401/404, or fewer choices than `n` asked for.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | 'ok'
  | 'rate_limit'
  | 'error500'
  | 'hang'
  | 'hang_body'
  | 'malformed'
  | 'reset'
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'one_choice';

export interface SeenRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** 1-based count of requests seen with this prompt (or messages) so far. */
  attempt: number;
  fault: Fault;
  at: number;
}

export interface Choice {
  text: string;
  finish_reason: string;
  stop_reason?: string | null;
}

export interface FaultServerOptions {
  /** What to do with this request (default: always 'ok'). */
  plan?: (prompt: string, attempt: number) => Fault;
  /** The choices of a normal answer (index 0..n-1). */
  answer: (prompt: string, index: number) => Choice;
  /** Delay before a normal answer, ms. */
  delayMs?: number;
  /** Retry-After value sent with 429s (seconds). */
  retryAfter?: string;
  /** Usage block: completion_tokens per choice (default: whitespace-separated words). */
  tokens?: (text: string) => number;
}

export interface FaultServer {
  url: string;
  requests: SeenRequest[];
  maxInFlight: number;
  close(): Promise<void>;
}

const promptOf = (body: Record<string, unknown>): string =>
  typeof body.prompt === 'string'
    ? body.prompt
    : Array.isArray(body.messages)
      ? String((body.messages as { content?: unknown }[]).at(-1)?.content ?? '')
      : '';

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const state: FaultServer = { url: '', requests: [], maxInFlight: 0, close: async () => {} };
  let inFlight = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const apiError = (message: string, type: string) => ({ error: { message, type, param: null, code: null } });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').replace(/\?.*$/, '');
      if (req.method === 'GET' && path === '/v1/models')
        return json(res, 200, { object: 'list', data: [{ id: 'fault-model', object: 'model', owned_by: 'test' }] });
      const chat = path === '/v1/chat/completions';
      if (req.method !== 'POST' || (path !== '/v1/completions' && !chat))
        return json(res, 404, apiError(`no route ${req.method} ${path}`, 'not_found_error'));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const prompt = promptOf(body);
      const attempt = (attempts.get(prompt) ?? 0) + 1;
      attempts.set(prompt, attempt);
      const fault = options.plan?.(prompt, attempt) ?? 'ok';
      state.requests.push({ path, body, headers: req.headers, attempt, fault, at: Date.now() });
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      switch (fault) {
        case 'rate_limit':
          return json(res, 429, apiError('rate limited', 'rate_limit_error'), {
            'retry-after': options.retryAfter ?? '1',
          });
        case 'error500':
          return json(res, 500, apiError('internal error', 'server_error'));
        case 'bad_request':
          return json(res, 400, apiError("This model's maximum context length is 8 tokens", 'invalid_request_error'));
        case 'unauthorized':
          return json(res, 401, apiError('Incorrect API key provided', 'invalid_request_error'));
        case 'not_found':
          return json(res, 404, apiError('The model `nope` does not exist.', 'not_found_error'));
        case 'hang':
          return; // never answer
        case 'hang_body':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"id": "cmpl-1", "choices": [');
          return; // never finish
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"id": "cmpl-1", "choices": [{"text": "oops"');
        case 'reset':
          return req.socket.destroy();
      }
      const n = fault === 'one_choice' ? 1 : Number(body.n ?? 1);
      const choices = Array.from({ length: n }, (_, i) => {
        const c = options.answer(prompt, i);
        return chat
          ? { index: i, message: { role: 'assistant', content: c.text }, finish_reason: c.finish_reason }
          : {
              index: i,
              text: c.text,
              finish_reason: c.finish_reason,
              logprobs: null,
              stop_reason: c.stop_reason ?? null,
            };
      });
      const count = options.tokens ?? ((t: string) => t.split(/\s+/).filter(Boolean).length);
      const tokens = choices.reduce((a, c) => a + count('text' in c ? (c.text ?? '') : (c.message?.content ?? '')), 0);
      const reply = () =>
        json(res, 200, {
          id: `cmpl-${attempt}`,
          object: chat ? 'chat.completion' : 'text_completion',
          created: 0,
          model: String(body.model),
          choices,
          usage: { prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens },
        });
      if (options.delayMs) setTimeout(reply, options.delayMs);
      else reply();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
