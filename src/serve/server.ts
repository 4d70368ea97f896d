// `startServer`: an OpenAI-compatible HTTP server over a model folder. The main thread does HTTP,
// validation, tokenization and batching; the model lives in a worker thread (./worker.ts). Every
// failure is answered with an OpenAI-style error and the server goes on serving.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { isAdapterFolder, resolveBaseModel, tokenizerFolder } from '../model/adapter-io.js';
import { readConfig } from '../model/config.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { tokenName } from '../tokenizer/tokenizer-config.js';
import { AbortedError, Batcher, type Scheduler } from './batcher.js';
import { ChatRenderer } from './chat.js';
import { ContinuousBatcher } from './continuous.js';
import { ApiError } from './errors.js';
import { Metrics } from './metrics.js';
import { ModelWorker } from './model-worker.js';
import { type ApiContext, chatCompletions, completions, listModels, type RequestIO, type Usage } from './openai.js';
import { parseBody } from './request-body.js';
import { samplingDefaults } from './sampling-defaults.js';
import { SseWriter } from './stream.js';

export interface ServeOptions {
  /** A Hugging Face model folder (config.json, safetensors, tokenizer files), or a PEFT adapter folder. */
  modelDir: string;
  /** For an adapter folder: its base model folder (default: the adapter's base_model_name_or_path). */
  base?: string;
  host?: string;
  /** 0 picks a free port (see RunningServer.port). Default 8000. */
  port?: number;
  /** Most sequences (prompts × n) decoded together (per generate() call when static). Default 64. */
  maxBatch?: number;
  /**
   * 'continuous' (default): new requests join the running decode loop between steps; a request
   * whose client goes away leaves it at the next step. 'static': concurrent requests with the same
   * sampling options share one generate() call, run to the end.
   */
  batching?: 'continuous' | 'static';
  /** Continuous batching: most KV-cache memory the running rows may hold, MiB. Default 2048. */
  maxKvCacheMiB?: number;
  /** Continuous batching: decode steps a newcomer may wait so that newcomers are prefilled together. Default 0: admitted at the next step (waiting was measured no faster, docs/serve.md). */
  admitWaitSteps?: number;
  /**
   * Streaming: tokens that come within this long of a response's last write are written with the
   * next one (fewer writes and packets per token; the first token is never held). 0: one write per
   * event. Default 20 ms.
   */
  streamIntervalMs?: number;
  /** Static batching: how long an idle server waits for more requests to batch with the first. Default 5 ms. */
  batchWindowMs?: number;
  device?: string;
  dtype?: string;
  /** The model id clients use (default: the folder's name). */
  modelName?: string;
  /** Where the per-request log lines go (default: stderr). */
  log?: (line: string) => void;
  /** Longest accepted request body. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Open connections beyond this are closed at once. Default 512. */
  maxConnections?: number;
  /** Generation requests accepted but not answered beyond this get a 503. Default 1024. */
  maxPendingRequests?: number;
  /** A request's headers must arrive within this. Default 10 s. */
  headersTimeoutMs?: number;
  /** A request (headers and body) must arrive within this, or it gets a 408. Default 60 s. */
  requestTimeoutMs?: number;
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

/** Errors after which the rest of the body may still be on its way: the connection is closed. */
const UNREAD_BODY = new Set(['request_too_large', 'incomplete_body']);

const ROUTES = ['/v1/models', '/v1/completions', '/v1/chat/completions', '/health', '/metrics'] as const;

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const dir = resolve(o.modelDir);
  if (!existsSync(dir)) throw new Error(`model folder ${o.modelDir} does not exist`);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // An adapter folder serves merged on its base: config and generation defaults are the base's.
  const modelFolder = isAdapterFolder(dir) ? resolveBaseModel(dir, o.base) : dir;
  const tokDir = tokenizerFolder(dir, o.base);
  const config = readConfig(join(modelFolder, 'config.json'));
  const tokenizer = loadTokenizer(tokDir, 'model');
  if (tokenizer.vocabSize > config.vocab_size)
    throw new Error(
      `${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${config.vocab_size}`,
    );
  let chat: ChatRenderer | null = null;
  let chatError: string | null = null;
  const cfgFile = join(tokDir, 'tokenizer_config.json');
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
  const maxKv = o.maxKvCacheMiB ?? 2048;
  if (!(maxKv > 0)) throw new Error(`maxKvCacheMiB must be positive, got ${o.maxKvCacheMiB}`);
  const admitWaitSteps = o.admitWaitSteps ?? 0;
  if (!Number.isInteger(admitWaitSteps) || admitWaitSteps < 0)
    throw new Error(`admitWaitSteps must be a non-negative integer, got ${o.admitWaitSteps}`);
  if (o.batching !== undefined && o.batching !== 'continuous' && o.batching !== 'static')
    throw new Error(`batching must be 'continuous' or 'static', got ${JSON.stringify(o.batching)}`);
  const worker = await ModelWorker.start({
    modelDir: dir,
    ...(o.base ? { base: o.base } : {}),
    device: o.device ?? 'cpu',
    ...(o.dtype ? { dtype: o.dtype } : {}),
    maxRows: maxBatch,
    maxKvBytes: maxKv * 2 ** 20,
    admitWaitSteps,
  });
  const metrics: Metrics = new Metrics(() => ({ queued: batcher.queued, running: batcher.running }));
  const batching = o.batching ?? 'continuous';
  const batcher: Scheduler =
    batching === 'static'
      ? new Batcher(worker, {
          maxBatch,
          windowMs: o.batchWindowMs ?? 5,
          onBatch: (b) => {
            metrics.countBatch(b);
            log(
              `batch: ${b.requests} request(s), ${b.prompts} prompt(s), ${b.rows} sequence(s), ${b.generatedTokens} tokens in ${b.ms.toFixed(0)} ms`,
            );
          },
        })
      : new ContinuousBatcher(worker, maxBatch, (m) => metrics.countStep(m));
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
    defaults: samplingDefaults(modelFolder),
    batcher,
  };
  const maxBody = o.maxBodyBytes ?? 32 * 2 ** 20;
  const maxPending = o.maxPendingRequests ?? 1024;
  let closing: Promise<void> | null = null;
  let inFlight = 0;
  let pending = 0;

  const headersTimeout = o.headersTimeoutMs ?? 10_000;
  const requestTimeout = o.requestTimeoutMs ?? 60_000;
  // Node checks those timeouts every connectionsCheckingInterval (30 s by default), which would let a
  // slow client hold a connection far past a short limit.
  const checkEvery = Math.max(100, Math.min(30_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 4)));
  const server = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
    inFlight++;
    // handle() answers every failure itself; this catch is the last guard that keeps the process up.
    handle(req, res)
      .catch((e) => {
        try {
          log(`internal error outside a request handler: ${e instanceof Error ? e.stack : String(e)}`);
          if (!res.headersSent && !res.destroyed) res.destroy();
        } catch {}
      })
      .finally(() => inFlight--);
  });
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.maxConnections = o.maxConnections ?? 512;
  server.on('drop', () => metrics.refusedConnections++);
  // Malformed HTTP, oversized headers, timeouts: a 400/408/431 if the socket still takes one, then close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage)
      socket.end(
        `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    // Read once, now: the socket is gone from `req` once the client has gone (the old crash).
    const remote = req.socket?.remoteAddress ?? '-';
    const path = (req.url ?? '/').split('?')[0]!;
    const route = (ROUTES as readonly string[]).includes(path) ? path : 'other';
    const cancel = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) cancel.abort();
    });
    let sse: SseWriter | null = null;
    let firstToken = false;
    const io: RequestIO = {
      signal: cancel.signal,
      sse: () => {
        sse ??= new SseWriter(res, o.streamIntervalMs ?? 20);
        return sse;
      },
      onFirstToken: () => {
        if (firstToken) return;
        firstToken = true;
        metrics.observeTtft((performance.now() - t0) / 1000);
      },
    };
    let status = 200;
    let usage: Usage | null = null;
    let errorNote = '';
    try {
      if (closing) throw new ApiError(503, 'the server is shutting down', 'server_error', null, 'shutting_down');
      const result = await dispatch(req, path, io);
      usage = result.usage ?? null;
      if (result.text !== undefined) send(res, 200, result.text, 'text/plain; version=0.0.4');
      else if (result.json !== undefined) send(res, 200, JSON.stringify(result.json), 'application/json');
    } catch (e) {
      if (e instanceof AbortedError || cancel.signal.aborted) {
        // The client went away: nobody to answer (nginx logs this as 499).
        status = 499;
        errorNote = ' error="the client closed the connection"';
        metrics.cancelledRequests++;
      } else {
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
        // A refused body may still be arriving: answer, then close rather than read the rest.
        send(res, status, JSON.stringify(err.body()), 'application/json', UNREAD_BODY.has(err.code ?? ''));
      }
    }
    metrics.countRequest(route, status);
    if (usage) metrics.promptTokens += usage.prompt_tokens;
    const tokens = usage ? ` prompt_tokens=${usage.prompt_tokens} completion_tokens=${usage.completion_tokens}` : '';
    log(
      `${new Date().toISOString()} ${remote} "${req.method} ${path}" ${status} ${(performance.now() - t0).toFixed(0)}ms${tokens}${errorNote}`,
    );
  }

  function send(res: ServerResponse, status: number, body: string, type: string, close = false): void {
    if (res.headersSent || res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      ...(closing || close ? { connection: 'close' } : {}),
    });
    res.end(body);
  }

  async function dispatch(
    req: IncomingMessage,
    path: string,
    io: RequestIO,
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
    const generation = async (
      run: (body: Awaited<ReturnType<typeof parseBody>>) => Promise<{ response?: unknown; usage: Usage }>,
    ) => {
      allow('POST');
      if (pending >= maxPending)
        throw new ApiError(
          503,
          `the server has ${pending} requests in progress (its limit): try again later`,
          'server_error',
          null,
          'server_overloaded',
        );
      pending++;
      try {
        const { response, usage } = await run(await parseBody(req, maxBody));
        return { json: response, usage };
      } finally {
        pending--;
      }
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
      case '/v1/completions':
        return generation((body) => completions(ctx, body, io));
      case '/v1/chat/completions':
        return generation((body) => chatCompletions(ctx, body, io));
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
