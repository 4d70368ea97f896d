// `startServer`: an OpenAI-compatible HTTP server over a model folder. The main thread does HTTP,
// validation, tokenization and batching; the model lives in a worker thread (./worker.ts). Every
// failure is answered with an OpenAI-style error and the server goes on serving.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { readConfig } from '../model/config.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { tokenName } from '../tokenizer/tokenizer-config.js';
import { Batcher } from './batcher.js';
import { ChatRenderer } from './chat.js';
import { ApiError } from './errors.js';
import { Metrics } from './metrics.js';
import { ModelWorker } from './model-worker.js';
import { type ApiContext, chatCompletions, completions, listModels, type Usage } from './openai.js';
import type { Body } from './params.js';
import { samplingDefaults } from './sampling-defaults.js';

export interface ServeOptions {
  /** A Hugging Face model folder (config.json, safetensors, tokenizer files). */
  modelDir: string;
  host?: string;
  /** 0 picks a free port (see RunningServer.port). Default 8000. */
  port?: number;
  /** Most sequences (prompts × n) per generate() call. Default 64. */
  maxBatch?: number;
  /** How long an idle server waits for more requests to batch with the first. Default 5 ms. */
  batchWindowMs?: number;
  device?: string;
  dtype?: string;
  /** The model id clients use (default: the folder's name). */
  modelName?: string;
  /** Where the per-request log lines go (default: stderr). */
  log?: (line: string) => void;
  /** Longest accepted request body. Default 32 MiB. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  modelName: string;
  metrics: Metrics;
  /** Stops accepting, lets in-flight requests finish, stops the worker. Idempotent. */
  close(): Promise<void>;
}

const ROUTES = ['/v1/models', '/v1/completions', '/v1/chat/completions', '/health', '/metrics'] as const;

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const dir = resolve(o.modelDir);
  if (!existsSync(dir)) throw new Error(`model folder ${o.modelDir} does not exist`);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const config = readConfig(join(dir, 'config.json'));
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > config.vocab_size)
    throw new Error(
      `${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${config.vocab_size}`,
    );
  let chat: ChatRenderer | null = null;
  let chatError: string | null = null;
  const cfgFile = join(dir, 'tokenizer_config.json');
  if (tokenizer.chatTemplate === null) chatError = `${cfgFile} has no chat_template`;
  else {
    try {
      const names = Object.fromEntries(
        ['bos_token', 'eos_token', 'pad_token', 'unk_token'].map((f) => [f, tokenName(tokenizer.config, f, cfgFile)]),
      );
      chat = new ChatRenderer(tokenizer.chatTemplate, names, cfgFile);
    } catch (e) {
      chatError = (e as Error).message;
      log(`warning: /v1/chat/completions is disabled: ${chatError}`);
    }
  }

  const maxBatch = o.maxBatch ?? 64;
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new Error(`maxBatch must be a positive integer, got ${o.maxBatch}`);
  const worker = await ModelWorker.start({
    modelDir: dir,
    device: o.device ?? 'cpu',
    ...(o.dtype ? { dtype: o.dtype } : {}),
  });
  const metrics = new Metrics();
  const batcher = new Batcher(worker, {
    maxBatch,
    windowMs: o.batchWindowMs ?? 5,
    onBatch: (b) => {
      metrics.countBatch(b);
      log(
        `batch: ${b.requests} request(s), ${b.prompts} prompt(s), ${b.rows} sequence(s), ${b.generatedTokens} tokens in ${b.ms.toFixed(0)} ms`,
      );
    },
  });
  const modelName = o.modelName ?? basename(dir);
  const ctx: ApiContext = {
    modelName,
    modelAliases: new Set([o.modelDir, dir]),
    created: Math.floor(Date.now() / 1000),
    maxModelLen: config.max_position_embeddings,
    vocabSize: config.vocab_size,
    tokenizer,
    chat,
    chatError,
    defaults: samplingDefaults(dir),
    batcher,
  };
  const maxBody = o.maxBodyBytes ?? 32 * 2 ** 20;
  let closing: Promise<void> | null = null;
  let inFlight = 0;

  const server = createServer((req, res) => {
    inFlight++;
    handle(req, res).finally(() => inFlight--);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = (ROUTES as readonly string[]).includes(path) ? path : 'other';
    let status = 200;
    let usage: Usage | null = null;
    let errorNote = '';
    try {
      if (closing) throw new ApiError(503, 'the server is shutting down', 'server_error', null, 'shutting_down');
      const result = await dispatch(req, path);
      usage = result.usage ?? null;
      if (result.text !== undefined) send(res, 200, result.text, 'text/plain; version=0.0.4');
      else send(res, 200, JSON.stringify(result.json), 'application/json');
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : new ApiError(
              500,
              `internal error: ${e instanceof Error ? e.message : String(e)}`,
              'server_error',
              null,
              'internal_error',
            );
      status = err.status;
      errorNote = ` error=${JSON.stringify(err.message)}`;
      send(res, status, JSON.stringify(err.body()), 'application/json');
    }
    metrics.countRequest(route, status);
    if (usage) metrics.promptTokens += usage.prompt_tokens;
    const tokens = usage ? ` prompt_tokens=${usage.prompt_tokens} completion_tokens=${usage.completion_tokens}` : '';
    log(
      `${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} "${req.method} ${path}" ${status} ${(performance.now() - t0).toFixed(0)}ms${tokens}${errorNote}`,
    );
  }

  function send(res: ServerResponse, status: number, body: string, type: string): void {
    if (res.headersSent) return;
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      ...(closing ? { connection: 'close' } : {}),
    });
    res.end(body);
  }

  async function dispatch(
    req: IncomingMessage,
    path: string,
  ): Promise<{ json?: unknown; text?: string; usage?: Usage }> {
    const method = req.method ?? 'GET';
    const allow = (m: string) => {
      if (method !== m)
        throw new ApiError(
          405,
          `${method} ${path} is not allowed (use ${m})`,
          'invalid_request_error',
          null,
          'method_not_allowed',
        );
    };
    switch (path) {
      case '/v1/models':
        allow('GET');
        return { json: listModels(ctx) };
      case '/health':
        allow('GET');
        return { json: { status: 'ok' } };
      case '/metrics':
        allow('GET');
        return { text: metrics.prometheus() };
      case '/v1/completions': {
        allow('POST');
        const { response, usage } = await completions(ctx, await readJson(req));
        return { json: response, usage };
      }
      case '/v1/chat/completions': {
        allow('POST');
        const { response, usage } = await chatCompletions(ctx, await readJson(req));
        return { json: response, usage };
      }
      default:
        throw new ApiError(
          404,
          `no route ${method} ${path} (this server has ${ROUTES.join(', ')})`,
          'invalid_request_error',
          null,
          'not_found',
        );
    }
  }

  async function readJson(req: IncomingMessage): Promise<Body> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBody)
        throw new ApiError(
          413,
          `the request body is larger than ${maxBody} bytes`,
          'invalid_request_error',
          null,
          'request_too_large',
        );
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new ApiError(
        400,
        `the request body is not valid JSON: ${(e as Error).message}`,
        'invalid_request_error',
        null,
        'invalid_json',
      );
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new ApiError(400, 'the request body must be a JSON object', 'invalid_request_error', null, 'invalid_json');
    return v as Body;
  }

  await new Promise<void>((res, rej) => {
    server.once('error', (e) => {
      void worker.stop();
      rej(new Error(`cannot listen on ${o.host ?? '127.0.0.1'}:${o.port ?? 8000}: ${e.message}`));
    });
    server.listen(o.port ?? 8000, o.host ?? '127.0.0.1', () => res());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  const info = worker.info!;
  log(
    `serving '${modelName}' (${(info.parameters / 1e6).toFixed(2)} M parameters, ${info.dtype} on ${info.device}) at ${url}/v1`,
  );

  const close = (): Promise<void> => {
    closing ??= (async () => {
      server.close();
      server.closeIdleConnections();
      // Requests already accepted are answered; then the worker goes.
      const deadline = Date.now() + 60_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await batcher.drain();
      server.closeAllConnections();
      await worker.stop();
    })();
    return closing;
  };
  return { url, host: addr.address, port: addr.port, modelName, metrics, close };
}
